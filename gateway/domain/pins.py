"""A PIN list file ("Generación de PINes"): one PIN per line, in the order they are given.

The merchant hands the PINs over already generated (the manual: "ella nos debe entregar los
PINES ya generados"); a PIN is any text up to 100 characters (a code, or a date and time when
the list assigns turns). Blank lines are skipped; the order of the other lines is the list's
order (PINOrder). A PIN twice in the file is an error, not a silent skip: two payers would
hold the same code.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_PIN_LENGTH = 100


@dataclass(frozen=True)
class PinLine:
    line: int
    pin: str


class InvalidPinList(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def parse_pin_list(data: bytes) -> list[PinLine]:
    """The file's PINs in order, or InvalidPinList naming every bad line (`línea N: ...`)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidPinList([f"el archivo no es UTF-8 (byte {exc.start})"]) from None
    errors: list[str] = []
    found: list[PinLine] = []
    first_line: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        pin = raw.strip()
        if not pin:
            continue
        if len(pin) > MAX_PIN_LENGTH:
            errors.append(f"línea {number}: el PIN tiene más de {MAX_PIN_LENGTH} caracteres")
        elif not pin.isprintable():
            errors.append(f"línea {number}: el PIN tiene caracteres de control")
        elif pin in first_line:
            errors.append(f"línea {number}: PIN repetido (ya está en la línea {first_line[pin]})")
        else:
            first_line[pin] = number
            found.append(PinLine(number, pin))
    if not found and not errors:
        errors.append("el archivo no tiene PINES")
    if errors:
        raise InvalidPinList(errors)
    return found
