"""The lease steps shared by the outboxes (merchant callbacks, mail): the SQL half of
`gateway.jobs.leases`.

An outbox table has `id`, `status`, `attempts`, `next_attempt_at` and `claim_token`. A due row
is unsettled with `next_attempt_at <= now`; claiming it writes the claim's token, counts the
try and sets `next_attempt_at` to the end of the lease, so a claim nobody records is simply due
again when its lease ends. Settling a row is conditional: it must still be unsettled and, unless
the caller says the outcome stands whatever the claim (the message is out), still claimed by
the same token; a node whose lease ended changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, update

#: The error recorded for a try whose claim ended with no outcome.
LAPSED = "no outcome recorded before the claim's lease ended (the node stopped?)"


def lease(
    db: Connection, table: Table, ids: Sequence[int], token: str, lease_until: datetime
) -> None:
    """Claim the rows `ids` (already locked by the caller) for `token` until `lease_until`."""
    if ids:
        db.execute(
            update(table)
            .where(table.c.id.in_(list(ids)))
            .values(claim_token=token, attempts=table.c.attempts + 1, next_attempt_at=lease_until)
        )


def settle(
    db: Connection,
    table: Table,
    row_id: int,
    *,
    unsettled: str,
    token: str | None,
    values: dict[str, Any],
) -> bool:
    """Write `values` (and release the claim) if row `row_id` is still `unsettled` and, when
    `token` is given, still claimed by it. True when the row was changed."""
    statement = update(table).where(table.c.id == row_id, table.c.status == unsettled)
    if token is not None:
        statement = statement.where(table.c.claim_token == token)
    return db.execute(statement.values(claim_token=None, **values)).rowcount == 1
