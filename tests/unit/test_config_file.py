"""The configuration file: every kind of mistake reported at once, with its line and path;
exact decimals; the dump reads back to the same document."""

from __future__ import annotations

import dataclasses
import re
import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from gateway import config_file
from gateway.config_file import ConfigFileError, dump, load
from gateway.domain import merchant_services as ms
from gateway.domain.references import ReferenceType
from gateway.seed import DEMO
from gateway.store import models

README = Path(__file__).resolve().parents[2] / "README.md"


def errors_of(text: str) -> list[str]:
    with pytest.raises(ConfigFileError) as caught:
        load(textwrap.dedent(text))
    return [str(error) for error in caught.value.errors]


def test_every_mistake_is_reported_at_once_with_line_and_path():
    errors = errors_of(
        """\
        version: 2
        entities:
          - code: '10001'
            name: Comercio
            nitt: '900'
            allowed_networks: [10.0.0.0/33, 10.0.0.5/24, 'not-a-network']
            callback_secret: short
            services:
              - code: '1001'
                description: Open
                open_value: true
                max_retries: -1
                daily_attempt_limit: 'three'
                expiry_days: 4000
                currency: CPO
                vat_percentage: '101'
                value: 0.1
                active: 'yes'
                active_from: 2026-12-01
                active_until: 2026-11-01
                url_response: ftp://merchant.example/cb
                confirmation_emails: 'ok@example.co;nope'
                accepts_double_payment: false
                references:
                  - {title: A, type: MAIL}
                  - {title: B, length: '10-5'}
                  - {title: C, type: CONSTANT}
                  - {title: D, double_payment_control: true}
                  - {title: E, constant_value: x}
              - code: '1002'
                description: Fixed without a value
              - code: '1002'
                description: Again
                description: Twice
          - code: '10001'
            name: Again
          - code: 01001
            name: Octal
          - name: No code
            nit: '123456789012345678901'
        financial_institutions:
          - {payment_system: PSE, code: '1022', name: A}
          - {payment_system: PSE, code: '1022', name: B}
          - {payment_system: BANK, code: x1, name: C}
        """
    )
    expected = [
        "line 1: version: must be 1",
        "line 5: entities[0].nitt: unknown key (did you mean nit?)",
        "line 6: entities[0].allowed_networks[0]: '10.0.0.0/33' is not an IPv4 or IPv6 network",
        "line 6: entities[0].allowed_networks[1]: '10.0.0.5/24' has host bits set",
        "line 6: entities[0].allowed_networks[2]: 'not-a-network' is not an IPv4 or IPv6 network",
        "line 7: entities[0].callback_secret: must be 16 to 200 printable ASCII",
        "line 12: entities[0].services[0].max_retries: must be an integer from 0 to",
        "line 13: entities[0].services[0].daily_attempt_limit: must be an integer, not 'three'",
        "line 14: entities[0].services[0].expiry_days: must be an integer from 0 to 3650",
        "line 15: entities[0].services[0].currency: 'CPO' is not a supported currency",
        "line 16: entities[0].services[0].vat_percentage: must be at most 100",
        "line 17: entities[0].services[0].value: 0.1 is a YAML float, which is not exact",
        "line 18: entities[0].services[0].active: must be true or false (unquoted), not 'yes'",
        "line 20: entities[0].services[0].active_until: is before active_from",
        "line 21: entities[0].services[0].url_response: must be an absolute http:// or https://",
        "line 22: entities[0].services[0].confirmation_emails: 'nope' is not an e-mail address",
        "line 23: entities[0].services[0].accepts_double_payment: false needs a reference with",
        "line 25: entities[0].services[0].references[0].type: must be one of TEXT, INTEGER",
        "line 26: entities[0].services[0].references[1].length: '10-5' is not a Forzar Longitud",
        "line 27: entities[0].services[0].references[2].constant_value: a CONSTANT reference",
        "line 28: entities[0].services[0].references[3].double_payment_control: only the first 3",
        "line 29: entities[0].services[0].references[4].constant_value: is only for references",
        "line 30: entities[0].services[1].value: a fixed-value service needs a value greater",
        "line 32: entities[0].services[2].value: a fixed-value service needs a value greater",
        "line 32: entities[0].services[2].code: service 1002 is already configured at "
        "entities[0].services[1]",
        "line 34: entities[0].services[2].description: key repeated (first at line 33)",
        "line 35: entities[1].code: entity 10001 is already configured at entities[0]",
        "line 37: entities[2].code: 01001 is not read as text by YAML: put it in quotes",
        "line 39: entities[3]: code is required",
        "line 40: entities[3].nit: is longer than 20 characters",  # still judged
        "line 43: financial_institutions[1].code: PSE 1022 is already configured at "
        "financial_institutions[0]",
        "line 44: financial_institutions[2].payment_system: must be one of PSE, CREDIT_CARD",
        "line 44: financial_institutions[2].code: must be digits",
    ]
    for start in expected:
        assert any(error.startswith(start) for error in errors), (start, errors)
    assert len(errors) == len(expected), errors
    # In file order, so an operator can walk the file top to bottom.
    lines = [int(re.match(r"line (\d+)", e).group(1)) for e in errors]
    assert lines == sorted(lines)


