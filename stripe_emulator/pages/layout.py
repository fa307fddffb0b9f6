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


def message_page(
    *, title: str, heading: str, text: str, link: str | None = None, link_label: str = "", icon: str = "info"
) -> str:
    action = f'<a class="button" href="{h(link)}">{h(link_label)}</a>' if link else ""
    body = (
        '<main class="message-shell"><section class="message-card">'
        f'<div class="message-icon message-icon-{h(icon)}" aria-hidden="true"></div>'
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
        icon="error",
    )
