"""A headless Chromium driven by selenium, for the browser tests of the gateway's web pages (the
helpdesk portal, the payer pages): what a person does on a page, and the basics every page owes
them, checked on every page the browser lands on.

    with Browser("phone", Screenshots(folder)) as browser:
        browser.open(url)
        browser.fill("Correo", "ana@cliente.test")        # by label, aria-label or name
        browser.choose("authorize_closing", "Si")           # a radio button of a group
        browser.submit("Iniciar sesión")                    # waits for the next page
        browser.follow("¿Olvidaste tu contraseña?")
        assert browser.h1 == "..." and "..." in browser.text and browser.status == 200
        browser.screenshot("login")                         # full page, into the test's folder

Only Debian's `chromium` and `chromium-driver` are used (`scripts/install-interop`): selenium is
handed both paths, so Selenium Manager never runs and nothing is downloaded; background
networking, component updates, sync and QUIC are off, and each browser has a fresh profile.

Viewports are emulated exactly (`Emulation.setDeviceMetricsOverride`): `desktop` 1280x900, and
`phone` 390x844 as a mobile device, so a page without `<meta name="viewport">` would be laid out
980 px wide there, as on a real phone (the check below then fails).

Every page landed on (open, submit, follow) must have: `<html lang="es">`, exactly one `<h1>`,
`<meta name="viewport">`, a label (`<label for>`, a wrapping `<label>`, `aria-label` or
`aria-labelledby`) on every visible input, select and textarea, no Python traceback; on the
phone, a layout as wide as the screen and nothing wider (no sideways scrolling). A page that
fails raises `PageProblem` with the problems, its URL and a screenshot.

`BrowserPool` keeps started browsers for the next test (the `browsers` fixture of
tests/e2e/conftest.py hands them out), cookies and cache cleared in between.
"""

from __future__ import annotations

import base64
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
#: Chromium's switches: headless, no sandbox (root in containers), nothing that phones home.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
#: Where screenshots go: test-artifacts/browser/<test>/<nn>-<step>-<viewport>.png (gitignored).
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
#: How long a page may take to load after a click or `open`, and how often to look.
PAGE_TIMEOUT = 20.0
POLL = 0.05


@dataclass(frozen=True)
class Viewport:
    width: int
    height: int
    #: Emulate a mobile device: the page's <meta name="viewport"> decides the layout width.
    mobile: bool


VIEWPORTS = {
    "desktop": Viewport(1280, 900, mobile=False),
    "phone": Viewport(390, 844, mobile=True),
}


class PageProblem(AssertionError):
    """A page a person would have trouble with (see the module's checks)."""


def chromium_problem() -> str | None:
    """Why the browser tests cannot run here, or None."""
    for binary, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not binary.is_file():
            return f"{binary} is missing (apt-get install {package})"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e .[test])"
    return None


def folder_name(node_name: str) -> str:
    """A folder name for a pytest node name: `test_flow[phone]` -> `test_flow-phone`."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", node_name).strip("-") or "test"


class Screenshots:
    """The numbered screenshots of one test, shared by the browsers it opens (emptied first, so
    the folder shows only the last run)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        shutil.rmtree(folder, ignore_errors=True)
        self.count = 0

    def next_path(self, step: str, viewport: str) -> Path:
        self.count += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_-]+", "-", step).strip("-") or "step"
        return self.folder / f"{self.count:02d}-{name}-{viewport}.png"


#: The checks run on every page (returns the problems found, in words).
_PAGE_CHECKS = r"""
const problems = [];
const root = document.documentElement;
const lang = root.getAttribute('lang');
if (lang !== 'es') problems.push(`<html lang> is ${JSON.stringify(lang)}, not "es"`);
const headings = document.querySelectorAll('h1').length;
if (headings !== 1) problems.push(`${headings} <h1> elements, not exactly one`);
if (!document.querySelector('meta[name="viewport"]')) problems.push('no <meta name="viewport">');
const shown = (el) =>
  el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
for (const control of document.querySelectorAll('input, select, textarea')) {
  if (control.type === 'hidden' || !shown(control)) continue;
  const aria = (control.getAttribute('aria-label') || '').trim()
    || (control.getAttribute('aria-labelledby') || '').trim();
  const labelled = Array.from(control.labels || []).some((l) => l.textContent.trim() !== '');
  if (!aria && !labelled) {
    const kind = control.tagName.toLowerCase();
    problems.push(`the ${kind} named ${JSON.stringify(control.name)} has no label`);
  }
}
const text = document.body ? document.body.innerText : '';
if (/Traceback \(most recent call last\)|File "[^"]+", line \d+/.test(text)) {
  problems.push('the page shows a Python traceback');
}
if (arguments[0]) {
  const screen = arguments[0];
  const laid = root.clientWidth;
  if (laid !== screen) {
    problems.push(`laid out ${laid} px wide on a ${screen} px screen (no viewport meta?)`);
  }
  if (root.scrollWidth > laid) {
    problems.push(`content ${root.scrollWidth} px wide on a ${laid} px screen: zoomed out or `
      + 'sideways scrolling');
  }
}
return problems;
"""

