"""The one layout of the gateway's e-mails (helpdesk notices, payment receipts): a text part
and its HTML alternative, Spanish.

`render` takes what a message says (greeting, paragraphs, labelled detail lines, an optional
call-to-action link and the quoted lines of a request) and gives both parts; every value is
escaped for the HTML part, so a customer's text cannot inject markup into another customer's
mail. Each use case words its own messages and queues them with `uow.mail.enqueue(...)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

HELPDESK_SIGNATURE = "Mesa de ayuda · Soporte ecollect"
PAYMENTS_SIGNATURE = "Pagos en línea · ecollect"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(
    subject: str,
    paragraphs: Sequence[str],
    *,
    greeting: str | None = None,
    link: tuple[str, str] | None = None,
    details: Sequence[tuple[str, str]] = (),
    quote: str | None = None,
    signature: str = HELPDESK_SIGNATURE,
) -> Rendered:
    """`link` = (label, url); `details` = (label, value) lines; `quote`: a comment's body."""
    text: list[str] = []
    html: list[str] = [
        '<!DOCTYPE html><html lang="es"><head><meta charset="utf-8">',
        f"<title>{escape(subject)}</title></head>",
        '<body style="font-family:Arial,sans-serif;line-height:1.4;color:#222">',
    ]
    if greeting:
        text += [greeting, ""]
        html.append(f"<p>{escape(greeting)}</p>")
    for paragraph in paragraphs:
        text += [paragraph, ""]
        html.append(f"<p>{escape(paragraph)}</p>")
    if details:
        html.append("<table>")
        for label, value in details:
            text.append(f"{label}: {value}")
            html.append(
                f'<tr><th align="left" style="padding-right:1em">{escape(label)}</th>'
                f"<td>{escape(value)}</td></tr>"
            )
        html.append("</table>")
        text.append("")
    if quote:
        text += ["> " + line for line in quote.splitlines()] + [""]
        body = "<br>".join(escape(line) for line in quote.splitlines())
        html.append(
            f'<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:1em">'
            f"{body}</blockquote>"
        )
    if link:
        label, url = link
        text += [f"{label}: {url}", ""]
        html.append(f'<p><a href="{escape(url, quote=True)}">{escape(label)}</a></p>')
    text.append(signature)
    html.append(f"<p>{escape(signature)}</p></body></html>")
    return Rendered(subject=subject, text="\n".join(text) + "\n", html="".join(html))
