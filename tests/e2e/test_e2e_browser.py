"""The browser harness of tests/e2e/browser.py itself, on small pages served over real HTTP: the
checks run on every page catch what they promise (so a page test that passes means something),
forms are filled by label, the status and the phone's layout are what the page really got."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from tests.e2e.browser import PageProblem

pytestmark = pytest.mark.e2e

HEAD = '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
GOOD = f"""<!doctype html><html lang="es"><head>{HEAD}<title>Bien</title></head><body>
<h1>Formulario</h1>
<form method="post" action="/enviado">
  <label>Nombre completo <input name="full_name"></label>
  <label for="tipo">Tipo</label>
  <select id="tipo" name="kind">
    <option value="">Elige</option><option value="NIT">NIT</option>
  </select>
  <input name="search" aria-label="Buscar">
  <fieldset><legend>¿Nos autorizas?</legend>
    <label><input type="radio" name="ok" value="Si"> Si</label>
    <label><input type="radio" name="ok" value="No"> No</label>
  </fieldset>
  <input type="hidden" name="csrf" value="x">
  <button type="submit">Enviar</button>
</form>
<a href="/ausente">Una página que no existe</a>
</body></html>"""

BROKEN = {
    "/sin-idioma": (GOOD.replace(' lang="es"', ""), '<html lang> is null, not "es"'),
    "/en-ingles": (GOOD.replace('lang="es"', 'lang="en"'), '<html lang> is "en"'),
    "/dos-titulos": (GOOD.replace("<h1>Formulario</h1>", "<h1>A</h1><h1>B</h1>"), "2 <h1>"),
    "/sin-titulo": (GOOD.replace("<h1>Formulario</h1>", "<h2>A</h2>"), "0 <h1>"),
    "/sin-viewport": (
        GOOD.replace('<meta name="viewport" content="width=device-width, initial-scale=1">', ""),
        'no <meta name="viewport">',
    ),
    "/sin-etiqueta": (
        GOOD.replace(
            '<input name="search" aria-label="Buscar">', '<textarea name="nota"></textarea>'
        ),
        'the textarea named "nota" has no label',
    ),
    "/traza": (
        GOOD.replace(
            "<h1>Formulario</h1>",
            "<h1>Error</h1><pre>Traceback (most recent call last):\n"
            '  File "/app/x.py", line 3</pre>',
        ),
        "a Python traceback",
    ),
}
#: Fine on a desktop, sideways scrolling on a phone (a 900 px table in the body's 8 px margin).
WIDE = GOOD.replace(
    "<h1>Formulario</h1>", '<h1>Tabla</h1><table width="900"><tr><td>x</td></tr></table>'
)


class _Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        pages = {"/": GOOD, "/ancha": WIDE, **{path: page for path, (page, _) in BROKEN.items()}}
        self._answer(200, pages[self.path]) if self.path in pages else self._answer(404, "")

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length", 0))
        form = parse_qs(self.rfile.read(length).decode())
        shown = "".join(f"<li>{name}={values[0]}</li>" for name, values in sorted(form.items()))
        self._answer(
            201, f'<!doctype html><html lang="es"><head>{HEAD}</head><body><h1>Recibido</h1>'
            f"<ul>{shown}</ul></body></html>",
        )  # fmt: skip

    def _answer(self, status: int, page: str) -> None:
        if status == 404:
            page = f'<!doctype html><html lang="es"><head>{HEAD}</head><body><h1>No existe</h1>'
        body = page.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", sorted(BROKEN))
def test_every_page_landed_on_is_checked(browsers, site: str, path: str) -> None:
    browser = browsers("desktop")
    expected = BROKEN[path][1]
    with pytest.raises(PageProblem, match="(?s)" + expected.replace("(", r"\(")) as problem:
        browser.open(site + path)
    assert site + path in str(problem.value)
    # The screenshot the problem names is there to look at.
    shot = str(problem.value).rpartition("(screenshot: ")[2].rstrip(")")
    assert shot.endswith("-page-problem-desktop.png")
    assert open(shot, "rb").read(8) == b"\x89PNG\r\n\x1a\n"


def test_a_good_page_is_filled_by_label_and_sent(browsers, site: str) -> None:
    browser = browsers("phone")
    browser.open(site + "/")
    assert browser.status == 200 and browser.h1 == "Formulario"
    browser.fill("Nombre completo", "Ana Pérez").fill("Tipo", "NIT").fill("Buscar", "pago")
    browser.choose("¿Nos autorizas?", "No")
    browser.submit("Enviar")
    assert browser.status == 201 and browser.h1 == "Recibido"
    assert browser.text.split("\n")[1:] == [
        "csrf=x", "full_name=Ana Pérez", "kind=NIT", "ok=No", "search=pago",
    ]  # fmt: skip
    assert browser.visited == [site + "/", site + "/enviado"]


def test_the_status_is_the_one_the_page_came_with(browsers, site: str) -> None:
    browser = browsers("desktop")
    browser.open(site + "/").follow("Una página que no existe")
    assert browser.status == 404 and browser.h1 == "No existe"


def test_the_phone_catches_what_the_desktop_does_not(browsers, site: str) -> None:
    desktop, phone = browsers("desktop"), browsers("phone")
    desktop.open(site + "/ancha")
    assert _problems(phone, site + "/ancha") == [
        "content 908 px wide on a 390 px screen: zoomed out or sideways scrolling"
    ]
    # Without the viewport meta a phone lays the page out 980 px wide.
    assert any("laid out 980 px wide" in p for p in _problems(phone, site + "/sin-viewport"))
    assert not any("px wide" in p for p in _problems(desktop, site + "/sin-viewport"))


def _problems(browser, url: str) -> list[str]:
    with pytest.raises(PageProblem):
        browser.open(url)
    return browser.problems()


def test_screenshots_are_numbered_per_test_and_take_the_whole_page(browsers, site: str) -> None:
    browser = browsers("phone")
    browser.open(site + "/")
    first = browser.screenshot("formulario")
    second = browser.screenshot("otra vez")
    assert (first.name, second.name) == ("01-formulario-phone.png", "02-otra-vez-phone.png")
    width = int.from_bytes(first.read_bytes()[16:20], "big")
    assert width == 390
