"""One door per status: the outbox e-mail's door walked pair by pair, the shared helper, and no other writer.

The expected maps are written out here, not read from the models, so a change to a model's
TRANSITIONS has to be made on purpose in both places.
"""

import ast
import itertools
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from innerwork.accounts.tests.factories import StaffFactory
from innerwork.core.emails import outbox_email_set_status
from innerwork.core.models import OutboxEmail, StatusChange
from innerwork.core.status import TRANSITION_RACED, StatusTransitionError
from innerwork.core.tests.status_doors import changes_of, walk_pair

S = OutboxEmail.Status
OUTBOX_MOVES = {(S.PENDING, S.SENT), (S.PENDING, S.FAILED), (S.FAILED, S.PENDING)}


def _email(status: str) -> OutboxEmail:
    return OutboxEmail.objects.create(
        dedup_key=f"doors:{status}", kind="welcome", to=["a@example.com"], subject="Hi", body_text="Hi", status=status
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), list(itertools.product(S.values, repeat=2)))
def test_outbox_email_door_allows_exactly_its_map(from_status, to_status):
    # given an e-mail in `from_status`; when it is asked to move to `to_status`
    email = _email(from_status)

    # then the pairs of the map move once and are recorded, and every other pair (a repeat
    # included: a second "sent" would be a second copy) is refused and changes nothing
    walk_pair(
        row=email,
        door=lambda row, to: outbox_email_set_status(email=row, status=to),
        to_status=to_status,
        allowed=OUTBOX_MOVES,
        same_is_noop=False,
    )
    if (from_status, to_status) in OUTBOX_MOVES:  # and a move to sent says when
        assert (OutboxEmail.objects.get(pk=email.pk).sent_at is not None) == (to_status == S.SENT)


@pytest.mark.django_db
def test_a_move_from_a_status_the_row_no_longer_has_writes_nothing():
    # given two copies of a pending e-mail, and one of them is sent
    email = _email(S.PENDING)
    stale = OutboxEmail.objects.get(pk=email.pk)
    outbox_email_set_status(email=email, status=S.SENT)

    # when the stale copy (still "pending" in memory) is moved to failed
    with pytest.raises(StatusTransitionError) as raced:
        outbox_email_set_status(email=stale, status=S.FAILED)

    # then the row stays sent with its one record, and the caller's transaction is still usable
    assert str(raced.value) == TRANSITION_RACED.format(model="OutboxEmail", pk=email.pk, from_status="pending")
    assert OutboxEmail.objects.get(pk=email.pk).status == S.SENT
    assert changes_of(email) == [("pending", "sent")]


@pytest.mark.django_db
def test_a_move_is_recorded_with_its_reason_and_the_other_fields_written_with_it():
    # given a failed e-mail
    email = _email(S.FAILED)

    # when it is put back in the queue with its attempts reset
    outbox_email_set_status(email=email, status=S.PENDING, changes={"attempts": 0}, reason="Retried")

    # then the fields and the status were written together, and the record says why
    row = OutboxEmail.objects.get(pk=email.pk)
    assert (row.status, row.attempts) == (S.PENDING, 0)
    change = StatusChange.objects.get(subject_type="core.outboxemail", subject_id=str(email.pk))
    assert (change.from_status, change.to_status, change.reason, change.actor) == ("failed", "pending", "Retried", None)


@pytest.mark.django_db
def test_staff_read_the_moves_in_the_admin_and_cannot_change_them(client):
    # given a retried e-mail, and a member of staff
    email = _email(S.FAILED)
    outbox_email_set_status(email=email, status=S.PENDING, reason="Retried")
    change = StatusChange.objects.get(subject_id=str(email.pk))
    client.force_login(StaffFactory())

    # when they open the list and the record
    listing = client.get(reverse("admin:core_statuschange_changelist"), {"subject_type": "core.outboxemail"})
    detail = client.get(reverse("admin:core_statuschange_change", args=[change.pk]))

    # then they read it, and cannot add, edit or delete one
    assert listing.status_code == 200
    assert "Retried" in listing.content.decode()
    assert detail.status_code == 200
    assert 'name="to_status"' not in detail.content.decode()
    assert client.get(reverse("admin:core_statuschange_add")).status_code == 403
    assert client.get(reverse("admin:core_statuschange_delete", args=[change.pk])).status_code == 403


# --- No writer outside the doors ------------------------------------------------------------------

