"""The queries every API request makes read what they need through an index, not every object ever made.

Before each request the emulator expires the sessions that are due, and a session's totals read its line
items. Both once read every session (or every line item) the emulator held, so a long-lived emulator (a test
worker's, a benchmark's) grew slower with each session made. SQLite's own query plan is the check.
"""

from types import SimpleNamespace

import pytest

from stripe_emulator.api.checkout import expire_due
from stripe_emulator.context import Ctx
from stripe_emulator.storage import Store


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path)
    yield store
    store.close()


def _plans_of(store: Store, work) -> list[str]:
    """SQLite's plan for every SELECT on `objects` that `work()` runs."""
    statements: list[str] = []
    store.db.set_trace_callback(statements.append)
    try:
        work()
    finally:
        store.db.set_trace_callback(None)
    selects = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT") and "objects" in sql]
    assert selects, statements
    return [" / ".join(row["detail"] for row in store.db.execute("EXPLAIN QUERY PLAN " + sql)) for sql in selects]


def test_expiring_due_sessions_searches_the_open_ones_by_expiry(store):
    # given sessions closed and open, due and not
    now = store.now()
    for n, (status, expires_at) in enumerate([("complete", now - 5), ("expired", now - 5), ("open", now + 600)]):
        store.insert("checkout.session", {"id": f"cs_{n}", "status": status, "expires_at": expires_at, "created": n})
    # when the emulator looks for sessions to expire (before every request)
    plans = _plans_of(store, lambda: expire_due(Ctx(SimpleNamespace(store=store))))
    # then it searches the index of open objects by type and expiry, and finds none due
    assert plans == ["SEARCH objects USING INDEX objects_open_expiry (type=? AND <expr><?)"]
    assert store.get("checkout.session", "cs_2")["status"] == "open"


def test_a_sessions_line_items_are_searched_by_parent_in_creation_order(store):
    # given two sessions' line items
    for n in range(4):
        item = {"id": f"li_{n}", "created": n, "quantity": 1}
        store.insert("item", item, parent=f"cs_{n % 2}")
    # when one session's items are read, oldest first
    items = []
    plans = _plans_of(store, lambda: items.extend(store.all("item", parent="cs_1", oldest_first=True)))
    # then only its own are read, in order, without a sort
    assert [item["id"] for item in items] == ["li_1", "li_3"]
    assert plans == ["SEARCH objects USING INDEX objects_parent_type_created (parent=? AND type=?)"]
