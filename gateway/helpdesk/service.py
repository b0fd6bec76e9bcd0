"""The helpdesk as one object: what the SOAP adapter (and a portal next) is given.

`Helpdesk` is `HelpdeskPort`: the account operations are `Accounts`', the request operations
`Requests`'. It only composes them, and wires the one thing they share: an agent creating a
request on behalf of an e-mail nobody registered invites that person (`invite_customer`).
"""

from __future__ import annotations

from collections.abc import Callable

from gateway.clock import Clock
from gateway.helpdesk.accounts import Accounts, invite_customer
from gateway.helpdesk.requests import Requests
from gateway.settings import Settings
from gateway.store.uow import UnitOfWork


class Helpdesk:
    def __init__(
        self, uow_factory: Callable[[], UnitOfWork], clock: Clock, settings: Settings
    ) -> None:
        self.accounts = Accounts(uow_factory, clock, settings)
        self.requests = Requests(uow_factory, clock, settings, invite=invite_customer)
        for name in _ACCOUNT_OPERATIONS:
            setattr(self, name, getattr(self.accounts, name))
        for name in _REQUEST_OPERATIONS:
            setattr(self, name, getattr(self.requests, name))


_ACCOUNT_OPERATIONS = (
    "register_customer",
    "complete_registration",
    "request_password_reset",
    "reset_password",
    "login",
    "logout",
)
_REQUEST_OPERATIONS = (
    "get_catalog",
    "create_request",
    "get_request",
    "get_attachment",
    "list_requests",
    "add_comment",
    "share_request",
    "set_notifications",
    "get_available_transitions",
    "transition_request",
    "set_priority",
    "answer_survey",
    "get_sla_status",
    "get_history",
)