def test_a_broken_file_is_one_clear_error():
    assert errors_of("entities: [\n") == [
        "line 2: (document): not valid YAML: expected the node content, but found '<stream end>'"
    ]
    assert errors_of("") == ["(document): the file is empty"]
    assert errors_of("- 1\n") == ["line 1: (document): must be a mapping of keys, not a list"]


def test_money_loads_exactly_from_quoted_decimals_and_integers():
    configuration = load(
        textwrap.dedent(
            """\
            entities:
              - code: 10001
                name: Exact
                services:
                  - code: 1001
                    description: Fixed
                    value: '12345678901234.57'
                    currency: COP
                    pay_currency: USD
                    currency_rate: '0.000251'
                    daily_limit_pse: 2000000
                    vat_percentage: '19.5'
                    active_from: 2026-11-23
                    active_until: '2026-12-31'
            """
        )
    )
    entry = configuration.entities[0]
    service = entry.services[0]
    assert entry.entity.code == "10001" and service.code == "1001"  # plain integer codes
    assert service.value == Decimal("12345678901234.57")
    assert service.currency_rate == Decimal("0.000251")
    assert service.daily_limit_pse == Decimal(2000000)
    assert service.vat_percentage == Decimal("19.5")
    assert (service.active_from, service.active_until) == (date(2026, 11, 23), date(2026, 12, 31))
    assert configuration.institutions is None  # the file says nothing about institutions


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("50000.5", "50000.5 is a YAML float, which is not exact"),
        ("5e4", "must be a decimal such as '50000.00'"),  # YAML 1.1: a string, still refused
        ("'1.005'", "has more than 2 decimal places"),
        ("'NaN'", "must be a decimal such as '50000.00'"),
        ("1_000", "must be a decimal such as '50000.00' (quoted), not 1_000"),
        ("true", "must be a decimal such as '50000.00' (quoted), not true"),
    ],
)
def test_inexact_or_malformed_money_is_refused(value, message):
    errors = errors_of(
        f"""\
        entities:
          - code: '1'
            name: N
            services:
              - {{code: '2', description: D, value: {value}}}
        """
    )
    assert len(errors) == 1 and message in errors[0], errors


def test_the_dump_reads_back_to_the_same_document_and_the_same_text():
    text = dump(DEMO)
    assert text.startswith("# ecollect-gateway configuration")
    assert "callback secrets" in text.splitlines()[1]
    assert load(text) == DEMO
    assert dump(load(text)) == text
    assert "value: '50000'" in text  # money quoted: it cannot come back as a float


def test_every_key_is_in_the_readme_with_its_default():
    readme = README.read_text(encoding="utf-8")
    section = readme.split("## Configuration as data", 1)[1].split("\n## ", 1)[0]
    rows = {
        match.group(1): match.group(0)
        for match in re.finditer(r"^\| `([a-z_]+)` \|.*$", section, re.MULTILINE)
    }
    keys = [
        *config_file.ENTITY_KEYS,
        "services",
        *config_file.SERVICE_KEYS,
        "references",
        *config_file.REFERENCE_KEYS,
        *config_file.LIST_KEYS,
        "items",
        *config_file.INSTITUTION_KEYS,
        *config_file.BANK_KEYS,
        "users",
        "agreements",
        *config_file.USER_KEYS,
        *config_file.AGREEMENT_KEYS,
    ]
    missing = [key for key in keys if key not in rows]
    assert not missing, f"README 'Configuration as data' lacks rows for {missing}"
    defaults = ms.MerchantService("1", "2", "d")
    for key in config_file.SERVICE_KEYS:
        value = getattr(defaults, key)
        if isinstance(value, bool):
            shown = "true" if value else "false"
        else:
            shown = "null" if value is None else str(value)
        if key not in ("code", "description"):
            assert f"| `{shown}` |" in rows[key], (key, shown, rows[key])


def test_text_limits_are_the_store_columns():
    def width(table, column):
        return table.__table__.c[column].type.length

    for name, limit in ms.ENTITY_TEXT_LIMITS.items():
        assert width(models.EntityRow, name) == limit, name
    for name, limit in ms.SERVICE_TEXT_LIMITS.items():
        assert width(models.ServiceRow, name) == limit, name
    columns = {"length": "length_rule", "help": "help_text"}
    for name, limit in ms.REFERENCE_TEXT_LIMITS.items():
        assert width(models.ServiceReferenceRow, columns.get(name, name)) == limit, name
    for name, limit in ms.INSTITUTION_TEXT_LIMITS.items():
        assert width(models.FinancialInstitutionRow, name) == limit, name
    assert all(
        len(code) <= width(models.ServiceRow, "currency") for code in ms.SUPPORTED_CURRENCIES
    )


