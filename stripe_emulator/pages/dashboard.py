"""`/_emulator/`: what the emulator holds — sessions, payments, refunds, disputes, events, deliveries — with
Resend, Refund, and the bank's decisions on a dispute."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from stripe_emulator import faults, webhooks
from stripe_emulator.api import disputes
from stripe_emulator.http import Response, html_response
from stripe_emulator.money import format_amount
from stripe_emulator.pages.layout import h, page, test_mode_badge

if TYPE_CHECKING:
    from stripe_emulator.app import Emulator

ROWS = 25
COUNTED = (
    "customer",
    "product",
    "price",
    "coupon",
    "promotion_code",
    "checkout.session",
    "payment_intent",
    "charge",
    "refund",
    "dispute",
    "event",
)


def _time(timestamp: float | int | None) -> str:
    return f"{datetime.fromtimestamp(timestamp, UTC):%Y-%m-%d %H:%M:%S}" if timestamp else "—"


def _status(value: str | None) -> str:
    return f'<span class="status {h(value)}">{h(value)}</span>' if value else "—"


def _table(title: str, headers: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return f'<section class="panel"><h2>{h(title)}</h2><p class="empty">Nothing yet.</p></section>'
    head = "".join(f"<th>{h(name)}</th>" for name in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return (
        f'<section class="panel"><h2>{h(title)}</h2><div class="scroll"><table>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></section>"
    )


def _refund_button(charge: dict) -> str:
    """A dashboard refund: what a staff member doing it in Stripe's dashboard would cause."""
    if charge["status"] != "succeeded" or charge["refunded"] or charge["disputed"]:
        return ""
    return (
        f'<form class="inline-form" method="post" action="/_emulator/charges/{h(charge["id"])}/refund">'
        '<input type="hidden" name="reason" value="requested_by_customer">'
        '<button class="small-button" type="submit">Refund</button></form>'
    )


def _dispute_buttons(dispute: dict) -> str:
    """The bank's next steps on a dispute, as buttons (the control API's `disputes/{id}/status`)."""
    return "".join(
        f'<form class="inline-form" method="post" action="/_emulator/disputes/{h(dispute["id"])}/status">'
        f'<input type="hidden" name="status" value="{h(status)}">'
        f'<button class="small-button" type="submit">{h(label)}</button></form>'
        for status, label in (("under_review", "Review"), ("won", "Won"), ("lost", "Lost"))
        if status in disputes.NEXT_STATUSES.get(dispute["status"], ())
    )


