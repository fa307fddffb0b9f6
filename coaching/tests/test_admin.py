"""Coaching in the staff console: what each role sees and may do (tables), approving and deactivating coaches
from the console with a reason, and the conversation kept as a read-only record."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from coaching.conversation import proposal_accept
from coaching.models import CoachProfile
from coaching.tests.factories import CoachProfileFactory, ProposalFactory, SpecialtyFactory
from commerce.tests.admin_fixtures import client_for, staff_in
from innerwork.core.models import StaffAction

pytestmark = pytest.mark.django_db

COACHES = "admin:coaching_coachprofile_changelist"


@pytest.fixture
def records():
    """A pending coach, and a proposal accepted into a contract (so every kind of row exists)."""
    proposal = ProposalFactory(title="Leading your first team")
    contract = proposal_accept(proposal=proposal, student=proposal.student)
    return {
        "pending": CoachProfileFactory(status=CoachProfile.Status.PENDING, approved_at=None),
        "proposal": proposal,
        "contract": contract,
        "specialty": SpecialtyFactory(slug="leadership"),
    }


PAGES = {
    "coaches": lambda r: reverse(COACHES),
    "coach": lambda r: reverse("admin:coaching_coachprofile_change", args=[r["pending"].pk]),
    "specialties": lambda r: reverse("admin:coaching_specialty_changelist"),
    "inquiries": lambda r: reverse("admin:coaching_inquiry_changelist"),
    "inquiry": lambda r: reverse("admin:coaching_inquiry_change", args=[r["proposal"].inquiry_id]),
    "proposals": lambda r: reverse("admin:coaching_proposal_changelist"),
    "proposal": lambda r: reverse("admin:coaching_proposal_change", args=[r["proposal"].pk]),
}
#                Support, Finance, Marketing, Admin
SEES = {
    "coaches": (200, 200, 403, 200),
    "coach": (200, 200, 403, 200),
    "specialties": (200, 200, 403, 200),
    "inquiries": (200, 200, 403, 200),
    "inquiry": (200, 200, 403, 200),
    "proposals": (200, 200, 403, 200),
    "proposal": (200, 200, 403, 200),
}
ROLES = ("Support", "Finance", "Marketing", "Admin")


@pytest.mark.parametrize("page", PAGES)
def test_what_each_role_sees(page, records):
    url = PAGES[page](records)
    for role, expected in zip(ROLES, SEES[page], strict=True):
        assert client_for(staff_in(role)).get(url).status_code == expected, (page, role)


@pytest.mark.parametrize(
    ("role", "permissions"),
    [
        (
            "Support",
            {"view_contract": True, "cancel_contract": False, "approve_coach": False, "change_coachprofile": False},
        ),
        (
            "Finance",
            {"view_contract": True, "cancel_contract": True, "approve_coach": False, "change_coachprofile": False},
        ),
        ("Marketing", {"view_contract": False, "cancel_contract": False, "approve_coach": False}),
        ("Admin", {"view_contract": True, "cancel_contract": True, "approve_coach": True, "change_coachprofile": True}),
    ],
)
def test_the_roles_migration_gives_each_role_its_coaching_rights(role, permissions):
    member = staff_in(role)
    for codename, expected in permissions.items():
        assert member.has_perm(f"coaching.{codename}") is expected, (role, codename)
    assert Group.objects.filter(name=role).exists()


@pytest.mark.parametrize(("role", "offered"), [("Support", False), ("Finance", False), ("Admin", True)])
def test_only_admins_are_offered_approve_and_deactivate(role, offered, records):
    listing = client_for(staff_in(role)).get(reverse(COACHES)).content.decode()
    assert ("approve_selected" in listing) is offered
    assert ("deactivate_selected" in listing) is offered


def _act(client, action, coaches, reason=""):
    chosen = {"action": action, "_selected_action": [str(coach.pk) for coach in coaches]}
    client.post(reverse(COACHES), chosen)  # the page asking for the reason
    return client.post(reverse(COACHES), {**chosen, "apply": "1", "reason": reason})


def test_an_admin_approves_then_deactivates_from_the_console_and_both_are_audited(records):
    admin = staff_in("Admin")
    client = client_for(admin)
    coach = records["pending"]
    asked = client.post(reverse(COACHES), {"action": "approve_selected", "_selected_action": [str(coach.pk)]})
    assert "Approve coach profiles" in asked.content.decode()
    _act(client, "approve_selected", [coach])
    coach.refresh_from_db()
    assert coach.status == CoachProfile.Status.APPROVED
    _act(client, "deactivate_selected", [coach], reason="")  # a reason is required: nothing happens
    coach.refresh_from_db()
    assert coach.status == CoachProfile.Status.APPROVED
    _act(client, "deactivate_selected", [coach], reason="Asked to leave")
    coach.refresh_from_db()
    assert coach.status == CoachProfile.Status.DEACTIVATED
    assert list(StaffAction.objects.filter(actor=admin).order_by("id").values_list("action", flat=True)) == [
        "coach.approve",
        "coach.deactivate",
    ]


def test_support_posting_the_approve_action_changes_nothing(records):
    _act(client_for(staff_in("Support")), "approve_selected", [records["pending"]])
    records["pending"].refresh_from_db()
    assert records["pending"].status == CoachProfile.Status.PENDING
    assert not StaffAction.objects.exists()


def test_proposals_and_threads_are_records_with_their_terms_and_messages(records):
    client = client_for(staff_in("Admin"))
    proposal = records["proposal"]
    page = client.get(reverse("admin:coaching_proposal_change", args=[proposal.pk])).content.decode()
    assert "$900.00" in page
    assert 'name="_save"' not in page
    thread = client.get(reverse("admin:coaching_inquiry_change", args=[proposal.inquiry_id])).content.decode()
    assert proposal.number in thread
    assert records["contract"].number in thread  # the automatic message of the acceptance
    filtered = client.get(reverse("admin:coaching_proposal_changelist"), {"status__exact": "sent"}).content.decode()
    assert proposal.number not in filtered
