"""Test helpers for reading what the outbox sent (shared with the browser journeys)."""

import re

from innerwork.core.models import OutboxEmail

_URL = re.compile(r"https?://[^\s<>\"']+")


def outbox_latest(*, to: str, kind: str) -> OutboxEmail:
    """The newest outbox row of this kind addressed to `to` (fails the test if there is none)."""
    email = OutboxEmail.objects.filter(to__contains=[to], kind=kind).order_by("-created_at", "-pk").first()
    assert email is not None, f"no {kind!r} e-mail to {to} in the outbox"
    return email


def outbox_link(*, to: str, kind: str, containing: str = "/accounts/") -> str:
    """The first link in the text body of the newest `kind` e-mail to `to` whose URL contains `containing`."""
    body = outbox_latest(to=to, kind=kind).body_text
    links = [url for url in _URL.findall(body) if containing in url]
    assert links, f"no link containing {containing!r} in the {kind!r} e-mail to {to}"
    return links[0]
