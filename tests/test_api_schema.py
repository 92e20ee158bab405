"""The API against its own OpenAPI schema, as a third-party client sees it: schemathesis (`st run --checks
all`: every check, examples, coverage, fuzzing and stateful phases, positive and negative data) against the
app served by uvicorn on 127.0.0.1, over the web test data, with an analyst's API token so that the review
routes are exercised too (and ``ignored_auth`` checks that they refuse a request without it).

The number of examples per operation is bounded (``CIVICWATCH_SCHEMATHESIS_EXAMPLES``, default 10: about
1,900 cases in under a minute); the seed is fixed, so a failure reproduces. Settings: tests/data/schemathesis.toml.
The same run against a private instance (every route needs the token) is marked slow.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn
from web_data import engine_url, fill
from webui_support import CHEAP_HASHER, add_user, api_token

from civicwatch.store import accounts, connect
from civicwatch.web.app import create_app

CONFIG = Path(__file__).parent / "data" / "schemathesis.toml"
EXAMPLES = int(os.environ.get("CIVICWATCH_SCHEMATHESIS_EXAMPLES", "10"))
SEED = 14


def _st() -> str:
    found = Path(sys.executable).with_name("st")
    return str(found) if found.exists() else (shutil.which("st") or "st")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(params=["public", pytest.param("private", marks=pytest.mark.slow)])
def served(request: pytest.FixtureRequest, tmp_path, monkeypatch: pytest.MonkeyPatch):
    """The app on 127.0.0.1 over the web test data (SQLite) and an analyst's token: (base URL, token, examples).
    Public, as most instances run; private (`serve --private`), where every route needs the token (fewer
    examples: it is the same API, what changes is who may call it)."""
    monkeypatch.setattr(accounts, "password_hasher", CHEAP_HASHER)
    engine = connect(str(tmp_path / "civicwatch.db"))
    fill(engine)
    add_user(engine)
    token = api_token(engine)
    port = _free_port()
    private = request.param == "private"
    app = create_app(engine_url(engine), private=private)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield base, token, min(EXAMPLES, 3) if private else EXAMPLES
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


def test_schemathesis_finds_no_failure(served, tmp_path) -> None:
    base, token, examples = served
    schema = httpx.get(f"{base}/openapi.json", headers={"Authorization": f"Bearer {token}"}).json()
    assert {"bearer", "cookie"} <= set(schema["components"]["securitySchemes"])
    command = [_st(), "--config-file", str(CONFIG), "run", f"{base}/openapi.json", "--checks", "all"]
    command += ["--max-examples", str(examples), "--seed", str(SEED), "--workers", "1", "--no-color"]
    command += ["-H", f"Authorization: Bearer {token}"]
    started = time.monotonic()
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    seconds = time.monotonic() - started
    output = run.stdout + run.stderr
    cases = re.search(r"(\d+) generated", output)
    summary = output[output.rfind("SUMMARY") :] if "SUMMARY" in output else output[-3000:]
    print(f"schemathesis: {cases.group(1) if cases else '?'} cases in {seconds:.0f} s\n{summary}")
    assert run.returncode == 0, output[-12000:]
    assert cases and int(cases.group(1)) >= 500, summary  # it did test, and much
    tested = re.search(r"Tested: (\d+)", output)
    assert tested and int(tested.group(1)) == sum(len(operations) for operations in schema["paths"].values())
