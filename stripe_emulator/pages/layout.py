"""HTML helpers: escaping, the page shell, the stylesheet."""

from __future__ import annotations

from html import escape
from pathlib import Path

STYLESHEET = (Path(__file__).parent / "emulator.css").read_text()
STYLESHEET_URL = "/c/assets/emulator.css"


def h(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def page(title: str, body: str, *, body_class: str = "") -> str:
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{h(title)}</title>"
        f'<link rel="stylesheet" href="{STYLESHEET_URL}">'
        f'</head><body class="{h(body_class)}">{body}</body></html>'
    )


def test_mode_badge() -> str:
    return '<span class="badge-test" title="Stripe emulator: no real money moves">Test mode</span>'


_ICON_PATHS = {
    "success": '<path d="M5 12.5l4.5 4.5L19 7.5"/>',
    "error": '<path d="M12 6.5v7"/><circle cx="12" cy="17" r="1.2" fill="currentColor" stroke="none"/>',
    "info": '<path d="M12 10.5v7"/><circle cx="12" cy="7" r="1.2" fill="currentColor" stroke="none"/>',
    "clock": '<circle cx="12" cy="12" r="8"/><path d="M12 7.5V12l3 2"/>',
}


def icon(name: str) -> str:
    """A status icon drawn inline (system fonts here have no emoji; nothing is loaded from elsewhere)."""
    return (
        f'<div class="message-icon message-icon-{h(name)}" aria-hidden="true"><svg viewBox="0 0 24 24" width="28" '
        f'height="28" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" '
        f'stroke-linejoin="round">{_ICON_PATHS[name]}</svg></div>'
    )


def message_page(
    *, title: str, heading: str, text: str, link: str | None = None, link_label: str = "", icon_name: str = "info"
) -> str:
    action = f'<a class="button" href="{h(link)}">{h(link_label)}</a>' if link else ""
    body = (
        '<main class="message-shell"><section class="message-card">'
        f"{icon(icon_name)}"
        f"<h1>{h(heading)}</h1><p>{h(text)}</p>{action}"
        f'<p class="powered">Powered by <strong>stripe</strong> emulator {test_mode_badge()}</p>'
        "</section></main>"
    )
    return page(title, body, body_class="message")


def not_found() -> str:
    return message_page(
        title="Page not found",
        heading="Something went wrong",
        text="The page you were looking for could not be found. Please check the URL or contact the merchant.",
        icon_name="error",
    )
