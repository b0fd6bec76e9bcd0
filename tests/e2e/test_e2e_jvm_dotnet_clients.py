"""JVM and .NET clients generated from the live gateway's WSDLs: create -> sandbox OK -> get.

Once per test session the proxies are generated from the gateway's own `?wsdl` documents, as a
merchant project does, and compiled with the small programs kept beside this module:

* Java: JAX-WS RI `wsimport -extension` (JAXB classes, SOAP 1.1 and 1.2 ports) + `javac` of
  `java/Main.java`, run on the Debian jaxws jars. It reads replies the way the Spring-WS/JAXB
  merchant client does (ReturnCode through a 14-value enum's valueOf, BankProcessDate through
  `toString()` parsed as yyyy-MM-dd, ReferenceArray by index up to 15): any reply that client
  could not take makes it throw.
* .NET: Mono's `wsdl` (`SoapHttpClientProtocol` proxies, `-protocol:SOAP12` for the 1.2 one) +
  `mcs` of `dotnet/Program.cs`, run with `mono`. The "ordered" flavour is the same proxy with
  `Order=n` on every data member, as svcutil and Visual Studio write them: its XmlSerializer
  reads a sequence and silently drops what comes out of order (the test at the end shows it).

Both programs run the whole flow (create, `POST /sandbox/transactions/<TicketId>/outcome`, get,
then a create for the unknown entity 99999) and print JSON of what the generated classes read.
The build is shared by the pytest-xdist workers of a run (file lock); it takes about 10 s.
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import re
import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import require

HERE = Path(__file__).resolve().parent
JAVA_MAIN = HERE / "java" / "Main.java"
PROGRAM_CS = HERE / "dotnet" / "Program.cs"
#: Debian `jaxws`: the tool and runtime jars (jaxws-rt's manifest names the rest).
JAXWS_LIB = Path("/usr/share/jaxws/lib")
JAVA_CLASSPATH_LIBS = f"{JAXWS_LIB}/*"
MONO_WEB_SERVICES = Path("/usr/lib/mono/4.5/System.Web.Services.dll")
BUILD_TIMEOUT = 300
RUN_TIMEOUT = 120

ENTITY = "10001"
OPEN_SERVICE = "1001"
TRANS_VALUE = "150000"
SANDBOX_BANK = "BANCO UNION COLOMBIANO"
SANDBOX_BANK_CODE = "1022"
UNKNOWN_ENTITY_CODE = "FAIL_INVALIDENTITYCODE"
SOAP11_CONTENT_TYPE = "text/xml"
SOAP12_CONTENT_TYPE = "application/soap+xml"
SOAP_ACTION = "http://www.avisortech.com/eCollectWebservices/"


@dataclass(frozen=True)
class Schema:
    """One WSDL the gateway serves; `name` is the Java package / .NET namespace suffix."""

    name: str
    prefix: str
    version: int
    date_type: str  # the xs type of BankProcessDate

    def wsdl(self, base_url: str) -> str:
        return f"{self.endpoint(base_url)}?wsdl"

    def endpoint(self, base_url: str) -> str:
        return f"{base_url}/{self.prefix}/webservice/eCollectWebservicesv{self.version}.asmx"


SCHEMAS = {
    "v2": Schema("v2", "app_express", 2, "date"),
    "v3A": Schema("v3a", "p_express", 3, "date"),
    "v3B": Schema("v3b", "app_express", 3, "dateTime"),
}

#: (test id, schema, soap version): the SOAP 1.2 run is schema A, whose svcutil proxy (S1) has it.
JAVA_RUNS = [
    ("v2", "v2", "soap11"),
    ("v3A", "v3A", "soap11"),
    ("v3B", "v3B", "soap11"),
    ("v3A-soap12", "v3A", "soap12"),
]


@dataclass(frozen=True)
class DotnetBuild:
    """One .NET executable: Program.cs + one generated proxy flavour."""

    name: str
    schema: str
    soap12: bool = False
    ordered: bool = False


DOTNET_BUILDS = {
    build.name: build
    for build in (
        DotnetBuild("v2", "v2"),
        DotnetBuild("v3A", "v3A"),
        DotnetBuild("v3B", "v3B"),
        DotnetBuild("v3A-soap12", "v3A", soap12=True),
        DotnetBuild("v3A-ordered", "v3A", ordered=True),
        DotnetBuild("v3B-ordered", "v3B", ordered=True),
    )
}


# --------------------------------------------------------------------------- tools


def _missing(*tools: str) -> list[str]:
    return [tool for tool in tools if shutil.which(tool) is None]


def _java_problem() -> str | None:
    missing = _missing("java", "javac", "wsimport")
    if missing:
        return f"{', '.join(missing)} not installed (apt-get install jaxws default-jdk-headless)"
    if not (JAXWS_LIB / "jaxws-rt.jar").exists():
        return f"no JAX-WS runtime in {JAXWS_LIB} (apt-get install jaxws)"
    return None


def _mono_problem() -> str | None:
    missing = _missing("mono", "mcs", "wsdl")
    if missing:
        return f"{', '.join(missing)} not installed (apt-get install mono-devel)"
    if not MONO_WEB_SERVICES.exists():
        return "System.Web.Services is missing (apt-get install libmono-system-web-services4.0-cil)"
    return None


def _run(argv: list[str], timeout: float = BUILD_TIMEOUT) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv)} exited {done.returncode}\n--- stdout\n{done.stdout}\n"
            f"--- stderr\n{done.stderr}"
        )


def _run_all(commands: Iterable[list[str]]) -> None:
    """Run independent build commands side by side (one per core)."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for future in [pool.submit(_run, argv) for argv in commands]:
            future.result()


