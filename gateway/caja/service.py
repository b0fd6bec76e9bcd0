"""The caja facade: every use case of the bank-teller service behind one `CajaPort`, as the
composition root builds it (`gateway.bootstrap`) and the SOAP adapter calls it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from gateway.caja import validation
from gateway.caja.auth import BankAuthenticator
from gateway.caja.barcode import BarcodeParser, parse_barcode
from gateway.caja.commands import (
    Cabecera,
    Caller,
    Cartera,
    Conciliacion,
    Conciliar,
    ConsultarCartera,
    ConsultarReferencia,
    Estado,
    FacturaView,
    NotificarPago,
    Pago,
    ReversarPago,
    Reverso,
)
from gateway.caja.conciliacion import AsobancariaReader, Reconciliation, read_asobancaria
from gateway.caja.consultas import Consultas
from gateway.caja.pagos import TellerPayments
from gateway.caja.reversos import Reversals
from gateway.clock import Clock
from gateway.domain.transactions import Lifetimes
from gateway.domain.username_token import UsernameToken
from gateway.sealing import Sealer
from gateway.settings import Settings
from gateway.store.uow import UnitOfWork

#: `versionServicio` of verificarEstado: the contract's version (wsdl/CajaBancos.wsdl).
VERSION = "1.0"


class Caja:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        settings: Settings,
        lifetimes: Lifetimes,
        *,
        barcodes: BarcodeParser = parse_barcode,
        asobancaria_reader: AsobancariaReader | None = read_asobancaria,
    ) -> None:
        self._clock = clock
        self.auth = BankAuthenticator(
            uow_factory,
            clock,
            timedelta(seconds=settings.caja_token_window_seconds),
            lambda: Sealer.of(settings),
        )
        self.consultas = Consultas(uow_factory, clock, barcodes)
        self.payments = TellerPayments(uow_factory, clock, lifetimes, settings.caja_canje_days)
        self.reversals = Reversals(uow_factory, clock)
        self.reconciliation = Reconciliation(uow_factory, clock, self.payments, asobancaria_reader)

    def now(self) -> datetime:
        return self._clock.now()

    def authenticate(self, token: UsernameToken | None, codigo_banco: str | None) -> Caller:
        return self.auth.authenticate(token, codigo_banco)

    def verificar_estado(self, caller: Caller, cabecera: Cabecera) -> Estado:
        self.consultas.check_agreement(caller, validation.cabecera(cabecera))
        return Estado(VERSION, self._clock.now())

    def consultar_cartera(self, caller: Caller, command: ConsultarCartera) -> Cartera:
        return self.consultas.consultar_cartera(caller, command)

    def consultar_referencia(self, caller: Caller, command: ConsultarReferencia) -> FacturaView:
        return self.consultas.consultar_referencia(caller, command)

    def notificar_pago(self, caller: Caller, command: NotificarPago) -> Pago:
        return self.payments.notificar_pago(caller, command)

    def reversar_pago(self, caller: Caller, command: ReversarPago) -> Reverso:
        return self.reversals.reversar_pago(caller, command)

    def conciliar(self, caller: Caller, command: Conciliar) -> Conciliacion:
        return self.reconciliation.conciliar(caller, command)

    def confirm_cheques(self, bank_code: str, id_transaccion: str) -> bool:
        """A cheque of another bank cleared (the Asobancaria file reader calls this too)."""
        return self.payments.confirm_cheques(bank_code, id_transaccion)

    def return_cheques(self, bank_code: str, id_transaccion: str) -> bool:
        return self.payments.return_cheques(bank_code, id_transaccion)
