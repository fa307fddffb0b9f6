"""The staff console's home page: our sections first, each named once, Stripe's mirror folded and only for its roles."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from commerce.tests.admin_fixtures import client_for, staff_in
from innerwork.accounts.tests.factories import StaffFactory, UserFactory
from innerwork.core.admin_site import STRIPE_MIRROR_NAME

pytestmark = pytest.mark.django_db

HOME = reverse("admin:index")


def section_names(html: str) -> list[str]:
    """The caption of each app section, in page order (Django's app_list.html captions)."""
    return re.findall(r'<caption>\s*<a href="[^"]*" class="section" title="[^"]*">([^<]+)</a>', html)


def folded_part(html: str) -> str:
    match = re.search(r"<details class=\"iw-stripe-mirror\" data-stripe-mirror>(.*?)</details>", html, re.S)
    return match.group(1) if match else ""


def test_a_superuser_sees_our_sections_first_in_console_order_each_name_once():
    html = client_for(StaffFactory(is_superuser=True)).get(HOME).content.decode()

    names = section_names(html)
    assert names[:7] == ["Commerce", "Courses", "Coaching", "Mentorship", "Scheduling", "Partner API", "Core"]
    assert names[7:10] == ["Accounts", "Sign-in e-mail addresses", "Sign-in two-factor (MFA)"]
    assert "Staff roles and permissions" in names
    assert len(names) == len(set(names))  # no two sections with the same heading
    assert names[-1] == STRIPE_MIRROR_NAME
    assert "Djstripe" not in html


def test_the_stripe_mirror_tables_sit_folded_under_one_heading():
    html = client_for(StaffFactory(is_superuser=True)).get(HOME).content.decode()

    folded = folded_part(html)
    assert "<summary" in folded
    assert reverse("admin:djstripe_webhookeventtrigger_changelist") in folded
    assert reverse("admin:djstripe_customer_changelist") in folded
    before_fold = html.split("<details", 1)[0]
    assert "/admin/djstripe/" not in before_fold.split('id="content-main"', 1)[1]
    assert " open" not in re.search(r"<details[^>]*>", html).group(0)  # closed until clicked


@pytest.mark.parametrize(
    ("role", "sees_mirror"),
    [("Finance", True), ("Admin", True), ("Support", False), ("Marketing", False)],
)
def test_only_finance_and_admin_see_the_stripe_mirror(role, sees_mirror):
    html = client_for(staff_in(role)).get(HOME).content.decode()

    assert bool(folded_part(html)) is sees_mirror
    assert (reverse("admin:djstripe_event_changelist") in html) is sees_mirror


def test_staff_given_a_mirror_table_outside_the_roles_do_not_get_the_section():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_event", content_type__app_label="djstripe"),
        Permission.objects.get(codename="view_order", content_type__app_label="commerce"),
    )

    html = client_for(user).get(HOME).content.decode()

    assert "Commerce" in section_names(html)
    assert STRIPE_MIRROR_NAME not in html


def test_other_console_pages_list_the_apps_in_the_same_order():
    response = client_for(StaffFactory(is_superuser=True)).get(reverse("admin:commerce_order_changelist"))

    labels = [app["app_label"] for app in response.context["available_apps"]]
    assert labels[:3] == ["commerce", "courses", "coaching"]
    assert labels[-1] == "djstripe"
