"""The configuration file: YAML in and out of a `gateway.domain.configuration.Configuration`.

Shape (keys are the domain's field names; the README's "Configuration as data" lists each one
with the manual's label and default)::

    version: 1
    entities:
      - code: '10001'
        name: Comercio Demo
        allowed_networks: [203.0.113.0/24]
        callback_secret: null
        services:
          - code: '1001'
            description: Pagos en línea
            active: true
            value: '0.00'
            max_retries: 2
            references:
              - {title: Número de identificación, type: CUSTOMER_ID, required: true}
    financial_institutions:          # optional: absent leaves the institutions as they are
      - {payment_system: PSE, code: '1022', name: BANCO UNION COLOMBIANO, enabled: true}
    banks:                           # optional: absent leaves the banks as they are
      - code: '007'
        name: Bancolombia
        enabled: true
        users:                       # password (sealed on import) or password_sealed (export)
          - {username: bancolombia-caja, password_sealed: gAAAAA..., enabled: true}
        agreements:
          - {code: '7001', entity: '10001', service: '1001', gln: '7709998000018',
             max_invoices: 10, reference_length: null, amount_length: null,
             account_number: '12345678901', account_type: '01', enabled: true}

Reading is strict and reports every problem at once, each with its line and path in the file
(`entities[0].services[1].max_retries`): unknown or repeated keys (a typo must not be silently
ignored), wrong types, then the domain's rules (`configuration_problems`). Scalars must mean what
they look like: money is a quoted decimal ('50000.50') or an integer, never a YAML float (a binary
float is not the amount written); numbers YAML 1.1 reads otherwise than they look (`01001` is
octal, `1_000`, `0x1F`, `1:20`) must be quoted; dates are ISO (`2026-11-23`). Codes may be written
as plain integers (`10001`).

Writing is stable: keys in the domain's field order, money as quoted decimals at the column's
scale, so export -> import -> export gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, get_type_hints

import yaml

from gateway.domain.banks import Agreement, BankConfiguration, BankUser
from gateway.domain.configuration import (
    FORMAT_VERSION,
    Configuration,
    EntityConfiguration,
    configuration_problems,
)
from gateway.domain.merchant_services import Entity, MerchantService, Problem
from gateway.domain.payment_systems import FinancialInstitution, PaymentSystem
from gateway.domain.references import (
    LengthRule,
    ListItem,
    ListKind,
    ReferenceList,
    ReferenceRule,
    ReferenceType,
    ShownWhen,
)

Path = tuple[str | int, ...]

HEADER = (
    "# ecollect-gateway configuration: `ecollect-gateway config import FILE` applies it.\n"
    "# It holds the entities' callback secrets and the banks' sealed passwords: keep it like a\n"
    "# password.\n"
)


@dataclass(frozen=True)
class FileError:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.path}: {self.message}"


class ConfigFileError(Exception):
    """The file is not a valid configuration; `errors` holds every problem found."""

    def __init__(self, errors: list[FileError]) -> None:
        super().__init__(f"{len(errors)} error(s) in the configuration file")
        self.errors = errors


def format_path(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(document)"


# --- loading YAML: keep lines, refuse ambiguity ------------------------------------------------


class _Map(dict):  # type: ignore[type-arg]
    line: int
    key_lines: dict[Any, int]
    duplicates: list[tuple[Any, int, int]]  # key, line, line of the first


class _List(list):  # type: ignore[type-arg]
    line: int
    item_lines: list[int]


@dataclass(frozen=True)
class _Inexact:
    """A scalar YAML would read as something other than what it looks like."""

    text: str
    kind: str  # "float", "number" or "date"


class _Loader(yaml.SafeLoader):
    pass


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    result = _Map()
    result.line, result.key_lines, result.duplicates = node.start_mark.line + 1, {}, []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | bool) or isinstance(key, _Inexact):
            key = str(key_node.value)
        line = key_node.start_mark.line + 1
        if key in result:
            result.duplicates.append((key, line, result.key_lines[key]))
        else:
            result.key_lines[key] = line
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _construct_list(loader: _Loader, node: yaml.SequenceNode) -> _List:
    result = _List(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_DECIMAL_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int | _Inexact:
    text = loader.construct_scalar(node)
    return int(text) if _DECIMAL_INT.fullmatch(text) else _Inexact(text, "number")


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> _Inexact:
    return _Inexact(loader.construct_scalar(node), "float")


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> date | _Inexact:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return _Inexact(loader.construct_scalar(node), "date")


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_list)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


# --- scalar readers: each answers the value, or _BAD after reporting why -------------------------

_BAD = object()
_PLAIN_DECIMAL = re.compile(r"[-+]?[0-9]+(\.[0-9]+)?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

Reader = Callable[["_Walk", Any, Path], Any]


def _shown(value: Any) -> str:
    if isinstance(value, _Inexact):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "null" if value is None else repr(value)


def _bool(walk: _Walk, value: Any, path: Path) -> Any:
    if isinstance(value, bool):
        return value
    return walk.bad(path, f"must be true or false (unquoted), not {_shown(value)}")


def _int(walk: _Walk, value: Any, path: Path) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return walk.bad(path, f"must be an integer, not {_shown(value)}")


def _decimal(walk: _Walk, value: Any, path: Path) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str) and _PLAIN_DECIMAL.fullmatch(value.strip()):
        return Decimal(value.strip())
    if isinstance(value, _Inexact) and value.kind == "float":
        return walk.bad(
            path,
            f"{value.text} is a YAML float, which is not exact: write the amount in quotes "
            f"('{value.text}')",
        )
    return walk.bad(path, f"must be a decimal such as '50000.00' (quoted), not {_shown(value)}")


def _text(walk: _Walk, value: Any, path: Path) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # a plain decimal integer reads back exactly as written
    if isinstance(value, bool | _Inexact | date):
        return walk.bad(path, f"{_shown(value)} is not read as text by YAML: put it in quotes")
    return walk.bad(path, f"must be text, not {_shown(value)}")


def _date(walk: _Walk, value: Any, path: Path) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    return walk.bad(path, f"must be a date YYYY-MM-DD, not {_shown(value)}")


def _optional(reader: Reader) -> Reader:
    return lambda walk, value, path: None if value is None else reader(walk, value, path)


def _choice(kind: type[ReferenceType] | type[PaymentSystem] | type[ListKind]) -> Reader:
    names = [member.name for member in kind]

    def read(walk: _Walk, value: Any, path: Path) -> Any:
        if isinstance(value, str) and value in names:
            return kind[value]
        return walk.bad(path, f"must be one of {', '.join(names)}, not {_shown(value)}")

    return read


def _length(walk: _Walk, value: Any, path: Path) -> Any:
    text = _text(walk, value, path)
    if text is _BAD:
        return _BAD
    try:
        return LengthRule.parse(text)
    except ValueError:
        return walk.bad(
            path,
            f"{text!r} is not a Forzar Longitud rule: n (exactly), -n (at most), n-m or n,m,p "
            "(lengths up to 100)",
        )


def _texts(walk: _Walk, value: Any, path: Path) -> Any:
    items = walk.sequence(value, path)
    if items is None:
        return _BAD
    read = [_text(walk, item, (*path, i)) for i, item in enumerate(items)]
    return _BAD if _BAD in read else tuple(read)


_BY_HINT: dict[Any, Reader] = {
    bool: _bool,
    int: _int,
    Decimal: _decimal,
    str: _text,
    str | None: _optional(_text),
    date | None: _optional(_date),
}


def _service_readers() -> dict[str, Reader]:
    """A reader per MerchantService field, from its type: a new field is a new key."""
    hints = get_type_hints(MerchantService)
    readers = {}
    for spec in dataclasses.fields(MerchantService):
        if spec.name in ("entity_code", "references"):
            continue
        if hints[spec.name] not in _BY_HINT:
            raise TypeError(f"MerchantService.{spec.name}: no configuration reader for its type")
        readers[spec.name] = _BY_HINT[hints[spec.name]]
    return readers


SERVICE_KEYS = _service_readers()
ENTITY_KEYS: dict[str, Reader] = {
    "code": _text,
    "name": _text,
    "nit": _text,
    "enabled": _bool,
    "allowed_networks": _texts,
    "callback_secret": _optional(_text),
}
REFERENCE_KEYS: dict[str, Reader] = {
    "title": _text,
    "type": _choice(ReferenceType),
    "required": _bool,
    "uppercase": _bool,
    "constant_value": _optional(_text),
    "hidden": _bool,
    "read_only": _bool,
    "length": _optional(_length),
    "double_payment_control": _bool,
    "prefix": _optional(_text),
    "help": _optional(_text),
    "list": _optional(lambda walk, value, path: _list(walk, value, path)),
    "shown_when": _optional(lambda walk, value, path: _shown_when(walk, value, path)),
}
LIST_KEYS: dict[str, Reader] = {
    "kind": _choice(ListKind),
    "prompt": _text,
    "store_text": _bool,
    "parent": _optional(_int),
}
LIST_ITEM_KEYS: dict[str, Reader] = {
    "code": _text,
    "text": _text,
    "price": _optional(_decimal),
    "currency": _optional(_text),
    "parent": _optional(_text),
}
SHOWN_WHEN_KEYS: dict[str, Reader] = {"reference": _int, "values": _texts}
INSTITUTION_KEYS: dict[str, Reader] = {
    "payment_system": _choice(PaymentSystem),
    "code": _text,
    "name": _text,
    "enabled": _bool,
}
BANK_KEYS: dict[str, Reader] = {"code": _text, "name": _text, "enabled": _bool}
USER_KEYS: dict[str, Reader] = {
    "username": _text,
    "password": _text,
    "password_sealed": _text,
    "enabled": _bool,
}
#: What export writes of a user: never a password in clear.
USER_EXPORT_KEYS = ("username", "password_sealed", "enabled")
AGREEMENT_KEYS: dict[str, Reader] = {
    "code": _text,
    "entity": _text,
    "service": _text,
    "gln": _optional(_text),
    "max_invoices": _int,
    "reference_length": _optional(_int),
    "amount_length": _optional(_int),
    "account_number": _text,
    "account_type": _text,
    "enabled": _bool,
}
TOP_KEYS = ("version", "entities", "financial_institutions", "banks")


# --- the walk over the document ---------------------------------------------------------------


#: Objects a document may hold once aliases are expanded (the demo holds about 30; an alias bomb
#: would hold billions).
MAX_OBJECTS = 100_000


class _TooLarge(Exception):
    pass


class _Walk:
    def __init__(self) -> None:
        self.visited = 0
        self.errors: list[tuple[Path, str, int | None]] = []
        self.lines: dict[Path, int] = {}
        self.bad_paths: list[Path] = []

    def bad(self, path: Path, message: str, line: int | None = None) -> object:
        self.errors.append((path, message, line))
        self.bad_paths.append(path)
        return _BAD

    def mapping(
        self, value: Any, path: Path, allowed: Iterable[str], required: Iterable[str] = ()
    ) -> _Map | None:
        self.visited += 1
        if self.visited > MAX_OBJECTS:
            raise _TooLarge
        if not isinstance(value, _Map):
            if isinstance(value, _List):
                self.lines.setdefault(path, value.line)
            self.bad(path, f"must be a mapping of keys, not {_shown(value)}")
            return None
        allowed = list(allowed)
        for key, line in value.key_lines.items():
            self.lines[(*path, str(key))] = line
        for key, line, first in value.duplicates:
            self.bad((*path, str(key)), f"key repeated (first at line {first})", line)
        for key in value:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                self.bad((*path, str(key)), f"unknown key{hint}")
        for key in required:
            if key not in value:
                self.errors.append((path, f"{key} is required", None))
                self.bad_paths.append((*path, key))  # its placeholder is not judged again
        return value

    def sequence(self, value: Any, path: Path) -> _List | None:
        if not isinstance(value, _List):
            if isinstance(value, _Map):
                self.lines.setdefault(path, value.line)
            self.bad(path, f"must be a list, not {_shown(value)}")
            return None
        for index, line in enumerate(value.item_lines):
            self.lines[(*path, index)] = line
        return value

    def fields(self, mapping: _Map | None, path: Path, readers: dict[str, Reader]) -> dict:
        """The well-typed values of `mapping` (bad or absent ones left out)."""
        values = {}
        for key, read in readers.items():
            if mapping is not None and key in mapping:
                value = read(self, mapping[key], (*path, key))
                if value is not _BAD:
                    values[key] = value
        return values

    def is_bad(self, path: Path) -> bool:
        return any(path[: len(bad)] == bad for bad in self.bad_paths)

    def line(self, path: Path) -> int | None:
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None


def _entity(walk: _Walk, value: Any, path: Path) -> EntityConfiguration:
    allowed = (*ENTITY_KEYS, "services")
    mapping = walk.mapping(value, path, allowed, required=("code", "name"))
    fields = {"code": "", "name": "", **walk.fields(mapping, path, ENTITY_KEYS)}
    entity = Entity(**fields)
    services: list[MerchantService] = []
    if mapping is not None and "services" in mapping:
        items = walk.sequence(mapping["services"], (*path, "services"))
        for j, item in enumerate(items or ()):
            services.append(_service(walk, item, (*path, "services", j), entity.code))
    return EntityConfiguration(entity, tuple(services))


def _service(walk: _Walk, value: Any, path: Path, entity_code: str) -> MerchantService:
    mapping = walk.mapping(value, path, (*SERVICE_KEYS, "references"), ("code", "description"))
    fields = {"code": "", "description": "", **walk.fields(mapping, path, SERVICE_KEYS)}
    references: list[ReferenceRule] = []
    if mapping is not None and "references" in mapping:
        items = walk.sequence(mapping["references"], (*path, "references"))
        for k, item in enumerate(items or ()):
            here = (*path, "references", k)
            ref = walk.mapping(item, here, REFERENCE_KEYS, required=("title",))
            references.append(
                ReferenceRule(**{"title": "", **walk.fields(ref, here, REFERENCE_KEYS)})
            )
    return MerchantService(entity_code=entity_code, **fields, references=tuple(references))


def _list(walk: _Walk, value: Any, path: Path) -> Any:
    """A reference's `list`: kind, prompt, store_text, parent and its `items`."""
    mapping = walk.mapping(value, path, (*LIST_KEYS, "items"), required=("kind", "items"))
    if mapping is None:
        return _BAD
    fields = walk.fields(mapping, path, LIST_KEYS)
    items: list[ListItem] = []
    listed = walk.sequence(mapping["items"], (*path, "items")) if "items" in mapping else None
    for k, item in enumerate(listed or ()):
        here = (*path, "items", k)
        entry = walk.mapping(item, here, LIST_ITEM_KEYS, required=("code", "text"))
        items.append(
            ListItem(**{"code": "", "text": "", **walk.fields(entry, here, LIST_ITEM_KEYS)})
        )
    if "kind" not in fields:
        return _BAD
    return ReferenceList(items=tuple(items), **fields)