# --------------------------------------------------------------------------- one build per run


def _shared_build_dir(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A directory all pytest-xdist workers of this run share (the run's basetemp)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    return base / name


def _build_once(directory: Path, build: Callable[[Path], None]) -> Path:
    """Run `build(out)` once per test run, whichever worker comes first; others wait for it."""
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / "out"
    marker = directory / "built-in-seconds"
    with (directory / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not marker.exists():
                shutil.rmtree(out, ignore_errors=True)
                out.mkdir()
                started = time.monotonic()
                build(out)
                marker.write_text(f"{time.monotonic() - started:.1f}\n")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return out


@pytest.fixture(scope="session")
def java_build(tmp_path_factory: pytest.TempPathFactory, base_url: str) -> Path | None:
    """wsimport the three WSDLs into packages ecollect.{v2,v3a,v3b}; javac them with Main.java.

    None when the tools are missing (each test then fails under CI or skips)."""
    if _java_problem() is not None:
        return None

    def build(out: Path) -> None:
        sources, classes = out / "src", out / "classes"
        sources.mkdir()
        classes.mkdir()
        # -extension: keep the SOAP 1.2 port (wsimport drops it as "non-standard" otherwise)
        _run_all(
            ["wsimport", "-quiet", "-extension", "-Xnocompile", "-s", str(sources)]
            + ["-p", f"ecollect.{schema.name}", schema.wsdl(base_url)]
            for schema in SCHEMAS.values()
        )
        javac = ["javac", "-nowarn", "-encoding", "UTF-8", "-cp", JAVA_CLASSPATH_LIBS]
        javac += ["-d", str(classes), *map(str, sorted(sources.rglob("*.java"))), str(JAVA_MAIN)]
        _run(javac)

    return _build_once(_shared_build_dir(tmp_path_factory, "jaxws-client"), build)


@pytest.fixture(scope="session")
def dotnet_build(tmp_path_factory: pytest.TempPathFactory, base_url: str) -> Path | None:
    """Mono `wsdl` proxies (SOAP 1.1 for each schema, SOAP 1.2 for A), the order-strict copies,
    and one `mcs` executable per flavour: `<name>.exe`. None when the tools are missing."""
    if _mono_problem() is not None:
        return None

    def build(out: Path) -> None:
        def source(build: DotnetBuild) -> Path:
            return out / f"{build.name}.cs"

        generated = [build for build in DOTNET_BUILDS.values() if not build.ordered]
        _run_all(
            ["wsdl", "-nologo", f"-n:ECollect.{SCHEMAS[b.schema].name.upper()}"]
            + [f"-o:{source(b)}", *(["-protocol:SOAP12"] if b.soap12 else [])]
            + [SCHEMAS[b.schema].wsdl(base_url)]
            for b in generated
        )
        for build in DOTNET_BUILDS.values():
            if build.ordered:
                plain = source(DOTNET_BUILDS[build.schema]).read_text(encoding="utf-8")
                source(build).write_text(add_member_order(plain), encoding="utf-8")
        _run_all(
            ["mcs", "-nologo", f"-define:{SCHEMAS[b.schema].name.upper()}"]
            + [
                "-r:System.Web.Services",
                f"-out:{out / b.name}.exe",
                str(PROGRAM_CS),
                str(source(b)),
            ]
            for b in DOTNET_BUILDS.values()
        )

    return _build_once(_shared_build_dir(tmp_path_factory, "mono-client"), build)


_XML = "System.Xml.Serialization."
_CLASS = re.compile(r"^\s*public partial class \w+(\s*:\s*[\w.]+)?\s*\{$")
_PROPERTY = re.compile(r"^(\s*)public ([\w.]+(?:\[\])?) \w+ \{$")


def add_member_order(source: str) -> str:
    """The proxy as svcutil / Visual Studio write it: `Order=n` on every member of the data
    classes (those with [XmlType]), in schema order. XmlSerializer then reads a sequence."""
    lines = source.splitlines()
    out: list[str] = []
    data_class = False
    order = 0
    for index, line in enumerate(lines):
        if match := _CLASS.match(line):
            above = lines[max(0, index - 6) : index]
            data_class = match.group(1) is None and any(
                f"[{_XML}XmlTypeAttribute(" in a for a in above
            )
            order = 0
        prop = _PROPERTY.match(line) if data_class else None
        if prop:
            indent, type_name = prop.groups()
            start = len(out)
            while start > 0 and out[start - 1].strip().startswith("["):
                start -= 1
            element = [
                i for i in range(start, len(out)) if f"[{_XML}XmlElementAttribute(" in out[i]
            ]
            if element:  # [XmlElementAttribute("Name", ...)] -> [...(..., Order=n)]
                head, _, tail = out[element[0]].rpartition(")]")
                arguments = head.split("XmlElementAttribute(", 1)[1]
                out[element[0]] = f"{head}{', ' if arguments else ''}Order={order})]{tail}"
            elif type_name.endswith("[]"):  # a wrapped array (AuthReferenceArray)
                out.append(f"{indent}[{_XML}XmlArrayAttribute(Order={order})]")
            else:
                out.append(f"{indent}[{_XML}XmlElementAttribute(Order={order})]")
            order += 1
        out.append(line)
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- running a client


def run_client(tool: str, argv: list[str]) -> tuple[dict[str, Any], str]:
    """Run a client program; return its JSON (last stdout line) and its whole stdout."""
    done = subprocess.run(argv, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False)
    if done.returncode != 0:
        pytest.fail(
            f"{tool} exited {done.returncode}: {' '.join(argv)}\n"
            f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}",
            pytrace=False,
        )
    try:
        output: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        pytest.fail(f"{tool} printed no JSON:\n{done.stdout}\n{done.stderr}", pytrace=False)
    return output, done.stdout


def bogota_now() -> datetime:
    return datetime.now(ZoneInfo("America/Bogota"))


def merchant_references() -> list[str]:
    """16 references as the Spring-WS client sends them (section 4.7): [12] and [13] are read
    back as yyyyMMdd dates unless "0", [15] is the last read; one empty, one non-ASCII."""
    return [
        str(random.randrange(10**9, 10**10)),
        f"ORD-{uuid.uuid4().hex[:10]}",
        "payer@example.com",
        "Ana María Pérez Núñez",
        "3001234567",
        "CC",
        "Calle 100 # 8A-55",
        "Bogotá D.C.",
        "PLAN-ORO",
        "1",
        "150000",
        "0",
        bogota_now().strftime("%Y%m%d"),
        "0",
        "",
        "FIN-16",
    ]


def assert_created(created: dict[str, Any]) -> None:
    assert created["ReturnCode"] == "SUCCESS", created
    assert re.fullmatch(r"\d+", created["TicketId"] or ""), created
    url = urlsplit(created["eCollectUrl"] or "")
    assert url.scheme in {"http", "https"} and url.netloc, created


def assert_paid(
    info: dict[str, Any], created: dict[str, Any], references: list[str], day_before: str
) -> None:
    """What merchant code relies on after an approved PSE payment."""
    assert info["ReturnCode"] == "SUCCESS", info
    assert info["EntityCode"] == ENTITY
    assert info["TicketId"] == created["TicketId"]
    assert info["TranState"] == "OK"
    assert info["TrazabilityCode"], "TrazabilityCode is empty after an approved payment"
    assert info["BankName"] == SANDBOX_BANK
    assert info["PaymentSystem"] == "0"
    assert Decimal(info["TransValue"]) == Decimal(TRANS_VALUE)
    assert Decimal(info["TransVatValue"]) == 0
    assert info["PayCurrency"] == "COP"
    assert Decimal(info["CurrencyRate"]) == 1
    assert info["ReferenceArray"] == references, "ReferenceArray not echoed exactly"
    assert info["BankProcessDate"][:10] in {day_before, bogota_now().date().isoformat()}, (
        f"BankProcessDate {info['BankProcessDate']} is not today in America/Bogota"
    )


def assert_unknown_entity(failed: dict[str, Any]) -> None:
    """O8: a refused create still carries TicketId and eCollectUrl, empty, not absent (null)."""
    assert failed == {"ReturnCode": UNKNOWN_ENTITY_CODE, "TicketId": "", "eCollectUrl": ""}


# --------------------------------------------------------------------------- Java JAX-WS / JAXB


_DUMPED_REQUEST = re.compile(
    r"---\[HTTP request - [^\]]*\]---\n(?:[^\n]*\n)*?Content-Type: ([^\n]*)"
)


@pytest.mark.e2e
@pytest.mark.clients
@pytest.mark.parametrize(
    ("schema_id", "soap"), [r[1:] for r in JAVA_RUNS], ids=[r[0] for r in JAVA_RUNS]
)
def test_jaxws_client_pays_and_reads_back(
    schema_id: str,
    soap: str,
    java_build: Path | None,
    base_url: str,
    record_property: Callable[[str, object], None],
) -> None:
    require("JAX-WS wsimport/javac", _java_problem())
    assert java_build is not None
    schema = SCHEMAS[schema_id]
    references = merchant_references()
    invoice = "FAC-" + uuid.uuid4().hex[:8]  # sent by schema B only
    day_before = bogota_now().date().isoformat()
    output, stdout = run_client(
        "JAX-WS client",
        [
            "java",
            # the RI's wire dump: request/response headers and bodies, on stdout before the JSON
            "-Dcom.sun.xml.ws.transport.http.client.HttpTransportPipe.dump=true",
            "-cp",
            f"{java_build / 'classes'}{os.pathsep}{JAVA_CLASSPATH_LIBS}",
            "Main",
            schema.name,
            schema.wsdl(base_url),
            soap,
            ENTITY,
            OPEN_SERVICE,
            TRANS_VALUE,
            invoice,
            *references,
        ],
    )
    record_property("client", output["client"])
    assert output["endpoint"] == schema.endpoint(base_url)

    sent = _DUMPED_REQUEST.findall(stdout)
    assert len(sent) == 3, f"expected 3 SOAP requests in the wire dump, found {sent}"
    if soap == "soap12":
        assert output["binding"] == "http://www.w3.org/2003/05/soap/bindings/HTTP/"
        for content_type in sent:
            assert content_type.startswith(SOAP12_CONTENT_TYPE), sent
            assert f'action="{SOAP_ACTION}' in content_type, sent
    else:
        assert output["binding"] == "http://schemas.xmlsoap.org/wsdl/soap/http"
        assert all(ct.startswith(SOAP11_CONTENT_TYPE) for ct in sent), sent

    created, info = output["created"], output["info"]
    assert_created(created)
    assert_paid(info, created, references, day_before)
    # read as the Spring-WS merchant code does (Main.java threw otherwise)
    assert info["TranStateEnum"] == "OK"
    assert info["PaymentSystemEnum"] == "PSE"
    assert info["ReferenceCount"] == 16
    sent_date = references[12]
    assert info["Reference12"] == f"{sent_date[:4]}-{sent_date[4:6]}-{sent_date[6:]}"
    assert info["Reference13"] == "0"
    assert info["Reference15"] == references[15]
    # BankProcessDate as JAXB holds it (XMLGregorianCalendar.toXMLFormat())
    bank_date = info["BankProcessDate"]
    assert info["BankProcessDateType"] == schema.date_type, info
    if schema.date_type == "date":
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", bank_date), bank_date
        assert info["BankProcessDateParsed"] == bank_date  # toString() as yyyy-MM-dd
    else:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?", bank_date), bank_date
        assert info["FICode"] == SANDBOX_BANK_CODE
        assert info["Invoice"] == invoice
        assert info["SrvCode"] == OPEN_SERVICE
    assert_unknown_entity(output["failed"])


# --------------------------------------------------------------------------- .NET via Mono


def dotnet_argv(exe: Path, endpoint: str, invoice: str, references: list[str]) -> list[str]:
    return ["mono", str(exe), endpoint, ENTITY, OPEN_SERVICE, TRANS_VALUE, invoice, *references]


@pytest.mark.e2e
@pytest.mark.clients
@pytest.mark.parametrize("flavour", list(DOTNET_BUILDS))
def test_mono_asmx_client_pays_and_reads_back(
    flavour: str,
    dotnet_build: Path | None,
    base_url: str,
    record_property: Callable[[str, object], None],
) -> None:
    require("Mono wsdl/mcs", _mono_problem())
    assert dotnet_build is not None
    build = DOTNET_BUILDS[flavour]
    schema = SCHEMAS[build.schema]
    references = merchant_references()
    invoice = "FAC-" + uuid.uuid4().hex[:8]
    day_before = bogota_now().date().isoformat()
    output, _ = run_client(
        "Mono client",
        dotnet_argv(
            dotnet_build / f"{flavour}.exe", schema.endpoint(base_url), invoice, references
        ),
    )
    record_property("client", output["client"])
    assert output["ordered"] is build.ordered

    requests_sent = output["requests"]
    assert len(requests_sent) == 3, requests_sent
    for request in requests_sent:
        if build.soap12:
            assert output["soapVersion"] == "Soap12"
            assert request["ContentType"].startswith(SOAP12_CONTENT_TYPE), request
            assert f'action="{SOAP_ACTION}' in request["ContentType"], request
        else:
            assert request["ContentType"].startswith(SOAP11_CONTENT_TYPE), request
            assert request["SOAPAction"].startswith(f'"{SOAP_ACTION}'), request

    created, info = output["created"], output["info"]
    assert_created(created)
    assert_paid(info, created, references, day_before)
    # DateTime.ToString("yyyy-MM-dd"): xs:date and xs:dateTime both land in a DateTime
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", info["BankProcessDate"])
    if schema.date_type == "date":
        assert info["BankProcessDateFull"].endswith("T00:00:00"), info
    if build.schema in {"v3A", "v3B"}:
        # a PSE payment carries no card data; the wrapped array reads as absent or empty
        assert info["AuthReferenceArray"] in (None, []), info
    if build.schema == "v3B":
        # after BankProcessDate: an order-strict reader loses these if the reply is out of order
        assert info["FICode"] == SANDBOX_BANK_CODE, info
        assert info["Invoice"] == invoice, info
        assert info["SrvCode"] == OPEN_SERVICE, info
    assert_unknown_entity(output["failed"])


# --------------------------------------------------------------------------- the check has teeth

_OUT_OF_ORDER_INFO = """<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<getTransactionInformationResponse xmlns="http://www.avisortech.com/eCollectWebservices">
<getTransactionInformationResult><EntityCode>10001</EntityCode><TicketId>42</TicketId>
<TrazabilityCode>123456</TrazabilityCode><TranState>OK</TranState><ReturnCode>SUCCESS</ReturnCode>
<TransValue>150000</TransValue><TransVatValue>0</TransVatValue><PayCurrency>COP</PayCurrency>
<CurrencyRate>1</CurrencyRate><BankProcessDate>2024-05-02T10:00:00</BankProcessDate>
<BankName>BANCO UNION COLOMBIANO</BankName><PaymentSystem>0</PaymentSystem>
<Invoice>FAC-1</Invoice><ReferenceArray>1</ReferenceArray><FICode>1022</FICode>
<SrvCode>1001</SrvCode></getTransactionInformationResult>
</getTransactionInformationResponse></soap:Body></soap:Envelope>"""

_CREATED = """<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<createTransactionPaymentResponse xmlns="http://www.avisortech.com/eCollectWebservices">
<createTransactionPaymentResult><ReturnCode>SUCCESS</ReturnCode><TicketId>42</TicketId>
<eCollectUrl>http://127.0.0.1/x</eCollectUrl></createTransactionPaymentResult>
</createTransactionPaymentResponse></soap:Body></soap:Envelope>"""


class _CannedSoap(BaseHTTPRequestHandler):
    """A fake schema-B endpoint whose getTransactionInformation reply has FICode out of order."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        action = self.headers.get("SOAPAction", "")
        body = _OUT_OF_ORDER_INFO if "getTransactionInformation" in action else _CREATED
        payload = body.encode() if "/sandbox/" not in self.path else b"ok"
        self.send_response(200)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def out_of_order_endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CannedSoap)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/app_express/webservice/x.asmx"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.e2e
@pytest.mark.clients
def test_order_strict_proxy_drops_what_comes_out_of_order(
    dotnet_build: Path | None, out_of_order_endpoint: str
) -> None:
    """Against a reply with FICode moved after ReferenceArray, the plain Mono proxy still reads
    every field, the svcutil-style (ordered) one silently loses FICode and what follows: so the
    FICode/Invoice/SrvCode assertions above do catch a gateway emitting schema B out of order."""
    require("Mono wsdl/mcs", _mono_problem())
    assert dotnet_build is not None
    read = {}
    for flavour in ("v3B", "v3B-ordered"):
        output, _ = run_client(
            "Mono client",
            dotnet_argv(dotnet_build / f"{flavour}.exe", out_of_order_endpoint, "FAC-1", ["1"]),
        )
        read[flavour] = output["info"]
    assert (read["v3B"]["FICode"], read["v3B"]["SrvCode"]) == ("1022", "1001")
    assert read["v3B"]["Invoice"] == "FAC-1"
    assert (read["v3B-ordered"]["FICode"], read["v3B-ordered"]["SrvCode"]) == (None, None)
    assert read["v3B-ordered"]["Invoice"] == "FAC-1"  # in order: still read