REPO = Path(settings.BASE_DIR)
STATUS_WRITES_TOOL = REPO.parent / "shared" / "tools" / "status_writes.py"
SCANNED = ("commerce", "courses", "innerwork", "mentorship", "coaching")
# dj-stripe's WebhookEndpoint has a status of its own ("enabled"), set when a local endpoint for the
# Stripe CLI is written; it is not one of our status machines.
NOT_OURS = {("commerce/stripe_gateway/webhooks.py", "webhook_endpoint_for_cli")}
# The functions that may assign `.status`: the shared helper and the doors that predate it.
DOORS = {"status_move", "order_set_status", "enrollment_set_status"}
# Documented creation paths that may create a row in a status other than its default.
CREATION_PATHS = {
    ("commerce/refunds/requests.py", "_open"),  # a request within the policy is created AUTOMATIC
    ("commerce/orders/services.py", "checkout_session_record"),  # a session first seen complete or expired
    ("courses/services.py", "enrollment_create"),  # Enrollment: created active, with its event
    ("courses/management/commands/seed_demo.py", "_learner_journey"),  # Enrollment demo data, with its events
    ("mentorship/demo.py", "_past_session"),  # a past demo appointment, created held (its first status) then moved
    ("mentorship/demo.py", "_recorded_order"),  # a past demo session's order, recorded paid (no Stripe payment)
    ("coaching/demo_contract.py", "_used_session"),  # a past demo coaching appointment, created held then moved
}


def _python_files():
    for root in SCANNED:
        for path in sorted((REPO / root).rglob("*.py")):
            parts = set(path.relative_to(REPO).parts)
            if "tests" in parts or "migrations" in parts or path.name.startswith("test_"):
                continue
            yield path


def _status_writes(tree: ast.AST):
    """(line, function, what) of every write of a `status` field the AST shows."""
    found = []

    def visit(node, func):
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else func
            if isinstance(child, ast.Assign | ast.AugAssign | ast.AnnAssign):
                targets = child.targets if isinstance(child, ast.Assign) else [child.target]
                if any(isinstance(t, ast.Attribute) and t.attr == "status" for t in targets):
                    found.append((child.lineno, func, "assign"))
            if isinstance(child, ast.Call):
                name = child.func.attr if isinstance(child.func, ast.Attribute) else getattr(child.func, "id", "")
                keywords = {kw.arg for kw in child.keywords}
                defaults = next((kw.value for kw in child.keywords if kw.arg == "defaults"), None)
                in_defaults = isinstance(defaults, ast.Dict) and any(
                    isinstance(key, ast.Constant) and key.value == "status" for key in defaults.keys
                )
                if name == "setattr" and len(child.args) > 1 and getattr(child.args[1], "value", None) == "status":
                    found.append((child.lineno, func, "assign"))
                elif name == "update" and "status" in keywords:
                    found.append((child.lineno, func, "update"))
                elif name in ("create", "get_or_create", "update_or_create") and ("status" in keywords or in_defaults):
                    found.append((child.lineno, func, "create"))
            visit(child, inner)

    visit(tree, None)
    return found


def test_no_code_outside_the_doors_writes_a_status():
    # given every module of the apps (tests and migrations aside)
    stray = []
    for path in _python_files():
        relative = path.relative_to(REPO).as_posix()
        for line, func, what in _status_writes(ast.parse(path.read_text())):
            # when a status is written: then only a door assigns it, and only a creation path creates it
            if (relative, func) in NOT_OURS or (what == "assign" and func in DOORS):
                continue
            if what == "create" and (relative, func) in CREATION_PATHS:
                continue
            stray.append(f"{relative}:{line} in {func} ({what})")
    assert stray == [], "\n".join(stray)


def test_the_shared_status_writes_tool_lists_nothing_of_ours():
    # given the team's tool, beside the repository (CI clones it with shared/ at the same place)
    assert STATUS_WRITES_TOOL.is_file(), f"{STATUS_WRITES_TOOL} is missing, so the check cannot run"

    # when it scans the apps
    result = subprocess.run(
        [sys.executable, str(STATUS_WRITES_TOOL), *SCANNED], cwd=REPO, capture_output=True, text=True, check=False
    )

    # then it lists at most the one status that is not ours
    assert result.returncode == 0, result.stderr
    listed = {(line.split(":")[0], line.rsplit(" in ", 1)[1]) for line in result.stdout.splitlines() if line.strip()}
    assert listed <= NOT_OURS, result.stdout
