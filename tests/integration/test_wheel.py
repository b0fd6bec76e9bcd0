"""The gateway as a wheel: built from the sources, installed in a fresh virtualenv, it serves its
WSDLs (package data `gateway.wsdl`, the top-level wsdl/ folder; setup.py) from wherever it was
installed, with no source tree in sight.

Slow-ish (a build, a venv, the dependencies from pip's cache or PyPI: about half a minute).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from gateway.soap.contracts import CONTRACTS

ROOT = Path(__file__).resolve().parents[2]
#: What the build reads (pyproject.toml names README.md; setup.py maps wsdl/).
SOURCES = ("pyproject.toml", "setup.py", "README.md", "gateway", "contract_tests", "wsdl")

SERVE_WSDL = r"""
import json, sys
import gateway
from werkzeug.test import Client
from gateway.settings import Settings
from gateway.web.app import create_app

app = create_app(Settings(database_url=sys.argv[1], public_url="http://gateway.test"))
answers = {}
for path in sys.argv[2:]:
    response = Client(app).get(path, query_string="wsdl", base_url="http://gateway.test")
    answers[path] = [response.status_code, response.get_data(as_text=True)]
print(json.dumps({"package": gateway.__file__, "answers": answers}))
"""


def run(*argv: str | Path, cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    done = subprocess.run(
        [str(arg) for arg in argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"{argv}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    return done


def runtime_requirements(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = archive.read(name).decode()
    requires = re.findall(r"^Requires-Dist: (.+)$", metadata, re.MULTILINE)
    return [line for line in requires if "extra ==" not in line]


@pytest.mark.slow
def test_a_wheel_installed_in_a_fresh_venv_serves_its_wsdls(tmp_path: Path) -> None:
    # Build from a copy, so the build leaves nothing (build/, *.egg-info) in the worktree.
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(origin, source / name)
    pip = (sys.executable, "-m", "pip")
    run(*pip, "wheel", "--no-deps", "-q", "-w", tmp_path / "dist", source, cwd=tmp_path,
        timeout=300)  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("ecollect_gateway-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert {f"gateway/wsdl/{c.wsdl_file}" for c in CONTRACTS.values()} <= set(
            archive.namelist()
        )
        # The other data the package reads at run time ships too.
        data = {
            "gateway/demo.yaml",
            "gateway/helpdesk_catalog.json",
            "gateway/web/static/payer.css",
            "gateway/web/templates/helpdesk/request.html",
        }
        assert data <= set(archive.namelist())

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path, timeout=120)
    python = venv / "bin" / "python"
    run(*pip, "--python", python, "install", "-q", "--no-deps", wheel, cwd=tmp_path, timeout=300)
    # Its dependencies, at the versions this environment has (pip's cache has them).
    frozen = run(*pip, "freeze", "--exclude-editable", cwd=tmp_path, timeout=120).stdout
    constraints = tmp_path / "constraints.txt"
    constraints.write_text(frozen)
    run(*pip, "--python", python, "install", "-q", "-c", constraints,
        *runtime_requirements(wheel), cwd=tmp_path, timeout=600)  # fmt: skip

    # The console script works...
    ddl = run(venv / "bin" / "ecollect-gateway", "db", "ddl", cwd=tmp_path, timeout=120).stdout
    assert "CREATE TABLE transactions" in ddl
    # ...and the installed package, not these sources, serves every contract's WSDL.
    paths = ["/app_express/webservice/eCollectWebservicesv2.asmx",
             "/p_express/webservice/eCollectWebservicesv3.asmx",
             "/app_express/webservice/eCollectWebservicesv3.asmx",
             "/d_express/webservice/eCollectWebservicesv4.asmx"]  # fmt: skip
    database = f"sqlite:///{tmp_path / 'gateway.sqlite3'}"
    done = run(python, "-c", SERVE_WSDL, database, *paths, cwd=tmp_path, timeout=120)
    served = json.loads(done.stdout.strip().splitlines()[-1])
    assert Path(served["package"]).is_relative_to(venv), served["package"]
    files = ["eCollectWebservicesv2.wsdl", "eCollectWebservicesv3.A.wsdl",
             "eCollectWebservicesv3.B.wsdl", "eCollectWebservicesv4.wsdl"]  # fmt: skip
    for path, name in zip(paths, files, strict=True):
        status, text = served["answers"][path]
        assert status == 200, (path, text[:200])
        template = (ROOT / "wsdl" / name).read_bytes().decode("utf-8")  # CRLF kept
        expected = template.replace("${SERVICE_URL}", f"http://gateway.test{path}")
        assert text == expected, path
