"""A service's references with every form feature, shared by the form tests (unit, pages):
a prefix with help and a length, a price list, a related list (Departamento -> Municipio, the
same code under two parents), a conditional reference, a hidden constant and a read-only one."""

from __future__ import annotations

from decimal import Decimal

from gateway.domain.references import (
    LengthRule,
    ListItem,
    ListKind,
    ReferenceList,
    ReferenceRule,
    ReferenceType,
    ShownWhen,
)

PROGRAM = ReferenceList(
    ListKind.PRICE,
    (
        ListItem("PRE", "Pregrado", Decimal("350000.00")),
        ListItem("POS", "Posgrado", Decimal("900000.50")),
    ),
    prompt="Seleccione el programa",
)
STATE = ReferenceList(
    ListKind.TEXT,
    (ListItem("05", "Antioquia"), ListItem("11", "Bogotá D.C.")),
    prompt="Seleccione el departamento",
)
CITY = ReferenceList(
    ListKind.TEXT,
    (
        ListItem("001", "Medellín", parent="05"),
        ListItem("088", "Bello", parent="05"),
        ListItem("001", "Bogotá", parent="11"),
    ),
    parent=3,
)
KIND = ReferenceList(ListKind.TEXT, (ListItem("P", "Persona"), ListItem("E", "Empresa")))
RULES = (
    ReferenceRule("Cédula", ReferenceType.CUSTOMER_ID, required=True, double_payment_control=True),
    ReferenceRule(
        "Expediente",
        required=True,
        prefix="DOP-2014-FG-",
        help="Los 8 dígitos de su expediente",
        length=LengthRule.parse("20"),
        uppercase=True,
    ),
    ReferenceRule("Programa", required=True, list=PROGRAM, help="El valor es el del programa"),
    ReferenceRule("Departamento", list=STATE),
    ReferenceRule("Municipio", list=CITY),
    ReferenceRule("Tipo de cliente", required=True, list=KIND),
    ReferenceRule("NIT", ReferenceType.INTEGER, required=True, shown_when=ShownWhen(5, ("E",))),
    ReferenceRule("Convenio", ReferenceType.CONSTANT, constant_value="0042", hidden=True),
    ReferenceRule("Correo", ReferenceType.EMAIL, read_only=True),
)
