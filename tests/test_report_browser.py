"""The report opened in headless Chromium (Debian's `chromium`): the page renders, scripts run, no errors.

`.ci/run` installs chromium; without it these tests skip and say how to install it. The
screenshot goes to pytest's tmp folder, never into the repository.
"""

import os
import shutil
import subprocess

import pytest
from report_fixtures import small_tables

from pipeline.report import build_report, write_report

BROWSER_TIMEOUT = 120  # seconds; a cold start on a busy 2-core machine takes a few
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
# Flags that work on a machine with no network and no display (as root): no sandbox, no GPU,
# none of Chromium's background connections, and every host name unresolvable, so the page
# can only render what it holds.
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0", "--window-size=1200,3000",
]  # fmt: skip

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Chromium not found: install it with `apt-get install -y chromium` (as .ci/run does) or set CHROMIUM=/path/to/chrome",
    ),
]


def open_in_chromium(page, tmp_path, *args) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args, page.resolve().as_uri()],
        capture_output=True, text=True, timeout=BROWSER_TIMEOUT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    # Console messages (script errors, refused fetches) are logged as "...:CONSOLE..." lines.
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], "\n".join(console)
    return result


def check_dom(dom: str) -> None:
    assert 'data-ready="true"' in dom  # the inline script ran to its end
    assert dom.count('<mark class="entity"') > 3
    assert dom.count('class="chart bar-chart"') >= 2 and 'class="chart network-chart"' in dom


def test_run_report_renders(demo_run, tmp_path):
    page = write_report(demo_run, tmp_path / "report.html")
    dom = open_in_chromium(page, tmp_path, "--dump-dom").stdout
    check_dom(dom)
    assert "Asaad al-Shaibani" in dom and "No map" not in dom  # places have coordinates (pipeline/knowledge/geo.py)
    shot = tmp_path / "report.png"
    open_in_chromium(page, tmp_path, f"--screenshot={shot}")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_map_renders(tmp_path):
    page = tmp_path / "small.html"
    page.write_text(build_report(small_tables()), encoding="utf8")
    dom = open_in_chromium(page, tmp_path, "--dump-dom").stdout
    check_dom(dom)
    assert 'class="chart map-chart"' in dom and 'class="place"' in dom


def test_a_script_error_would_fail(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text("<html><body><script>notDefined();</script></body></html>", encoding="utf8")
    with pytest.raises(AssertionError, match="notDefined"):
        open_in_chromium(page, tmp_path, "--dump-dom")