def _shown_when(walk: _Walk, value: Any, path: Path) -> Any:
    mapping = walk.mapping(value, path, SHOWN_WHEN_KEYS, required=("reference", "values"))
    fields = walk.fields(mapping, path, SHOWN_WHEN_KEYS)
    if mapping is None or len(fields) < 2:
        return _BAD
    return ShownWhen(fields["reference"], fields["values"])


def _institution(walk: _Walk, value: Any, path: Path) -> FinancialInstitution:
    mapping = walk.mapping(value, path, INSTITUTION_KEYS, ("payment_system", "code", "name"))
    fields = walk.fields(mapping, path, INSTITUTION_KEYS)
    return FinancialInstitution(
        **{"payment_system": PaymentSystem.PSE, "code": "0", "name": "?", **fields}
    )


def _bank(walk: _Walk, value: Any, path: Path) -> BankConfiguration:
    mapping = walk.mapping(value, path, (*BANK_KEYS, "users", "agreements"), ("code", "name"))
    fields = {"code": "000", "name": "?", **walk.fields(mapping, path, BANK_KEYS)}
    users: list[BankUser] = []
    agreements: list[Agreement] = []
    if mapping is not None and "users" in mapping:
        for i, item in enumerate(walk.sequence(mapping["users"], (*path, "users")) or ()):
            here = (*path, "users", i)
            user = walk.mapping(item, here, USER_KEYS, required=("username",))
            users.append(BankUser(**{"username": "?", **walk.fields(user, here, USER_KEYS)}))
    if mapping is not None and "agreements" in mapping:
        items = walk.sequence(mapping["agreements"], (*path, "agreements"))
        for j, item in enumerate(items or ()):
            here = (*path, "agreements", j)
            required = ("code", "entity", "service")
            agreement = walk.mapping(item, here, AGREEMENT_KEYS, required=required)
            placeholders = {"code": "?", "entity": "?", "service": "?"}
            agreements.append(
                Agreement(**{**placeholders, **walk.fields(agreement, here, AGREEMENT_KEYS)})
            )
    return BankConfiguration(**fields, users=tuple(users), agreements=tuple(agreements))