#: The control whose label's text (without the text of a control inside it, such as a select's
#: options) is arguments[0], else starts with it, else whose aria-label or name it is; null
#: when none.
_FIND_CONTROL = r"""
const wanted = arguments[0];
const textOf = (label) => {
  const copy = label.cloneNode(true);
  for (const inner of copy.querySelectorAll('input, select, textarea')) inner.remove();
  return copy.textContent.replace(/\s+/g, ' ').trim();
};
const labels = Array.from(document.querySelectorAll('label')).filter((l) => l.control);
const found = labels.find((l) => textOf(l) === wanted)
  || labels.find((l) => textOf(l).startsWith(wanted));
if (found) return found.control;
const controls = Array.from(document.querySelectorAll('input, select, textarea'));
return controls.find((c) => (c.getAttribute('aria-label') || '').trim() === wanted)
  || document.getElementsByName(wanted)[0] || null;
"""

#: The radio button of group arguments[0] (its fieldset's legend starts with it, or it is the
#: inputs' name) whose value or label is arguments[1]; null when none.
_FIND_RADIO = r"""
const [group, value] = arguments;
const legendOf = (radio) => {
  const legend = radio.closest('fieldset')?.querySelector('legend');
  return legend ? legend.textContent.replace(/\s+/g, ' ').trim() : '';
};
const labelled = (radio) =>
  Array.from(radio.labels).some((l) => l.textContent.replace(/\s+/g, ' ').trim() === value);
return Array.from(document.querySelectorAll('input[type=radio]'))
  .filter((r) => r.name === group || legendOf(r).startsWith(group))
  .find((r) => r.value === value || labelled(r)) || null;
"""


def _normal(text: str) -> str:
    return " ".join(text.split())


