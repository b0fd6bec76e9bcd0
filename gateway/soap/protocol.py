"""Spyne's XML protocol, tuned to read like ASMX's XmlSerializer and to write like it, fast.

The contract modules declare every message as Spyne models; this protocol (a subclass of
`spyne.protocol.xml.XmlDocument`, plugged into each contract's `spyne.Application`) turns
elements into those models and back. It keeps Spyne's entry points (`from_element`,
`to_parent`) and its handler tables (`_from_unicode_handlers`, `_to_unicode_handlers`, filled
here with the conversions of `wire.py`), and replaces two things:

* reading is tolerant the way the real host is (R5-R9, R11): members are matched by local
  name in any order, unknown elements are skipped, repeated members collect in wire order,
  an empty value-typed element is None, whitespace around numbers is ignored, `xsi:type`
  is not interpreted (nusoap may send `xsd:string` annotations);
* both directions run from a plan compiled once per model class from Spyne's own type
  information (names, order, min/max occurrences, defaults). Spyne's generic path asks for
  class attributes and walks coroutines for every element; measured on a
  getTransactionInformation response that cost ~300 µs of a ~400 µs round trip, the
  compiled plan ~25 µs (see tests/soap/test_performance.py).

Writing follows the model order exactly (O2), so nothing can be interleaved; a value-typed
member without a value is written with its model default (O3: 0, 0001-01-01).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from lxml import etree
from spyne.model import Array, ComplexModelBase, ModelBase, Unicode
from spyne.model.primitive import Date, DateTime, Decimal, Integer
from spyne.protocol.xml import XmlDocument

from gateway.soap import ns, wire

__all__ = ["AsmxXml", "UnreadableValue"]

Reader = Callable[[etree._Element], Any]
Writer = Callable[[etree._Element, str, Any], None]

_SubElement = etree.SubElement


class UnreadableValue(ValueError):
    """A request member holds text that is no value of its declared type."""

    def __init__(self, member: str, error: wire.WireValueError) -> None:
        super().__init__(f"{member}: {error}")
        self.member = member
        self.error = error


def _is_nil(element: etree._Element) -> bool:
    return element.get(ns.XSI_NIL, "").strip() in ("true", "1")


def _set_text(element: etree._Element, text: str) -> None:
    try:
        element.text = text
    except ValueError:  # a character XML 1.0 cannot carry, e.g. from a pasted name
        element.text = wire.xml_safe(text)


class AsmxXml(XmlDocument):
    """The Spyne protocol every contract Application uses for its messages."""

    def __init__(self) -> None:
        super().__init__(
            validator=None,  # the plan's tolerant reading is the validation ASMX does
            parse_xsi_type=False,
            polymorphic=False,
            cleanup_namespaces=False,
        )
        self._from_unicode_handlers[Decimal] = lambda cls, text, *a, **k: wire.decimal_from_wire(
            text
        )
        self._from_unicode_handlers[Integer] = lambda cls, text, *a, **k: wire.int_from_wire(text)
        self._to_unicode_handlers[Decimal] = lambda cls, value, *a, **k: wire.decimal_to_wire(value)
        self._to_unicode_handlers[Integer] = lambda cls, value, *a, **k: wire.int_to_wire(value)
        self._to_unicode_handlers[Date] = lambda cls, value, *a, **k: wire.date_to_wire(value)
        self._to_unicode_handlers[DateTime] = lambda cls, value, *a, **k: wire.datetime_to_wire(
            value
        )
        # Compiled once per model class (and namespace, for writing); see `prepare`.
        self._readers: dict[type, Reader] = {}
        self._writers: dict[tuple[type, str | None], Writer] = {}

    # -- Spyne entry points ------------------------------------------------------------------

    def from_element(self, ctx: Any, cls: type, element: etree._Element) -> Any:
        if _is_nil(element):
            return None
        return self._reader(cls)(element)

    def complex_from_element(self, ctx: Any, cls: type, elt: etree._Element) -> Any:
        return self._reader(cls)(elt)

    def array_from_element(self, ctx: Any, cls: type, element: etree._Element) -> Any:
        return self._reader(cls)(element)

    def to_parent(
        self, ctx: Any, cls: type, inst: Any, parent: Any, ns: str | None, *args: Any, **kwargs: Any
    ) -> Any:
        if not issubclass(cls, ComplexModelBase) or not isinstance(parent, etree._Element):
            return super().to_parent(ctx, cls, inst, parent, ns, *args, **kwargs)
        name = args[0] if args else kwargs.get("name") or cls.get_type_name()
        self._writer(cls, ns)(parent, f"{{{ns}}}{name}" if ns else name, inst)

    def prepare(self, cls: type) -> None:
        """Compile the plans of `cls` and every type it contains (at start-up, not per call)."""
        self._reader(cls)
        self._writer(cls, cls.get_namespace())

    # -- reading -----------------------------------------------------------------------------

    def _reader(self, cls: type) -> Reader:
        reader = self._readers.get(cls)
        if reader is None:
            reader = self._readers[cls] = self._compile_reader(cls)
        return reader

    def _compile_reader(self, cls: type) -> Reader:
        if issubclass(cls, Array):
            (item_cls,) = cls._type_info.values()
            return self._array_reader(item_cls)
        if issubclass(cls, ComplexModelBase):
            return self._complex_reader(cls)
        if issubclass(cls, Unicode):
            return _read_text
        if issubclass(cls, ModelBase):
            handler = self._from_unicode_handlers[cls]

            def read_value(element: etree._Element) -> Any:
                return handler(cls, element.text)

            return read_value
        raise TypeError(f"no reader for {cls!r}")

    def _member_reader(self, member_cls: type) -> Reader:
        # Members may be nil (`xsi:nil="true"`, ArrayOfString items): None, as ASMX reads it.
        inner = self._reader(member_cls)

        def read_member(element: etree._Element) -> Any:
            if element.attrib and _is_nil(element):
                return None
            return inner(element)

        return read_member

    def _array_reader(self, item_cls: type) -> Reader:
        read_item = self._member_reader(item_cls)

        def read_array(element: etree._Element) -> list[Any]:
            return [read_item(child) for child in element if isinstance(child.tag, str)]

        return read_array

    def _complex_reader(self, cls: type) -> Reader:
        members: dict[str, tuple[str, Reader, bool]] = {}
        for key, member_cls in cls.get_flat_type_info(cls).items():
            attrs = self.get_cls_attrs(member_cls)
            wire_name = attrs.sub_name or key
            members[wire_name] = (key, self._member_reader(member_cls), attrs.max_occurs > 1)
        model = cls.__orig__ or cls
        # Spyne's __init__ walks every member through its attribute machinery; a blank
        # instance with every member None reads the same and costs a dict update.
        blank = {key: None for key, _, _ in members.values()}

        def read_complex(element: etree._Element) -> Any:
            inst = model.__new__(model)
            inst.__dict__.update(blank)
            for child in element:
                tag = child.tag
                if not isinstance(tag, str):  # comment or PI the parser kept
                    continue
                entry = members.get(tag.rpartition("}")[2])
                if entry is None:
                    continue  # unknown element: ignored, as the real host does (R6)
                key, read, repeated = entry
                try:
                    value = read(child)
                except wire.WireValueError as exc:
                    raise UnreadableValue(key, exc) from None
                if repeated:
                    collected = inst.__dict__.get(key)
                    if collected is None:
                        inst.__dict__[key] = [value]
                    else:
                        collected.append(value)
                else:
                    inst.__dict__[key] = value
            return inst

        return read_complex

    # -- writing -----------------------------------------------------------------------------

    def _writer(self, cls: type, namespace: str | None) -> Writer:
        writer = self._writers.get((cls, namespace))
        if writer is None:
            writer = self._writers[cls, namespace] = self._compile_writer(cls, namespace)
        return writer

    def _compile_writer(self, cls: type, namespace: str | None) -> Writer:
        if issubclass(cls, Array):
            ((item_name, item_cls),) = cls._type_info.items()
            item_ns = cls.get_namespace() or namespace
            item_tag = f"{{{item_ns}}}{item_name}" if item_ns else item_name
            write_item = self._writer(item_cls, item_ns)

            def write_array(parent: etree._Element, tag: str, value: Iterable[Any]) -> None:
                wrapper = _SubElement(parent, tag)
                for item in value:
                    if item is None:
                        _SubElement(wrapper, item_tag, {ns.XSI_NIL: "true"})
                    else:
                        write_item(wrapper, item_tag, item)

            return write_array
        if issubclass(cls, ComplexModelBase):
            return self._complex_writer(cls, namespace)
        if issubclass(cls, Unicode):
            return _write_text
        if issubclass(cls, ModelBase):
            handler = self._to_unicode_handlers[cls]

            def write_value(parent: etree._Element, tag: str, value: Any) -> None:
                _SubElement(parent, tag).text = handler(cls, value)

            return write_value
        raise TypeError(f"no writer for {cls!r}")

    def _complex_writer(self, cls: type, namespace: str | None) -> Writer:
        own_ns = cls.get_namespace() or namespace
        # (attribute, tag, writer, repeated, required, default), in model order
        members: list[tuple[str, str, Writer, bool, bool, Any]] = []
        for key, member_cls in cls.get_flat_type_info(cls).items():
            attrs = self.get_cls_attrs(member_cls)
            if attrs.exc:
                continue
            member_ns = attrs.sub_ns or own_ns
            name = attrs.sub_name or key
            tag = f"{{{member_ns}}}{name}" if member_ns else name
            members.append(
                (
                    key,
                    tag,
                    self._writer(member_cls, member_ns),
                    attrs.max_occurs > 1,
                    attrs.min_occurs > 0,
                    attrs.default,
                )
            )

        def write_complex(parent: etree._Element, tag: str, inst: Any) -> None:
            element = _SubElement(parent, tag)
            for key, member_tag, write, repeated, required, default in members:
                value = getattr(inst, key, None)
                if value is None:
                    value = default
                if repeated:
                    for item in value or ():
                        write(element, member_tag, "" if item is None else item)
                elif value is not None:
                    write(element, member_tag, value)
                elif required:
                    _SubElement(element, member_tag, {ns.XSI_NIL: "true"})

        return write_complex


def _read_text(element: etree._Element) -> str:
    # XmlSerializer keeps strings verbatim: an empty element is "", spaces stay (R8).
    return element.text or ""


def _write_text(parent: etree._Element, tag: str, value: Any) -> None:
    _set_text(_SubElement(parent, tag), value if isinstance(value, str) else str(value))
