"""Who is calling: the WS-Security UsernameToken of a request against the configured bank users.

Every refusal is `091` in the answer, never a SOAP fault, also for a message with no Security
header at all: teller kits treat a fault as "no answer" (and may start reversing), while 091
tells the bank's operator to fix its credentials. Which check failed goes to the log only
(`domain.username_token.TokenProblem`), so the answer does not help anyone guess users.

Order: the token's own checks (type, Created window, nonce form), the user (exists, enabled,
its bank enabled), the password or digest, the user's bank = `cabecera.codigoBanco`, and last
the nonce, remembered in its own short transaction so that a replay is refused even when the
first message's operation later fails. Nonces are forgotten by the `caja_nonces` job once their
Created is older than the window (a token that old is refused anyway).

A user's password is sealed at rest (`gateway.sealing`): with no key configured outside sandbox
mode, or a key that does not open it, nobody can authenticate; that is the gateway's fault, not
the bank's, so it is `099` and an error in the log.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import structlog

from gateway.caja.codes import CajaCode, CajaRefusal, invalid
from gateway.caja.commands import Caller
from gateway.clock import Clock
from gateway.domain.username_token import (
    TokenProblem,
    TokenRefused,
    UsernameToken,
    verify,
)
from gateway.sealing import SealBroken, Sealer, SealingUnavailable
from gateway.store.uow import UnitOfWork

log = structlog.get_logger(__name__)


def denied(problem: TokenProblem, **context: object) -> CajaRefusal:
    log.info("caja.auth_refused", reason=problem.value, **context)
    return CajaRefusal(CajaCode.ACCESO_DENEGADO)


class BankAuthenticator:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        window: timedelta,
        sealer: Callable[[], Sealer],
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._window = window
        self._sealer = sealer

    def authenticate(self, token: UsernameToken | None, codigo_banco: str | None) -> Caller:
        if token is None or not token.username:
            raise denied(TokenProblem.MISSING)
        now = self._clock.now()
        # One database transaction: the user read and, once the token checks out, its nonce
        # recorded (a refusal rolls back and remembers nothing).
        with self._uow() as uow:
            user = uow.caja.bank_user(token.username)
            if user is None:
                raise denied(TokenProblem.UNKNOWN_USER, username=token.username)
            try:
                password = self._sealer().open(user.password_sealed)
            except (SealingUnavailable, SealBroken) as error:
                log.error("caja.auth_unavailable", username=user.username, error=str(error))
                raise CajaRefusal(CajaCode.ERROR_TECNICO, "credenciales no disponibles") from None
            try:
                verified = verify(token, password, now=now, window=self._window)
            except TokenRefused as refused:
                raise denied(refused.problem, username=user.username) from None
            if not (user.enabled and user.bank_enabled):
                raise denied(TokenProblem.DISABLED, username=user.username)
            if verified.nonce is not None:
                fresh = uow.caja.record_nonce(
                    user.username, verified.nonce, verified.created or now
                )
                uow.commit()
                if not fresh:
                    raise denied(TokenProblem.REPLAYED, username=user.username)
        bank = (codigo_banco or "").strip()
        if not bank:  # told only to a bank that proved who it is: a malformed message
            raise invalid("cabecera/codigoBanco", "es obligatorio")
        if bank != user.bank_code:
            raise denied(TokenProblem.OTHER_BANK, username=user.username, banco=codigo_banco)
        return Caller(username=user.username, bank_code=user.bank_code, bank_name=user.bank_name)


def prune_nonces(
    uow_factory: Callable[[], UnitOfWork], clock: Clock, window: timedelta, batch: int = 1000
) -> int:
    """Forget one batch of nonces whose Created is older than the window; how many."""
    with uow_factory() as uow:
        pruned = uow.caja.prune_nonces(clock.now() - window, batch)
        uow.commit()
    return pruned
