"""Demo data: what `ecollect-gateway seed demo` (and the run command) loads. Idempotent.

The demo merchant is a configuration document shipped with the package (`gateway/demo.yaml`),
read and applied exactly as `ecollect-gateway config import` does, so the demo cannot drift from
what the importer accepts. The sandbox institutions come from the domain's list.
"""

from __future__ import annotations

import dataclasses
from importlib.resources import files

from gateway.config_file import load
from gateway.domain.configuration import Configuration
from gateway.domain.payment_systems import SANDBOX_INSTITUTIONS
from gateway.settings import Settings
from gateway.store.db import make_engine
from gateway.store.uow import unit_of_work_factory
from gateway.usecases.configuration import Configurations


def demo_configuration() -> Configuration:
    document = load(files("gateway").joinpath("demo.yaml").read_text(encoding="utf-8"))
    return dataclasses.replace(document, institutions=SANDBOX_INSTITUTIONS)


DEMO = demo_configuration()
DEMO_ENTITY = DEMO.entities[0].entity
DEMO_SERVICES = DEMO.entities[0].services


def seed_demo(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    try:
        Configurations(unit_of_work_factory(engine)).apply(DEMO)
    finally:
        engine.dispose()
