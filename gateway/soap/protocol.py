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
  information (names, order, min/max occurrences, defaults), and writing produces text
  (`to_parent` into a list) instead of an lxml tree. Spyne's generic path asks for class
  attributes and walks coroutines for every element: on a getTransactionInformation
  response it cost ~300 µs of a ~400 µs parse-read-write round trip; the text plan costs
  ~15 µs.

Writing follows the model order exactly (O2), so nothing can be interleaved; a value-typed
member without a value is written with its model default (O3: 0, 0001-01-01).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from lxml import etree
from spyne.model import Array, ComplexModelBase, ModelBase, Unicode
from spyne.model.binary import ByteArray
from spyne.model.primitive import Boolean, Date, DateTime, Decimal, Integer
from spyne.protocol.xml import XmlDocument

from gateway.soap import ns, wire

__all__ = ["AsmxXml", "Instant", "UnreadableValue"]

Reader = Callable[[etree._Element], Any]
#: Appends the XML text of one element to a list of strings.
Emit = Callable[[list[str], Any], None]


class UnreadableValue(ValueError):
    """A request member holds text that is no value of its declared type."""

    def __init__(self, member: str, error: wire.WireValueError) -> None:
        super().__init__(f"{member}: {error}")
        self.member = member
        self.error = error


class Instant(DateTime):
    """xs:dateTime read and written as an instant with its offset (the helpdesk's dates):
    `2026-12-02T09:30:00-05:00` out; in, an offset-less value is Bogotá wall time."""

    __type_name__ = "dateTime"


