"""The WSGI shell: sandbox control, health, size limit, entry page, no stack traces."""

from __future__ import annotations

import json

import pytest
from werkzeug.test import Client

from gateway.domain.transactions import TranState
from gateway.settings import Settings
from gateway.usecases.commands import CreatePayment
from gateway.web.app import create_app


@pytest.fixture
def app(container):
    return create_app(container=container)


@pytest.fixture
def client(app) -> Client:
    return Client(app)


def new_ticket(container, **fields) -> str:
    values = dict(entity_code="10001", srv_code="1001", trans_value=1000, references=("123456",))
    values.update(fields)
    return container.payments.create_transaction(CreatePayment(**values)).ticket_id


def outcome(client: Client, ticket: str, state: str):
    return client.post(f"/sandbox/transactions/{ticket}/outcome", data={"TranState": state})


class TestSandboxOutcome:
    def test_moves_a_pending_payment_and_answers_the_new_state(self, client, container):
        ticket = new_ticket(container)
        response = outcome(client, ticket, "OK")
        assert response.status_code == 200
        assert response.json == {"TicketId": ticket, "TranState": "OK"}
        got = container.payments.get_transaction_information("10001", ticket)
        assert (got.tran_state, got.bank_name) == ("OK", "BANCO UNION COLOMBIANO")
        assert got.trazability_code and got.bank_process_date is not None

    def test_a_pse_payment_sent_without_a_bank_is_answered_by_the_sandbox_bank(
        self, client, container
    ):
        ticket = new_ticket(container, payment_system="0", fi_code="")
        assert outcome(client, ticket, "OK").status_code == 200
        got = container.payments.get_transaction_information("10001", ticket)
        assert (got.payment_system, got.fi_code, got.bank_name) == (
            "0",
            "1022",
            "BANCO UNION COLOMBIANO",
        )

    @pytest.mark.parametrize("state", ["NOT_AUTHORIZED", "FAILED", "PENDING", "EXPIRED"])
    def test_every_documented_outcome_can_be_forced(self, client, container, state):
        response = outcome(client, new_ticket(container), state.lower())
        assert (response.status_code, response.json["TranState"]) == (200, state)

    def test_unknown_ticket_is_404(self, client):
        assert outcome(client, "987654321", "OK").status_code == 404
        assert outcome(client, "abc", "OK").status_code == 404

    def test_a_transition_the_state_machine_forbids_is_409_and_changes_nothing(
        self, client, container
    ):
        ticket = new_ticket(container)
        assert outcome(client, ticket, "OK").status_code == 200
        response = outcome(client, ticket, "FAILED")
        assert response.status_code == 409 and "OK" in response.json["error"]
        assert container.payments.get_transaction_information("10001", ticket).tran_state == "OK"
        at_bank = new_ticket(container, references=("654321",))
        container.sandbox.force_outcome(int(at_bank), TranState.PENDING)
        assert outcome(client, at_bank, "EXPIRED").status_code == 409

    def test_an_unknown_state_is_a_400(self, client, container):
        response = outcome(client, new_ticket(container), "PAID")
        assert response.status_code == 400 and "TranState" in response.json["error"]

    def test_the_control_does_not_exist_in_production_mode(self, container):
        production = create_app(
            settings=Settings(database_url=container.settings.database_url, sandbox=False)
        )
        ticket = new_ticket(container)
        assert outcome(Client(production), ticket, "OK").status_code == 404
        production.container.close()


def test_health_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_every_response_carries_a_request_id_and_keeps_the_callers(client):
    assert len(client.get("/healthz").headers["X-Request-Id"]) == 32
    assert (
        client.get("/healthz", headers={"X-Request-Id": "abc-1"}).headers["X-Request-Id"] == "abc-1"
    )


def test_a_body_over_the_limit_is_refused_unread(container):
    small = create_app(
        settings=Settings(database_url=container.settings.database_url, max_request_bytes=1000)
    )
    path = "/app_express/webservice/eCollectWebservicesv2.asmx"
    response = Client(small).post(
        path, data=b"<x>" + b" " * 2000 + b"</x>", content_type="text/xml; charset=utf-8"
    )
    assert response.status_code == 413
    small.container.close()


def test_an_unexpected_error_is_a_plain_500_without_a_trace(container, monkeypatch):
    app = create_app(container=container)

    def explode(*_args, **_kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(app, "_health", explode)
    response = Client(app).get("/healthz")
    assert response.status_code == 500
    assert "secret" not in response.text and "Traceback" not in response.text


def test_unknown_paths_are_404(client):
    assert client.get("/nothing/here").status_code == 404
    assert json.loads(client.get("/healthz").text)["status"] == "ok"