#: The line of a path in the file that was read (None: not in the file).
LineOf = Callable[[Path], int | None]


def load(text: str) -> Configuration:
    """The configuration in `text`, or ConfigFileError listing every problem in it."""
    return load_located(text)[0]


def load_located(text: str) -> tuple[Configuration, LineOf]:
    """`load`, with where each path is in the file: the import's own findings against the
    store (an agreement's unknown service) are then reported on their lines too."""
    try:
        document = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigFileError(
            [FileError("(document)", line, f"not valid YAML: {problem}")]
        ) from None
    if document is None:
        raise ConfigFileError([FileError("(document)", None, "the file is empty")])
    try:
        walk = _Walk()
        return _read(document, walk), walk.line
    except _TooLarge:
        message = f"more than {MAX_OBJECTS} objects (YAML aliases expand): refused"
        raise ConfigFileError([FileError("(document)", None, message)]) from None


def _read(document: Any, walk: _Walk) -> Configuration:
    top = walk.mapping(document, (), TOP_KEYS)
    entities: list[EntityConfiguration] = []
    institutions: list[FinancialInstitution] | None = None
    banks: list[BankConfiguration] | None = None
    if top is not None:
        if "version" in top and (
            top["version"] != FORMAT_VERSION or isinstance(top["version"], bool)
        ):
            walk.bad(("version",), f"must be {FORMAT_VERSION} (the only version there is)")
        if "entities" in top:
            for i, item in enumerate(walk.sequence(top["entities"], ("entities",)) or ()):
                entities.append(_entity(walk, item, ("entities", i)))
        if "financial_institutions" in top:
            institutions = []
            items = walk.sequence(top["financial_institutions"], ("financial_institutions",))
            for k, item in enumerate(items or ()):
                institutions.append(_institution(walk, item, ("financial_institutions", k)))
        if "banks" in top:
            banks = [
                _bank(walk, item, ("banks", i))
                for i, item in enumerate(walk.sequence(top["banks"], ("banks",)) or ())
            ]
    configuration = Configuration(
        tuple(entities),
        None if institutions is None else tuple(institutions),
        None if banks is None else tuple(banks),
    )
    # The domain's rules, except where the value was already refused (a placeholder stood in).
    problems = [p for p in configuration_problems(configuration) if not walk.is_bad(p.path)]
    errors = [*walk.errors, *((p.path, p.message, None) for p in problems)]
    if errors:
        raise ConfigFileError(_located(errors, walk))
    return configuration