def _is_nil(element: etree._Element) -> bool:
    return element.get(ns.XSI_NIL, "").strip() in ("true", "1")


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
        self._from_unicode_handlers[Date] = lambda cls, text, *a, **k: wire.date_from_wire(text)
        self._to_unicode_handlers[DateTime] = lambda cls, value, *a, **k: wire.datetime_to_wire(
            value
        )
        self._to_unicode_handlers[Instant] = lambda cls, value, *a, **k: wire.instant_to_wire(value)
        self._from_unicode_handlers[Instant] = lambda cls, text, *a, **k: wire.instant_from_wire(
            text
        )
        self._from_unicode_handlers[Boolean] = lambda cls, text, *a, **k: wire.bool_from_wire(text)
        self._to_unicode_handlers[Boolean] = lambda cls, value, *a, **k: wire.bool_to_wire(value)
        self._from_unicode_handlers[ByteArray] = lambda cls, text, *a, **k: wire.base64_from_wire(
            text
        )
        self._to_unicode_handlers[ByteArray] = lambda cls, value, *a, **k: wire.base64_to_wire(
            value
        )
        # Compiled once per model class (per element name and namespace, for writing); the
        # endpoint compiles them all at start-up (`prepare_reading`, `prepare_writing`).
        self._readers: dict[type, Reader] = {}
        self._emitters: dict[tuple[type, str, str | None], Emit] = {}

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
        """Spyne's serializer entry point; a `list` parent collects XML text (the fast path).

        The text is the element `name` and its content, unprefixed: the caller writes it
        inside an element that declares `ns` as the default namespace (and `xsi`, for nil
        items). Any other parent goes through Spyne's generic serializer.
        """
        if not isinstance(parent, list):
            return super().to_parent(ctx, cls, inst, parent, ns, *args, **kwargs)
        name = args[0] if args else kwargs.get("name") or cls.get_type_name()
        self._emitter(cls, name, ns)(parent, inst)

    def prepare_reading(self, cls: type) -> None:
        """Compile the reading plan of `cls` now (start-up) rather than on the first call."""
        self._reader(cls)

    def prepare_writing(self, cls: type, name: str, namespace: str | None) -> None:
        """Compile the writing plan of element `name` of type `cls` now (start-up)."""
        self._emitter(cls, name, namespace)

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

    def _emitter(self, cls: type, name: str, namespace: str | None) -> Emit:
        key = (cls, name, namespace)
        emit = self._emitters.get(key)
        if emit is None:
            emit = self._emitters[key] = self._compile_emitter(cls, name, namespace)
        return emit

    def _compile_emitter(self, cls: type, name: str, namespace: str | None) -> Emit:
        """Text writer for one element `name` of type `cls`, unprefixed in `namespace`.

        The response wrapper declares the service namespace as the default one (as ASMX
        does), so every element below it is written without prefix; a model member in any
        other namespace would need a prefix and is refused when the plan is compiled.
        """
        open_tag, close_tag, empty_tag = f"<{name}>", f"</{name}>", f"<{name} />"
        if issubclass(cls, Array):
            ((item_name, item_cls),) = cls._type_info.items()
            _same_namespace(cls, namespace)
            emit_item = self._emitter(item_cls, item_name, namespace)
            nil_item = f'<{item_name} xsi:nil="true" />'

            def emit_array(out: list[str], value: Iterable[Any]) -> None:
                items = list(value)
                if not items:
                    out.append(empty_tag)
                    return
                out.append(open_tag)
                for item in items:
                    if item is None:
                        out.append(nil_item)
                    else:
                        emit_item(out, item)
                out.append(close_tag)

            return emit_array
        if issubclass(cls, ComplexModelBase):
            return self._complex_emitter(cls, open_tag, close_tag, namespace)
        if issubclass(cls, Unicode):

            def emit_text(out: list[str], value: Any) -> None:
                text = value if isinstance(value, str) else str(value)
                if not text:
                    out.append(empty_tag)
                    return
                # Codes, numbers and most names are alphanumeric: nothing to look for.
                out.append(open_tag)
                out.append(text if text.isalnum() else _escape(text))
                out.append(close_tag)

            return emit_text
        if issubclass(cls, ModelBase):
            handler = self._to_unicode_handlers[cls]

            def emit_value(out: list[str], value: Any) -> None:
                out.append(open_tag)
                out.append(handler(cls, value))
                out.append(close_tag)

            return emit_value
        raise TypeError(f"no writer for {cls!r}")

    def _complex_emitter(
        self, cls: type, open_tag: str, close_tag: str, namespace: str | None
    ) -> Emit:
        _same_namespace(cls, namespace)
        # (attribute, emitter, repeated, required, default, nil form), in model order
        members: list[tuple[str, Emit, bool, bool, Any, str]] = []
        for key, member_cls in cls.get_flat_type_info(cls).items():
            attrs = self.get_cls_attrs(member_cls)
            if attrs.exc:
                continue
            if attrs.sub_ns not in (None, namespace):
                raise TypeError(f"{cls!r}.{key} is not in {namespace}")
            name = attrs.sub_name or key
            members.append(
                (
                    key,
                    self._emitter(member_cls, name, namespace),
                    attrs.max_occurs > 1,
                    attrs.min_occurs > 0,
                    attrs.default,
                    f'<{name} xsi:nil="true" />',
                )
            )

        def emit_complex(out: list[str], inst: Any) -> None:
            out.append(open_tag)
            for key, emit, repeated, required, default, nil in members:
                value = getattr(inst, key, None)
                if value is None:
                    value = default
                if repeated:
                    for item in value or ():
                        emit(out, "" if item is None else item)
                elif value is not None:
                    emit(out, value)
                elif required:
                    out.append(nil)
            out.append(close_tag)

        return emit_complex


def _same_namespace(cls: type, namespace: str | None) -> None:
    own = cls.get_namespace()
    if own is not None and own != namespace:
        raise TypeError(f"{cls!r} is in {own}, not in {namespace}")


_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))


def _escape(text: str) -> str:
    # One scan decides; most values (codes, amounts, names) need nothing.
    if wire.needs_escaping(text):
        for char, entity in _ESCAPES:
            text = text.replace(char, entity)
        # A control character pasted into a name: XML 1.0 cannot carry it at all.
        text = wire.xml_safe(text)
    return text


def _read_text(element: etree._Element) -> str:
    # XmlSerializer keeps strings verbatim: an empty element is "", spaces stay (R8).
    return element.text or ""
