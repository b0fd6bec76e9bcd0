"""Merchant access against the real store (SQLite and PostgreSQL): lists stored as JSON, read
back through the catalog by another node, and a hand-broken list that refuses everyone."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import text

from gateway.bootstrap import build
from gateway.seed import DEMO_ENTITY
from gateway.settings import Settings


def test_a_stored_list_is_enforced_by_another_node(container, settings):
    with container.uow() as uow:
        uow.catalog.add_entity(
            replace(DEMO_ENTITY, allowed_networks=("192.0.2.0/24", "2001:db8:10::/48"))
        )
        uow.commit()
    # Another node (its own process cache, reading the shared database).
    other = build(Settings(database_url=settings.database_url, catalog_cache_seconds=0))
    try:
        access = other.access
        assert access.may_act_for("10001", "192.0.2.44")
        assert access.may_act_for("10001", "2001:db8:10::9")
        assert access.may_act_for("10001", "::ffff:192.0.2.44")
        assert not access.may_act_for("10001", "198.51.100.1")
        assert not access.may_act_for(" 10001 ", "198.51.100.1", peer="10.0.0.2")
        assert access.may_act_for("99999", "198.51.100.1")  # unknown: the use case answers
        assert access.may_act_for(None, "198.51.100.1")
    finally:
        other.close()


def test_a_list_broken_by_hand_in_the_database_refuses_everyone(container, settings):
    with container.engine.begin() as connection:
        connection.execute(
            text("UPDATE entities SET allowed_networks = :networks WHERE code = '10001'"),
            {"networks": '["192.0.2.0/24", "192.0.2.1/24"]'},
        )
    other = build(Settings(database_url=settings.database_url, catalog_cache_seconds=0))
    try:
        assert not other.access.may_act_for("10001", "192.0.2.44")
    finally:
        other.close()


def test_an_empty_list_is_open(container):
    assert container.access.may_act_for("10001", "198.51.100.1")
    assert container.access.may_act_for("10001", "")
