"""Screenshots of the portal's main pages for the docs (docs/screenshots/portal-*.png).

    .venv/bin/python scripts/screenshots.py

Runs E-Port on a fresh data directory with the demo country and the demo import and export
(`eport demo`'s story), then opens each page in Debian's chromium (Playwright) as the user who
would see it, at a desktop and a phone width.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from eport.bootstrap import bootstrap
from eport.config import Settings
from eport.entrypoints.demo import _server
from eport.entrypoints.seed import DEMO_PASSWORD, seed_demo, set_demo_passwords

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"

# (user or None, path or a callable finding it, file name, width)
SHOTS: list[tuple[str | None, str, str, int]] = [
    (None, "/login", "portal-login", 1280),
    ("trader@demo", "/portal", "portal-trader-dashboard", 1280),
    ("trader@demo", "/portal/declarations/new", "portal-lodge", 1280),
    ("trader@demo", "{declaration}", "portal-declaration", 1280),
    ("terminal@demo", "/portal/workbench", "portal-workbench", 1280),
    ("terminal@demo", "{task}", "portal-task", 1280),
    ("admin@demo", "/portal/admin", "portal-admin", 1280),
    (None, "/verify", "portal-verify", 1280),
    ("trader@demo", "/portal", "portal-trader-dashboard-phone", 390),
]


def _log_in(page: Any, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    page.wait_for_load_state()


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="eport-shots-") as tmp:
        settings = Settings(data_dir=Path(tmp), environment="development",
                            risk_yellow_rate=0.0, risk_red_rate=0.0)  # fmt: skip
        eport = bootstrap(settings)
        eport.ensure_ca()
        seed_demo(eport)
        set_demo_passwords(eport)
        from eport.entrypoints.demo import run_scenarios

        with _server(eport) as base:
            found = run_scenarios(eport, base)
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM, headless=True,
                    args=["--no-sandbox", "--disable-background-networking",
                          "--disable-component-update"],
                )  # fmt: skip
                for user, path, name, width in SHOTS:
                    context = browser.new_context(
                        base_url=base, viewport={"width": width, "height": 900}, locale="en-GB"
                    )
                    page = context.new_page()
                    if user:
                        _log_in(page, user)
                    page.goto(path.format(**found))
                    page.screenshot(path=str(OUT / f"{name}.png"), full_page=width < 800)
                    context.close()
                    print(f"docs/screenshots/{name}.png")
                browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