def _located(errors: Iterable[tuple[Path, str, int | None]], walk: _Walk) -> list[FileError]:
    """File errors in file order, each on its own line or the line of its nearest key."""
    located = [
        FileError(format_path(path), line or walk.line(path), message)
        for path, message, line in errors
    ]
    return sorted(located, key=lambda error: error.line or 0)


def problems_as_errors(
    problems: Iterable[Problem], line_of: LineOf | None = None
) -> list[FileError]:
    """The domain's problems with a document, on their lines when `line_of` knows them."""
    errors = [
        FileError(format_path(p.path), line_of(p.path) if line_of else None, p.message)
        for p in problems
    ]
    return sorted(errors, key=lambda error: error.line or 0)


# --- writing ---------------------------------------------------------------------------------


def _out(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")  # a quoted, exact decimal; never an exponent
    if isinstance(value, PaymentSystem | ReferenceType | ListKind):
        return value.name
    if isinstance(value, ReferenceList):
        record = _record(value, LIST_KEYS)
        record["items"] = [
            {
                key: _out(getattr(item, key))
                for key in LIST_ITEM_KEYS
                if getattr(item, key) is not None
            }
            for item in value.items
        ]
        return record
    if isinstance(value, ShownWhen):
        return {"reference": value.position, "values": _out(value.values)}
    if isinstance(value, LengthRule):
        return value.text
    if isinstance(value, tuple):
        return [_out(item) for item in value]
    return value


def _record(obj: object, keys: Iterable[str]) -> dict[str, Any]:
    return {key: _out(getattr(obj, key)) for key in keys}


def dump(configuration: Configuration) -> str:
    document: dict[str, Any] = {"version": FORMAT_VERSION, "entities": []}
    for entry in configuration.entities:
        record = _record(entry.entity, ENTITY_KEYS)
        record["services"] = []
        for service in entry.services:
            item = _record(service, SERVICE_KEYS)
            item["references"] = [_record(rule, REFERENCE_KEYS) for rule in service.references]
            record["services"].append(item)
        document["entities"].append(record)
    if configuration.institutions is not None:
        document["financial_institutions"] = [
            _record(institution, INSTITUTION_KEYS) for institution in configuration.institutions
        ]
    if configuration.banks is not None:
        document["banks"] = [
            {
                **_record(bank, BANK_KEYS),
                "users": [_record(user, USER_EXPORT_KEYS) for user in bank.users],
                "agreements": [_record(item, AGREEMENT_KEYS) for item in bank.agreements],
            }
            for bank in configuration.banks
        ]
    body = yaml.safe_dump(
        document, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )
    return HEADER + body
