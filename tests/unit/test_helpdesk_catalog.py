"""The helpdesk catalog as the guides show it, before and after the change guide (D26–D27)."""

from __future__ import annotations

from gateway.domain.helpdesk_catalog import CURRENT_VERSION, catalog, code_of, validate
from gateway.domain.helpdesk_workflow import Flow

FILES = "MODULO_ADMINISTRATIVO_TRANSFERENCIA_DE_ARCHIVOS/GESTION_DE_ARCHIVOS"
RETIRED = "Solicitud eliminación y/o actualización registros de cartera"


def count(version: int) -> int:
    return sum(len(category.items) for category in catalog(version).categories)


def test_the_current_catalog_has_five_categories_and_twenty_two_items():
    current = catalog()
    assert current.version == CURRENT_VERSION == 2
    assert [c.name for c in current.categories][0] == (
        "Módulo administrativo / Transferencia de archivos"
    )
    assert len(current.categories) == 5 and count(2) == 22 and count(1) == 21
    assert [c.flow for c in current.categories] == [Flow.SUPPORT] * 4 + [Flow.COMMERCIAL]


def test_the_new_item_exists_only_from_version_two():
    key = "FUNCIONALIDADES_ECOLLECT/FALLA_EN_EXPERIENCIA_DE_USUARIO"
    assert catalog(2).item(key) is not None
    assert catalog(1).item(key) is None


def test_the_retired_option_is_readable_on_old_requests_but_not_chosen_on_new_ones():
    (_, old), (_, new) = catalog(1).item(FILES), catalog(2).item(FILES)
    old_select = next(f for f in old.fields if f.type == "select")
    new_select = next(f for f in new.fields if f.type == "select")
    assert RETIRED in old_select.options and len(old_select.options) == 5
    assert RETIRED not in new_select.options and RETIRED in new_select.retired_options
    values = {
        "GENERAR_ESTA_SOLICITUD_EN_NOMBRE_DE": "cliente@empresa.co",
        new_select.code: RETIRED,
        "DESCRIPCION": "Necesito corregir un archivo",
        "TELEFONO": "+57 601 555 1234",
    }
    assert validate(new, values) == [(new_select.code, "option no longer offered")]
    assert validate(old, values) == []


def test_required_fields_of_pago_en_linea_are_checked_on_create():
    category, item = catalog().item("MEDIOS_DE_PAGO/PAGO_EN_LINEA")
    assert catalog().summary(category, item) == "Medios de pago - Pago en línea"
    problems = dict(validate(item, {"DESCRIPCION": "No pasa el pago", "NOT_A_FIELD": "x"}))
    assert "TIPO_DE_PAGO_EN_LINEA" in problems and "NOT_A_FIELD" in problems
    assert "GENERAR_ESTA_SOLICITUD_EN_NOMBRE_DE" in problems
    good = {
        "GENERAR_ESTA_SOLICITUD_EN_NOMBRE_DE": "cliente@empresa.co",
        "TIPO_DE_PAGO_EN_LINEA": "PSE",
        "DESCRIPCION": "No pasa el pago",
        "TELEFONO": "3001234567",
    }
    assert validate(item, good) == []
    assert validate(item, {**good, "TELEFONO": "call me"}) == [("TELEFONO", "not a phone number")]


def test_codes_are_stable_ascii_slugs_unique_within_the_catalog():
    assert code_of("Configuración de servicio(s)") == "CONFIGURACION_DE_SERVICIO_S"
    keys = [f"{c.code}/{i.code}" for c in catalog().categories for i in c.items]
    assert len(keys) == len(set(keys)) == 22
    commercial = catalog().categories[4]
    assert {i.handoff for i in commercial.items} == {"CRM", "gestión de proyectos"}
