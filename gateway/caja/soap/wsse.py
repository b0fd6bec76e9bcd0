"""The WS-Security header of a caja request: `wsse:Security/wsse:UsernameToken` read from the
envelope's Header element into a `UsernameToken` (texts as sent; checking is the domain's).

Tolerant the way bank kits need: the Security header may carry mustUnderstand (the endpoint
declares it understood), a `wsu:Timestamp` or other tokens beside the UsernameToken (ignored),
any prefixes; `Created` is read in the wsu namespace or, as some hand-built headers put it, in
the wsse one. Anything unusable (no Security, no UsernameToken, no Username) is None: 091.
"""

from __future__ import annotations

from lxml import etree

from gateway.domain.username_token import UsernameToken
from gateway.soap.ns import WSSE, WSU

SECURITY = f"{{{WSSE}}}Security"


def _text(parent: etree._Element, *tags: str) -> tuple[str | None, etree._Element | None]:
    for tag in tags:
        element = parent.find(tag)
        if element is not None:
            return element.text or "", element
    return None, None


def username_token(header: etree._Element | None) -> UsernameToken | None:
    if header is None:
        return None
    security = header.find(SECURITY)
    if security is None:
        return None
    token = security.find(f"{{{WSSE}}}UsernameToken")
    if token is None:
        return None
    username, _ = _text(token, f"{{{WSSE}}}Username")
    if not username or not username.strip():
        return None
    password, password_element = _text(token, f"{{{WSSE}}}Password")
    nonce, _ = _text(token, f"{{{WSSE}}}Nonce")
    created, _ = _text(token, f"{{{WSU}}}Created", f"{{{WSSE}}}Created")
    return UsernameToken(
        username=username.strip(),
        password=password or "",
        password_type=password_element.get("Type") if password_element is not None else None,
        nonce=nonce,
        created=created.strip() if created is not None else None,
    )
