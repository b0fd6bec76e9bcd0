"""The contract portfolio: the invoices the caja suite collects, as a `cartera load` CSV file.

Every test pays, reverses or reads invoices of its own, once per way a teller kit talks (SOAP
1.1/1.2 x PasswordText/PasswordDigest), so a run never meets another test's payments. A
portfolio is named by a tag, `Q` + the Bogotá day it was made (YYMMDD) + four hex digits, which
starts every reference and customer number in it; due dates count from that day. A run needs
a portfolio nobody has paid from yet: a fresh tag each run.

    python -m contract_tests.caja.cartera -o contrato.csv        # prints the tag on stderr
    ecollect-gateway cartera load contrato.csv                   # on the target, same day
    python -m contract_tests --base-url URL --caja-cartera-tag TAG

Against the local gateway the suite makes and loads one itself.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import secrets
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from contract_tests.caja.client import WAYS, Way

BOGOTA = ZoneInfo("America/Bogota")
TAG = re.compile(r"Q(\d{2})(\d{2})(\d{2})[0-9A-F]{4}")
COLUMNS = (
    "entity_code", "srv_code", "referencia1", "referencia2", "referencia3",
    "tipo_identificacion", "numero_identificacion", "nombre", "descripcion",
    "fecha_vencimiento_1", "valor_1", "fecha_vencimiento_2", "valor_2",
    "fecha_vencimiento_3", "valor_3", "pago_parcial", "valor_minimo", "dias_mora",
)  # fmt: skip
#: Passports: the customer numbers carry the tag's letters.
ID_TYPE = "PA"


@dataclass(frozen=True)
class Scenario:
    """One invoice per way: its code (in the reference), due dates as (days from the tag's
    day, value), and the portfolio rules."""

    code: str
    dues: tuple[tuple[int, str], ...]
    customer: str = "GEN"
    partial: bool = False
    minimum: str = ""
    overdue_days: int = 0
    description: str = ""

    @property
    def values(self) -> tuple[Decimal, ...]:
        return tuple(Decimal(value) for _, value in self.dues)


def _plain(code: str, value: str, description: str, days: int = 10) -> Scenario:
    return Scenario(code, ((days, value),), description=description)


SCENARIOS: tuple[Scenario, ...] = (
    _plain("AUTH", "110000", "pago con clave errada"),
    Scenario(
        "REF",
        ((5, "150000"), (15, "165000"), (25, "180000")),
        description="tres vencimientos",
    ),
    Scenario("VEN", ((-5, "60000"),), description="vencida sin días de mora"),
    Scenario("GRA", ((-3, "45000"),), overdue_days=5, description="vencida, en días de mora"),
    Scenario(
        "BAR",
        ((-3, "100000"), (7, "120000"), (20, "140000")),
        description="cupón con código de barras",
    ),
    _plain("PAGO", "150000", "pago en efectivo"),
    _plain("MERC", "154000", "pago que el comercio consulta"),
    _plain("HORA", "155000", "hora del banco sin zona"),
    _plain("DUP", "151000", "idTransaccion repetido"),
    _plain("PAG2", "152000", "pagada dos veces"),
    _plain("VAL", "153000", "valor errado"),
    Scenario("PARC", ((20, "500000"),), partial=True, minimum="100000", description="abonos"),
    Scenario("PCT", ((25, "240000.50"),), partial=True, minimum="30%", description="abono 30 %"),
    _plain("REV", "160000", "reverso"),
    _plain("RV9", "161000", "reverso repetido"),
    _plain("RV10", "162000", "reverso antes del pago"),
    _plain("RV11", "163000", "reverso de otro día"),
    *(_plain(f"CO{n}", f"17{n}000", "conciliación por lista") for n in range(1, 6)),
    _plain("CHP", "190000", "cheque del mismo banco"),
    _plain("CHO", "191000", "cheque de otro banco"),
    _plain("MIX", "192000", "efectivo y cheque"),
    _plain("FMT", "193000", "mensajes mal formados"),
    _plain("AS1", "181000.50", "conciliación por archivo"),
    _plain("AS2", "182000", "conciliación por archivo"),
    _plain("AS3", "183000", "conciliación por archivo"),
    # consultarCartera: one customer, listed oldest due date first, the overdue one not at all
    Scenario("K1", ((30, "130000"),), customer="CART", description="cartera, la última"),
    Scenario("K2", ((10, "110000"),), customer="CART", description="cartera, la primera"),
    Scenario("K3", ((20, "120000"),), customer="CART", description="cartera, la segunda"),
    Scenario("K4", ((-5, "90000"),), customer="CART", description="cartera, vencida"),
    Scenario("S1", ((-5, "50000"),), customer="SOLO", description="solo una vencida"),
)


def limit_scenarios(max_invoices: int) -> tuple[Scenario, ...]:
    """One more invoice than the agreement lists, for one customer."""
    return tuple(
        Scenario(f"L{n:02d}", ((10 + n, f"{10000 + n}"),), customer="LIM", description="límite")
        for n in range(1, max_invoices + 2)
    )


def new_tag(today: date | None = None) -> str:
    day = today or datetime.now(BOGOTA).date()
    return f"Q{day:%y%m%d}{secrets.token_hex(2).upper()}"


def tag_day(tag: str) -> date:
    found = TAG.fullmatch(tag)
    if found is None:
        raise ValueError(f"{tag!r} is not a portfolio tag (Q, YYMMDD, four hex digits)")
    year, month, day = (int(part) for part in found.groups())
    return date(2000 + year, month, day)


@dataclass(frozen=True)
class Portfolio:
    tag: str
    entity_code: str
    srv_code: str
    max_invoices: int
    scenarios: dict[str, Scenario] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        every = (*SCENARIOS, *limit_scenarios(self.max_invoices))
        object.__setattr__(self, "scenarios", {s.code: s for s in every})

    @property
    def day(self) -> date:
        """The Bogotá day the portfolio was made: due dates count from it."""
        return tag_day(self.tag)

    def reference(self, way: Way, code: str) -> str:
        return f"{self.tag}{way.code}{code}"

    def customer(self, way: Way, suffix: str) -> str:
        return f"{self.tag}{way.code}{suffix}"

    def due(self, code: str, number: int = 1) -> date:
        return self.day + timedelta(days=self.scenarios[code].dues[number - 1][0])

    def value(self, code: str, number: int = 1) -> Decimal:
        return self.scenarios[code].values[number - 1]

    def limit_codes(self) -> list[str]:
        return [code for code in self.scenarios if code.startswith("L")]

    def rows(self) -> Iterator[dict[str, str]]:
        for way in WAYS:
            for scenario in self.scenarios.values():
                row = dict.fromkeys(COLUMNS, "")
                row.update(
                    entity_code=self.entity_code,
                    srv_code=self.srv_code,
                    referencia1=self.reference(way, scenario.code),
                    tipo_identificacion=ID_TYPE,
                    numero_identificacion=self.customer(way, scenario.customer),
                    nombre=f"Cliente Contrato {scenario.customer.title()}",
                    descripcion=f"Contrato {way.id}: {scenario.description}",
                    pago_parcial="S" if scenario.partial else "N",
                    valor_minimo=scenario.minimum,
                    dias_mora=str(scenario.overdue_days),
                )
                for number, (days, value) in enumerate(scenario.dues, 1):
                    row[f"fecha_vencimiento_{number}"] = (
                        self.day + timedelta(days=days)
                    ).isoformat()
                    row[f"valor_{number}"] = value
                yield row

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows())
        return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m contract_tests.caja.cartera",
        description="Write a fresh contract portfolio (a `cartera load` CSV) for the caja suite.",
    )
    parser.add_argument("--tag", help="the portfolio's tag (default: a new one for today)")
    parser.add_argument("--caja-entity", default="10001", help="the agreement's EntityCode")
    parser.add_argument("--caja-service", default="1001", help="the agreement's SrvCode")
    parser.add_argument(
        "--caja-max-invoices", type=int, default=10, help="the agreement's max_invoices"
    )
    parser.add_argument("-o", "--output", help="write the CSV here (default: standard output)")
    args = parser.parse_args(argv)
    tag = args.tag or new_tag()
    try:
        tag_day(tag)
    except ValueError as error:
        parser.error(str(error))
    text = Portfolio(tag, args.caja_entity, args.caja_service, args.caja_max_invoices).csv()
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    print(f"portfolio tag: {tag} (run the suite with --caja-cartera-tag {tag})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
