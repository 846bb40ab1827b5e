"""An HTML document as a reader meets it: opened in the system's Chromium (Debian's
``chromium``, driven by Playwright) and checked with axe-core (shipped by axe-playwright-python).

Without Chromium the tests that use it skip, saying how to install it; with
LEISURENET_REQUIRE_BROWSER=1 (as in CI) they fail instead.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# WCAG 2.1, levels A and AA, as axe-core tags its rules.
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def chromium() -> str:
    """The system's Chromium, or skip (fail with LEISURENET_REQUIRE_BROWSER=1)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        reason = "chromium is not on PATH: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("LEISURENET_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " (LEISURENET_REQUIRE_BROWSER=1)")
        pytest.skip(reason)
    return found


@dataclass
class Visit:
    """What a page did while it loaded: its console errors and every request beyond the file."""

    page: object
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@contextmanager
def browser():
    """One headless Chromium for several pages."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium's sandbox will not start.
        instance = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        try:
            yield instance
        finally:
            instance.close()


@contextmanager
def visit(instance, path: Path, width: int = 1280, height: int = 900):
    """``path`` opened in a new page of ``instance``, with its console errors and requests."""
    page = instance.new_page(viewport={"width": width, "height": height})
    seen = Visit(page)
    page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.errors.append(str(e)))
    local = ("file:", "data:", "about:", "blob:")
    page.on("request", lambda r: None if r.url.startswith(local) else seen.requests.append(r.url))
    page.goto(path.resolve().as_uri(), wait_until="load")
    try:
        yield seen
    finally:
        page.close()


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 A and AA violations of the page, each with its impact and nodes."""
    import axe_playwright_python

    page.evaluate((Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    return result["violations"]


def blocking(violations: list[dict]) -> list[str]:
    """The serious and critical violations in words: rule, impact, how many nodes, an example."""
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}; e.g. {v['nodes'][0]['html'][:160]}"
        for v in violations
        if v["impact"] in BLOCKING
    ]