class Browser:
    """One headless Chromium window (its own temporary profile) at one viewport."""

    def __init__(self, viewport: str, screenshots: Screenshots) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.viewport_name = viewport
        self.viewport = VIEWPORTS[viewport]
        self.screenshots = screenshots
        #: Every URL landed on (and checked), in order.
        self.visited: list[str] = []
        self._profile = tempfile.mkdtemp(prefix="gateway-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={self._profile}"):
            options.add_argument(flag)
        try:
            self.driver = webdriver.Chrome(
                service=Service(executable_path=str(CHROMEDRIVER)), options=options
            )
        except Exception:
            shutil.rmtree(self._profile, ignore_errors=True)
            raise
        self.driver.set_page_load_timeout(PAGE_TIMEOUT)
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": self.viewport.width,
                "height": self.viewport.height,
                "deviceScaleFactor": 1,
                "mobile": self.viewport.mobile,
            },
        )

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self._profile, ignore_errors=True)

    def forget(self) -> None:
        """Leave the page and drop every cookie and cached response: as good as new for the
        next test (the pages run no script, so there is no other storage to clear)."""
        self.driver.get("about:blank")
        self.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
        self.driver.execute_cdp_cmd("Network.clearBrowserCache", {})
        self.visited = []
        self._last = None

    # ------------------------------------------------------------------ what the page shows

    @property
    def url(self) -> str:
        return str(self.driver.current_url)

    @property
    def status(self) -> int:
        """The HTTP status of the page's document (after redirects)."""
        return int(
            self.driver.execute_script(
                "const n = performance.getEntriesByType('navigation')[0];"
                "return n ? n.responseStatus : 0;"
            )
        )

    @property
    def text(self) -> str:
        """The page's visible text, as a person reads it."""
        return str(self.driver.execute_script("return document.body.innerText"))

    @property
    def h1(self) -> str:
        from selenium.webdriver.common.by import By

        return _normal(self.driver.find_element(By.TAG_NAME, "h1").text)

    def value(self, field: str) -> str:
        """The current value of the control labelled (or named) `field`."""
        return str(self._control(field).get_attribute("value") or "")

    def checked(self, field: str) -> bool:
        return bool(self._control(field).is_selected())

    # ------------------------------------------------------------------ what a person does

    def open(self, url: str) -> Browser:
        """Go to `url` (as if typed or opened from a mail)."""
        self.driver.get(url)
        self._landed()
        return self

    def fill(self, field: str, value: str) -> Browser:
        """Type `value` into the text control, or pick the option of the select, labelled
        `field` (its label's text, else its aria-label, else its `name`)."""
        from selenium.webdriver.support.ui import Select

        control = self._control(field)
        if control.tag_name == "select":
            picker = Select(control)
            try:
                picker.select_by_visible_text(value)
            except Exception:
                picker.select_by_value(value)
        else:
            control.clear()
            control.send_keys(value)
        self._last = control
        return self

    def check(self, field: str, on: bool = True) -> Browser:
        """Tick (or untick) the checkbox labelled `field`."""
        control = self._control(field)
        if control.is_selected() != on:
            control.click()
        self._last = control
        return self

    def choose(self, group: str, value: str) -> Browser:
        """Pick the radio button of `group` (its fieldset's legend, or the inputs' name) whose
        label or value is `value`."""
        radio = self.driver.execute_script(_FIND_RADIO, group, value)
        if radio is None:
            raise AssertionError(f"no radio button {value!r} in {group!r} on {self.url}")
        radio.click()
        self._last = radio
        return self

    def submit(self, button: str | None = None) -> Browser:
        """Press the button whose text is `button` (default: the submit button of the form
        last filled) and wait for the page it leads to."""
        from selenium.webdriver.common.by import By

        if button is None:
            form = self._last.find_element(By.XPATH, "ancestor::form")
            target = form.find_element(By.CSS_SELECTOR, "button, input[type=submit]")
        else:
            found = [
                element
                for element in self.driver.find_elements(
                    By.CSS_SELECTOR, "button, input[type=submit]"
                )
                if _normal(element.text or element.get_attribute("value") or "") == button
            ]
            if len(found) != 1:
                raise AssertionError(f"{len(found)} buttons {button!r} on {self.url}")
            target = found[0]
        self._navigate(target.click)
        return self

    def follow(self, link: str) -> Browser:
        """Click the link whose text is `link` and wait for the page it leads to."""
        from selenium.webdriver.common.by import By

        found = [
            element
            for element in self.driver.find_elements(By.TAG_NAME, "a")
            if _normal(element.text) == link
        ]
        if not found:
            raise AssertionError(f"no link {link!r} on {self.url}")
        self._navigate(found[0].click)
        return self

    def links(self) -> dict[str, str]:
        """The page's links: text -> href."""
        from selenium.webdriver.common.by import By

        return {
            _normal(element.text): str(element.get_attribute("href"))
            for element in self.driver.find_elements(By.TAG_NAME, "a")
        }

    def screenshot(self, step: str) -> Path:
        """Save the whole page (beyond the screen's height) as the test's next PNG."""
        path = self.screenshots.next_path(step, self.viewport_name)
        metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics["cssContentSize"]
        shot = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {
                    "x": 0,
                    "y": 0,
                    "width": max(size["width"], self.viewport.width),
                    "height": max(size["height"], self.viewport.height),
                    "scale": 1,
                },
            },
        )
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def problems(self) -> list[str]:
        """What the current page breaks of the module's checks ([] when none)."""
        width = self.viewport.width if self.viewport.mobile else 0
        return list(self.driver.execute_script(_PAGE_CHECKS, width))

    # ------------------------------------------------------------------ internals

    _last: Any = None

    def _navigate(self, action: Any) -> None:
        """Do `action` (a click) and wait until another document has loaded: the current one
        is marked first, so a page that comes back with the same URL still counts."""
        self.driver.execute_script("document.__left_behind = true")
        action()
        self._wait_loaded("return document.__left_behind !== true")
        self._landed()

    def _wait_loaded(self, also: str = "return true") -> None:
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait

        def loaded(driver: Any) -> bool:
            # Between two documents the driver may answer with all sorts of errors: ask again.
            return bool(
                driver.execute_script("return document.readyState") == "complete"
                and driver.execute_script(also)
            )

        WebDriverWait(
            self.driver, PAGE_TIMEOUT, POLL, ignored_exceptions=(WebDriverException,)
        ).until(loaded, f"no new page loaded within {PAGE_TIMEOUT:.0f}s after {self.url}")

    def _landed(self) -> None:
        self._wait_loaded()
        self._last = None
        self.visited.append(self.url)
        problems = self.problems()
        if problems:
            shot = self.screenshot("page-problem")
            raise PageProblem(
                f"{self.url} ({self.viewport_name}):\n  - "
                + "\n  - ".join(problems)
                + f"\n(screenshot: {shot})"
            )

    def _control(self, field: str) -> Any:
        control = self.driver.execute_script(_FIND_CONTROL, field)
        if control is None:
            raise AssertionError(f"no field labelled or named {field!r} on {self.url}")
        return control


class BrowserPool:
    """Browsers kept for the next test (a Chromium takes about two seconds to start): a test
    borrows one per window it needs and gives it back forgotten (`Browser.forget`)."""

    def __init__(self) -> None:
        self._idle: dict[str, list[Browser]] = {}

    def borrow(self, viewport: str, screenshots: Screenshots) -> Browser:
        idle = self._idle.get(viewport)
        browser = idle.pop() if idle else Browser(viewport, screenshots)
        browser.screenshots = screenshots
        return browser

    def give_back(self, browser: Browser, *, broken: bool = False) -> None:
        """Keep `browser` for another test, or close it when `broken` (its test failed) or it
        cannot be reset."""
        if not broken:
            try:
                browser.forget()
            except Exception:
                broken = True
        if broken:
            browser.close()
        else:
            self._idle.setdefault(browser.viewport_name, []).append(browser)

    def close(self) -> None:
        for browsers in self._idle.values():
            while browsers:
                browsers.pop().close()