def test_networks_are_stored_in_canonical_form():
    from gateway.domain.configuration import canonical

    configuration = load(
        "entities:\n  - {code: '1', name: N, allowed_networks: [10.0.0.1, '2001:DB8::/32']}\n"
    )
    entity = canonical(configuration).entities[0].entity
    assert entity.allowed_networks == ("10.0.0.1/32", "2001:db8::/32")
    assert ms.entity_problems(
        ms.Entity("1", "N", allowed_networks=("10.0.0.0/8", "10.0.0.0/8"))
    ) == [ms.Problem(("allowed_networks", 1), "10.0.0.0/8 is listed twice")]


def test_reference_rules_round_trip_through_the_file():
    configuration = load(
        textwrap.dedent(
            """\
            entities:
              - code: '1'
                name: N
                services:
                  - code: '2'
                    description: D
                    open_value: true
                    accepts_double_payment: false
                    references:
                      - {title: Cédula, type: CUSTOMER_ID, required: true, length: 6-10,
                         double_payment_control: true}
                      - {title: Tipo, type: CUSTOMER_ID_TYPE, uppercase: true, length: '2,3'}
                      - {title: Convenio, type: CONSTANT, constant_value: '0042', hidden: true,
                         read_only: true, length: 4}
            """
        )
    )
    rules = configuration.entities[0].services[0].references
    assert [rule.type for rule in rules] == [
        ReferenceType.CUSTOMER_ID,
        ReferenceType.CUSTOMER_ID_TYPE,
        ReferenceType.CONSTANT,
    ]
    assert [rule.length.text for rule in rules] == ["6-10", "2,3", "4"]
    assert rules[2].constant_value == "0042" and rules[0].double_payment_control
    assert load(dump(configuration)) == configuration


def test_the_readme_example_is_a_valid_document():
    section = README.read_text(encoding="utf-8").split("## Configuration as data", 1)[1]
    example = re.search(r"```yaml\n(.*?)```", section, re.DOTALL).group(1)
    service = load(example).entities[0].services[0]
    assert service.value == Decimal("50000.00") and not service.accepts_double_payment


def test_a_document_that_expands_without_bound_is_refused():
    """A few lines of aliases would otherwise make 50 x 50 x 50 references to check."""
    fifty = lambda name: "[" + ", ".join([f"*{name}"] * 50) + "]"  # noqa: E731
    bomb = (
        "x-ref: &ref {title: T}\n"
        f"x-refs: &refs {fifty('ref')}\n"
        "x-service: &service {code: '1', description: D, open_value: true, references: *refs}\n"
        f"x-services: &services {fifty('service')}\n"
        "x-entity: &entity {code: '1', name: N, services: *services}\n"
        f"entities: {fifty('entity')}\n"
    )
    errors = errors_of(bomb)
    assert errors == ["(document): more than 100000 objects (YAML aliases expand): refused"]


def test_banks_are_read_strictly_and_every_mistake_is_reported():
    errors = errors_of(
        """\
        banks:
          - code: 007
            name: Bancolombia
            users:
              - {username: uno, password: Una-Clave-Larga-1, password_sealed: gAAAA}
              - {username: dos}
              - {username: 'tres con espacio', password: Una-Clave-Larga-3, enable: true}
            agreements:
              - {code: '1', entity: '10001', service: '1001', gln: '1234567890123'}
              - {code: '1', entity: '10001', service: '1001', reference_length: 26}
              - {code: '2', service: '1001', account_number: 12-34}
          - code: '051'
            name: ''
            users:
              - {username: uno, password: Una-Clave-Larga-1}
        """
    )
    assert errors == [
        "line 2: banks[0].code: 007 is not read as text by YAML: put it in quotes",
        "line 5: banks[0].users[0].password: give exactly one of password (the password itself, "
        "sealed on import) and password_sealed (as config export writes it)",
        "line 6: banks[0].users[1].password: give exactly one of password (the password itself, "
        "sealed on import) and password_sealed (as config export writes it)",
        "line 7: banks[0].users[2].enable: unknown key (did you mean enabled?)",
        "line 7: banks[0].users[2].username: must be 1 to 64 letters, digits, '.', '_', '@' or '-'",
        "line 9: banks[0].agreements[0].gln: '1234567890123' is not a GLN: 13 digits whose last "
        "is the GS1 check digit",
        "line 10: banks[0].agreements[1].reference_length: must be an integer from 1 to 25",
        "line 10: banks[0].agreements[1].code: agreement 1 is already listed at agreements[0]",
        "line 11: banks[0].agreements[2]: entity is required",
        "line 11: banks[0].agreements[2].account_number: must be at most 17 digits",
        "line 13: banks[1].name: must not be empty",
        "line 15: banks[1].users[0].username: uno is already a user of banks[0] (usernames are "
        "unique across banks)",
    ]


