"""The pages in a real browser: Debian's chromium driven by Playwright, against ``upc serve``
(embedded PostgreSQL and Temporal, the launcher, worker and projection runner) on free ports,
filled by ``upc demo``. One server for the session; each test signs in as its own users.

Nothing is downloaded: the browser is /usr/bin/chromium (``apt-get install chromium``; the CI
script installs it when missing), never ``playwright install``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from upc.preflight import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).parent / "artifacts"
AXE = Path(__file__).parents[2] / "api" / "web" / "static" / "axe" / "axe.min.js"
# axe-core's WCAG 2.0/2.1/2.2 A and AA rules.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@dataclass
class Served:
    base: str
    env: dict[str, str]
    process: subprocess.Popen[str]
    demo: dict[str, str]

    def token(self, user: str, role: str) -> str:
        return subprocess.run([sys.executable, "-m", "upc", "token", "--user", user,
                               "--role", role], env=self.env, capture_output=True, text=True,
                              check=True).stdout.strip()

    def api(self, user: str, role: str) -> httpx.Client:
        return httpx.Client(base_url=f"{self.base}/api/v1", timeout=15, headers={
            "Authorization": f"Bearer {self.token(user, role)}"})


def _wait_ready(process: subprocess.Popen[str], timeout: float = 120) -> list[str]:
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise AssertionError("upc serve exited early:\n" + "".join(lines))
        lines.append(line)
        if line.startswith("upc is ready"):
            return lines
    raise AssertionError("upc serve was not ready in time:\n" + "".join(lines))


@pytest.fixture(scope="package")
def served() -> Iterator[Served]:
    # Not pytest's tmp_path: its folders are private to root, and the embedded PostgreSQL
    # runs as its own user.
    data = Path(tempfile.mkdtemp(prefix="upc-web-"))
    data.chmod(0o755)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEMPORAL_ADDRESS")}
    env.update(UPC_DATA_DIR=str(data / "data"), UPC_PORT=str(port),
               UPC_TEMPORAL_PORT=str(free_port()), UPC_TEMPORAL_UI_PORT=str(free_port()))
    process = subprocess.Popen([sys.executable, "-m", "upc", "serve"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_ready(process)
        demo = subprocess.run([sys.executable, "-m", "upc", "demo"], env=env,
                              capture_output=True, text=True, timeout=180)
        assert demo.returncode == 0, demo.stdout + demo.stderr
        shown = {line.split()[0]: " ".join(line.split()[1:])
                 for line in demo.stdout.splitlines() if line.startswith("  DEMO-")}
        yield Served(f"http://127.0.0.1:{port}", env, process, shown)
    finally:
        process.terminate()
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(data, ignore_errors=True)


# Package scope, not session: Playwright's sync API keeps an event loop running in this
# thread while it is open, and every asyncio test after it would then fail with "Runner.run()
# cannot be called from a running event loop". Closed when tests/web is done.
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = "chromium is not installed (apt-get install chromium; .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Any, served: Served) -> Iterator[Any]:
    context = browser.new_context(base_url=served.base, locale="en-GB",
                                  timezone_id="Europe/London", accept_downloads=True,
                                  viewport={"width": 1200, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def axe_check(page: Any, name: str) -> None:
    """axe-core on the page as shown: no serious or critical WCAG A/AA violation."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
                           " resultTypes: ['violations']})", AXE_TAGS)
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"{name}: " + json.dumps(
        [{"id": v["id"], "impact": v["impact"], "help": v["help"],
          "nodes": [n["target"] for n in v["nodes"][:5]]} for v in bad], indent=1)


def snap(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def check_page(page: Any, name: str) -> None:
    """Every page a test visits: accessible, and a screenshot kept as an artifact."""
    axe_check(page, name)
    snap(page, name)


def sign_in(page: Any, user: str, role: str) -> None:
    """Sign in with the mouse-free path: the keyboard only."""
    page.goto("/sign-in")
    tab_to(page, "#user")
    page.keyboard.type(user)
    tab_to(page, "#role")  # the first role; arrow keys move through the radios
    roles = page.eval_on_selector_all("input[name=role]", "els => els.map(e => e.value)")
    for _ in range(roles.index(role)):
        page.keyboard.press("ArrowDown")
    assert page.eval_on_selector(f"input[name=role][value={role}]", "e => e.checked")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator(".upc-header__who").inner_text().startswith(f"Signed in as {user}")


# How many Tab presses from the focused element to the one matching the selector, in
# document order (the pages use no positive tabindex; one stop per radio group).
TAB_STOPS = """s => {
  const all = [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]')]
    .filter(e => !e.disabled && e.tabIndex >= 0 && e.getClientRects().length);
  const stops = all.filter(e => {
    if (e.type !== 'radio') return true;
    const group = all.filter(r => r.type === 'radio' && r.name === e.name);
    const checked = group.find(r => r.checked);
    return e === (checked || group[0]);
  });
  const target = stops.findIndex(e => e.matches(s));
  const here = stops.indexOf(document.activeElement);
  return target < 0 ? -1 : target - here;
}"""


def tab_to(page: Any, selector: str, limit: int = 200) -> None:
    """Press Tab until ``selector`` has the focus: proves a keyboard user can reach it.
    The presses are counted first (a round trip per press, not two); the focus is checked
    after them, and step by step if the count was wrong."""
    ahead = page.evaluate(TAB_STOPS, selector)
    for _ in range(max(ahead, 0)):
        page.keyboard.press("Tab")
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")
