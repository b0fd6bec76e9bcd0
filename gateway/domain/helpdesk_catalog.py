"""The helpdesk's request catalog: portal, categories, items and their form fields, versioned.

The catalog is data (`gateway/helpdesk_catalog.json`, from research/helpdesk-spec.md §7): what
the guides show after the change guide is version 2; version 1 is the same less its changes
(`changes_in_001`: the item "Falla en experiencia de usuario" is new, and one option of
"Gestión de archivos" was retired, D26–D27). Old requests stay readable in the version they were
made in; new ones are validated against the current version, where a retired option cannot be
chosen.

Codes are stable: the upper-case ASCII slug of the name (`PAGO_EN_LINEA`), unique within their
parent; an item is addressed `CATEGORY/ITEM`. Each item's default priority is Media (D7).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib.resources import files
from typing import Any

from gateway.domain.helpdesk_sla import Priority
from gateway.domain.helpdesk_workflow import Flow

CURRENT_VERSION = 2
_FLOWS = {"Soporte": Flow.SUPPORT, "Requerimiento comercial": Flow.COMMERCIAL}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,19}$")


def code_of(name: str) -> str:
    """`Pago en línea` -> `PAGO_EN_LINEA`: accents dropped, anything else an underscore."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z0-9]+", "_", ascii_name.upper()).strip("_")


@dataclass(frozen=True)
class FormField:
    code: str
    label: str
    required: bool
    #: user_email, attachments, text_multiline, phone, select.
    type: str
    options: tuple[str, ...] = ()
    #: Options old requests may hold but new ones cannot choose.
    retired_options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    description: str | None
    fields: tuple[FormField, ...]
    default_priority: Priority = Priority.MEDIUM
    #: Where a commercial request continues after Pre-cierre (CRM, gestión de proyectos).
    handoff: str | None = None


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    position: int
    flow: Flow
    summary_prefix: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Catalog:
    version: int
    portal: str
    welcome: tuple[str, ...]
    categories: tuple[Category, ...]
    _items: Mapping[str, tuple[Category, Item]] = field(default_factory=dict, compare=False)

    def item(self, key: str) -> tuple[Category, Item] | None:
        """The category and item `CATEGORY/ITEM` names, in this version (None: not in it)."""
        return self._items.get(key.strip().upper())

    def summary(self, category: Category, item: Item) -> str:
        """`<categoría> - <ítem>`, the request's summary line."""
        return f"{category.summary_prefix} - {item.name}"


def validate(item: Item, values: Mapping[str, str]) -> list[tuple[str, str]]:
    """The problems of a new request's field values, as (field code, message): required fields
    present, known codes only, select values among the current options, e-mail and phone shape.
    Attachments are checked elsewhere (by content)."""
    known = {f.code: f for f in item.fields}
    problems = [(code, "no such field on this item") for code in values if code not in known]
    for form_field in item.fields:
        if form_field.type == "attachments":
            continue
        value = (values.get(form_field.code) or "").strip()
        if not value:
            if form_field.required:
                problems.append((form_field.code, f"'{form_field.label}' is required"))
            continue
        if form_field.type == "select" and value not in form_field.options:
            retired = value in form_field.retired_options
            problems.append(
                (form_field.code, "option no longer offered" if retired else "unknown option")
            )
        elif form_field.type == "user_email" and not _EMAIL.match(value):
            problems.append((form_field.code, "not an e-mail address"))
        elif form_field.type == "phone" and not _PHONE.match(value):
            problems.append((form_field.code, "not a phone number"))
    return problems


@cache
def catalog(version: int = CURRENT_VERSION) -> Catalog:
    """The catalog as it was in `version` (1 or 2)."""
    document = json.loads(files("gateway").joinpath("helpdesk_catalog.json").read_text("utf-8"))
    if version not in (1, document["catalog_version"]):
        raise ValueError(f"no catalog version {version}")
    changes = document["changes_in_001"] if version == 1 else []
    (portal,) = document["catalog"]
    categories = tuple(
        _category(position, raw, changes) for position, raw in enumerate(portal["categories"], 1)
    )
    index = {
        f"{category.code}/{item.code}": (category, item)
        for category in categories
        for item in category.items
    }
    return Catalog(version, portal["group"], tuple(portal["welcome"]), categories, index)


def _category(position: int, raw: Mapping[str, Any], changes: list[dict[str, Any]]) -> Category:
    added = {
        c["item"] for c in changes if c["change"] == "add_item" and c["category"] == raw["name"]
    }
    items = tuple(
        _item(entry, raw["name"], changes) for entry in raw["items"] if entry["name"] not in added
    )
    return Category(
        code=code_of(raw["name"]),
        name=raw["name"],
        position=position,
        flow=_FLOWS[raw["flow"]],
        summary_prefix=raw["summary_prefix"],
        items=items,
    )


def _item(raw: Mapping[str, Any], category: str, changes: list[dict[str, Any]]) -> Item:
    fields = []
    for entry in raw["fields"]:
        form_field = FormField(
            code=code_of(entry["label"]),
            label=entry["label"],
            required=entry["required"],
            type=entry["type"],
            options=tuple(entry["options"]),
            retired_options=tuple(entry.get("retired_options", ())),
        )
        restored = [
            c["option"]
            for c in changes
            if c["change"] == "retire_option"
            and (c["category"], c["item"], c["field"]) == (category, raw["name"], entry["label"])
        ]
        if restored:  # version 1: the option was still offered
            form_field = replace(
                form_field,
                options=(*form_field.options, *restored),
                retired_options=tuple(o for o in form_field.retired_options if o not in restored),
            )
        fields.append(form_field)
    return Item(
        code=code_of(raw["name"]),
        name=raw["name"],
        description=raw.get("description"),
        fields=tuple(fields),
        handoff=raw.get("handoff_on_pre_cierre"),
    )