def render(emulator: Emulator) -> Response:
    store = emulator.store
    with store.tx():
        counts = {name: store.count(name) for name in COUNTED}
        sessions = store.all("checkout.session")[:ROWS]
        charges = store.all("charge")[:ROWS]
        refunds = store.all("refund")[:ROWS]
        dispute_rows = store.all("dispute")[:ROWS]
        events = store.all("event")[:ROWS]
        endpoints = store.all("webhook_endpoint")
        customers = [c for c in store.all("customer") if not c.get("deleted")][:ROWS]
        prices = store.all("price")[:ROWS]
        products = {p["id"]: p for p in store.all("product") if not p.get("deleted")}
        log = webhooks.deliveries(store, limit=ROWS)
        mode = webhooks.get_mode(store)
        armed = faults.all_faults(store)
        now = store.now()
    stats = "".join(
        f'<div class="stat"><div class="n">{n}</div><div class="k">{h(name)}</div></div>' for name, n in counts.items()
    )
    sections = [
        f'<div class="stats">{stats}</div>',
        _table(
            "Checkout Sessions",
            ["Id", "Status", "Payment", "Total", "Customer e-mail", "Created"],
            [
                [
                    f'<a href="/c/pay/{h(s["id"])}"><code>{h(s["id"][:24])}…</code></a>',
                    _status(s["status"]),
                    _status(s["payment_status"]),
                    h(format_amount(s["amount_total"], s["currency"])),
                    h((s["customer_details"] or {}).get("email") or s["customer_email"] or "—"),
                    _time(s["created"]),
                ]
                for s in sessions
            ],
        ),
        _table(
            "Payments (charges)",
            ["Id", "Status", "Amount", "Refunded", "Card", "Created", ""],
            [
                [
                    f"<code>{h(c['id'])}</code>",
                    _status(c["status"]),
                    h(format_amount(c["amount"], c["currency"])),
                    h(format_amount(c["amount_refunded"], c["currency"])),
                    h("{brand} •••• {last4}".format(**c["payment_method_details"]["card"])),
                    _time(c["created"]),
                    _refund_button(c),
                ]
                for c in charges
            ],
        ),
        _table(
            "Refunds",
            ["Id", "Status", "Amount", "Charge", "Reason", "Created"],
            [
                [
                    f"<code>{h(r['id'])}</code>",
                    _status(r["status"]),
                    h(format_amount(r["amount"], r["currency"])),
                    f"<code>{h(r['charge'])}</code>",
                    h(r["reason"] or "—"),
                    _time(r["created"]),
                ]
                for r in refunds
            ],
        ),
        _table(
            "Disputes",
            ["Id", "Status", "Amount", "Charge", "Reason", "Answer by", ""],
            [
                [
                    f"<code>{h(d['id'])}</code>",
                    _status(d["status"]),
                    h(format_amount(d["amount"], d["currency"])),
                    f"<code>{h(d['charge'])}</code>",
                    h(d["reason"]),
                    _time(d["evidence_details"]["due_by"]),
                    _dispute_buttons(d),
                ]
                for d in dispute_rows
            ],
        ),
        _table(
            "Events",
            ["Id", "Type", "Pending webhooks", "Created", ""],
            [
                [
                    f"<code>{h(e['id'])}</code>",
                    h(e["type"]),
                    str(e["pending_webhooks"]),
                    _time(e["created"]),
                    f'<form class="inline-form" method="post" action="/_emulator/events/{h(e["id"])}/resend">'
                    '<button class="small-button" type="submit">Resend</button></form>',
                ]
                for e in events
            ],
        ),
        _table(
            "Webhook deliveries",
            ["Event", "Type", "Endpoint", "Status", "Attempts", "Last response", "Next attempt"],
            [
                [
                    f"<code>{h(d['event_id'])}</code>",
                    h(d["event_type"]),
                    h(d["url"]),
                    _status(d["status"]),
                    str(d["attempts"]),
                    h(d["last_status_code"] or d["last_error"] or "—"),
                    _time(d["due_at"]) if d["status"] == "pending" else "—",
                ]
                for d in log
            ],
        ),
        _table(
            "Customers",
            ["Id", "E-mail", "Name", "Created"],
            [
                [f"<code>{h(c['id'])}</code>", h(c["email"] or "—"), h(c["name"] or "—"), _time(c["created"])]
                for c in customers
            ],
        ),
        _table(
            "Prices",
            ["Id", "Product", "Amount", "Lookup key", "Active"],
            [
                [
                    f"<code>{h(p['id'])}</code>",
                    h(products.get(p["product"], {}).get("name", p["product"])),
                    h(format_amount(p["unit_amount"], p["currency"])),
                    h(p["lookup_key"] or "—"),
                    _status("active" if p["active"] else "archived"),
                ]
                for p in prices
            ],
        ),
        _table(
            "Webhook endpoints",
            ["Id", "URL", "Events", "Status"],
            [
                [f"<code>{h(e['id'])}</code>", h(e["url"]), h(", ".join(e["enabled_events"])), _status(e["status"])]
                for e in endpoints
            ],
        ),
        _table(
            "Webhook mode and armed faults",
            ["Setting", "Value"],
            [[h(key), f"<code>{h(value)}</code>"] for key, value in mode.items()]
            + [
                [h(f"fault on {f['method'] or '*'} {f['path']}"), f"<code>{h(f['kind'])} × {h(f['remaining'])}</code>"]
                for f in armed
            ],
        ),
    ]
    header = (
        '<header class="dash-header"><h1>Stripe emulator</h1>'
        f'{test_mode_badge()}<span class="meta">Clock {h(_time(now))} UTC · API {h(emulator.url)}/v1</span></header>'
    )
    return html_response(
        page(
            "Stripe emulator dashboard",
            header + f'<main class="dash-main">{"".join(sections)}</main>',
            body_class="dashboard",
        )
    )
