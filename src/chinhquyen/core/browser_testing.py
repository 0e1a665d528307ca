"""Browser test helpers shared by every app: Debian's Chromium through Playwright, and axe-core.

The fixtures are exposed to every test through ``src/chinhquyen/conftest.py``:

``chromium``
    Debian's Chromium (``/usr/bin/chromium``) launched headless through Playwright with
    :data:`CHROMIUM_ARGS`, one per test. Each test makes its own context (viewport,
    JavaScript off, cookies …). Skipped when Chromium or Playwright is missing.
``axe_script``
    The path of ``axe.min.js`` from ``tools/axe`` (``npm ci`` there once, under a file lock, so
    parallel workers install it once).

A test that needs other Chromium flags uses :func:`launch_chromium` in its own fixture.
:func:`axe_serious` runs axe-core on a page and returns its serious and critical WCAG 2.1 A/AA
violations.
"""

import contextlib
import fcntl
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]
AXE_DIR = Path(__file__).resolve().parents[3] / "tools" / "axe"
AXE_SCRIPT = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@contextlib.contextmanager
def launch_chromium(args: Sequence[str] = CHROMIUM_ARGS) -> Iterator[object]:
    """Debian's Chromium through Playwright's sync API (skips the test when either is missing).

    Playwright's sync API keeps an event loop running in this thread; Django's ORM refuses to
    run there unless told it is safe (the test database calls are ordinary sync calls), so
    ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set while the browser runs, and restored afterwards.
    """
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_api.sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=list(args))
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def chromium():
    """Debian's Chromium with :data:`CHROMIUM_ARGS`, for one test."""
    with launch_chromium() as browser:
        yield browser


def install_axe() -> Path:
    """``npm ci`` in tools/axe when axe.min.js is missing or older than the lock file (locked:
    parallel workers install once); skips the test when tools/axe or npm is missing."""
    lock = AXE_DIR / "package-lock.json"
    if not lock.exists():
        pytest.skip("tools/axe is missing")
    if AXE_SCRIPT.exists() and AXE_SCRIPT.stat().st_mtime >= lock.stat().st_mtime:
        return AXE_SCRIPT
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is missing: install Debian's nodejs")
    with open(Path(tempfile.gettempdir()) / "chinhquyen-axe-install.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        if not AXE_SCRIPT.exists():
            subprocess.run(  # noqa: S603 (fixed command)
                [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=AXE_DIR,
                check=True,
                timeout=300,
            )
    return AXE_SCRIPT


@pytest.fixture(scope="module")
def axe_script() -> Path:
    """axe.min.js from tools/axe (installed once)."""
    return install_axe()


def serious_violations(result: dict) -> list[dict]:
    """The serious and critical violations of an ``axe.run`` result, briefly."""
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def run_axe(page, axe_script: Path, tags: Sequence[str] = WCAG_TAGS) -> dict:
    """Inject axe-core into ``page`` and run it on the document (the page's context must
    bypass the site's CSP: axe is injected as a script)."""
    page.add_script_tag(path=str(axe_script))
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", list(tags)
    )


def axe_serious(page, axe_script: Path, tags: Sequence[str] = WCAG_TAGS) -> list[dict]:
    """The serious and critical WCAG violations axe-core finds on ``page`` (with its URL)."""
    return [{"url": page.url, **v} for v in serious_violations(run_axe(page, axe_script, tags))]
