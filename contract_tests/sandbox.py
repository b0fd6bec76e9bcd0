"""The gateway's sandbox control: QA forces the bank's answer for a pending transaction.

`POST /sandbox/transactions/<TicketId>/outcome` with form field `TranState` answers 200 JSON
`{"TicketId": ..., "TranState": ...}`, 404 for an unknown ticket (or on a host without a
sandbox), 409 when the transition is not allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests


class NoSandbox(Exception):
    """The target answered 404 for a ticket it just created: it has no sandbox control."""


@dataclass
class Sandbox:
    base_url: str
    session: requests.Session
    timeout: float = 30

    def url(self, ticket_id: str) -> str:
        return f"{self.base_url.rstrip('/')}/sandbox/transactions/{ticket_id}/outcome"

    def post_outcome(self, ticket_id: str, tran_state: str) -> requests.Response:
        return self.session.post(
            self.url(ticket_id), data={"TranState": tran_state}, timeout=self.timeout
        )

    def force(self, ticket_id: str, tran_state: str) -> dict[str, str]:
        """Force the outcome of a ticket the target just created; NoSandbox on 404."""
        response = self.post_outcome(ticket_id, tran_state)
        if response.status_code == 404:
            raise NoSandbox(
                f"POST {self.url(ticket_id)} answered 404 for a ticket the target just created: "
                "the target has no sandbox control (GATEWAY_SANDBOX off, or not this gateway)"
            )
        if response.status_code != 200:
            raise AssertionError(
                f"sandbox control refused TranState={tran_state} for ticket {ticket_id}: "
                f"HTTP {response.status_code} {response.text[:500]}"
            )
        body: dict[str, str] = response.json()
        return body