def test_banks_round_trip_and_a_password_is_never_written():
    configuration = load(
        textwrap.dedent(
            """\
            banks:
              - code: '007'
                name: Bancolombia
                users:
                  - {username: caja, password: Una-Clave-Larga-1}
                  - {username: otra, password_sealed: gAAAAsealed, enabled: false}
                agreements:
                  - {code: '1001', entity: '10001', service: '1001', gln: 7709998000018}
            """
        )
    )
    (bank,) = configuration.banks or ()
    assert bank.users[0].password == "Una-Clave-Larga-1" and bank.users[1].enabled is False
    assert bank.agreements[0].gln == "7709998000018" and bank.agreements[0].max_invoices == 10
    assert "Una-Clave-Larga-1" not in repr(bank)  # nor in a traceback or a log line
    text = dump(configuration)
    assert "Una-Clave-Larga-1" not in text and "password_sealed: gAAAAsealed" in text
    sealed = dataclasses.replace(
        configuration,
        banks=(
            dataclasses.replace(
                bank,
                users=(dataclasses.replace(bank.users[0], password=None, password_sealed="s"),
                       bank.users[1]),
            ),
        ),
    )  # fmt: skip
    assert load(dump(sealed)) == sealed and dump(load(dump(sealed))) == dump(sealed)


def test_a_bank_listed_twice_is_refused():
    assert errors_of(
        """\
        banks:
          - {code: '051', name: Davivienda}
          - {code: '051', name: Davivienda otra vez}
        """
    ) == ["line 3: banks[1].code: bank 051 is already listed at banks[0]"]


LISTS = textwrap.dedent(
    """\
    entities:
      - code: '1'
        name: N
        services:
          - code: '2'
            description: D
            open_value: true
            currency: USD
            pay_currency: COP
            currency_rate: '3950'
            references:
              - {title: Cédula, type: CUSTOMER_ID, required: true}
              - title: Expediente
                prefix: DOP-2014-FG-
                help: Los 8 dígitos de su expediente
                length: '20'
              - title: Programa
                required: true
                list:
                  kind: PRICE
                  prompt: Seleccione el programa
                  items:
                    - {code: PRE, text: Pregrado, price: '350.00'}
                    - {code: POS, text: Posgrado, price: '900000.50', currency: COP}
              - title: Departamento
                list:
                  kind: TEXT
                  store_text: true
                  items: [{code: '05', text: Antioquia}, {code: '11', text: Bogotá}]
              - title: Municipio
                list:
                  kind: TEXT
                  parent: 3
                  items:
                    - {code: '001', text: Medellín, parent: Antioquia}
                    - {code: '001', text: Bogotá, parent: Bogotá}
              - title: Tipo
                list: {kind: TEXT, items: [{code: P, text: Persona}, {code: E, text: Empresa}]}
              - {title: NIT, type: INTEGER, required: true, shown_when: {reference: 5, values: [E]}}
              - title: Moneda
                list:
                  kind: CURRENCY
                  items: [{code: USD, text: Dólares}, {code: COP, text: Pesos}]
    """
)


def test_lists_prefix_and_help_round_trip_through_the_file():
    configuration = load(LISTS)
    rules = configuration.entities[0].services[0].references
    assert (rules[1].prefix, rules[1].help) == ("DOP-2014-FG-", "Los 8 dígitos de su expediente")
    assert rules[2].list.items[1].price == Decimal("900000.50")
    assert rules[2].list.items[1].currency == "COP" and rules[2].list.prompt.startswith("Selec")
    assert rules[3].list.store_text and rules[4].list.parent == 3
    assert rules[6].shown_when.position == 5 and rules[6].shown_when.values == ("E",)
    text = dump(configuration)
    assert "price: '900000.50'" in text  # money quoted, exact
    assert load(text) == configuration
    assert dump(load(text)) == text


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("kind: PRICE", "kind: LIST", "must be one of TEXT, PRICE, CURRENCY, not 'LIST'"),
        ("price: '350.00'", "price: 1.5", "1.5 is a YAML float, which is not exact"),
        ("store_text: true", "colour: red", "unknown key"),
        ("values: [E]", "values: E", "must be a list"),
    ],
)
def test_list_mistakes_are_reported_with_their_path(old, new, message):
    assert old in LISTS
    with pytest.raises(ConfigFileError) as failed:
        load(LISTS.replace(old, new))
    assert any(message in str(error) for error in failed.value.errors), failed.value.errors
