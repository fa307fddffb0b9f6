"""The staff console's home: our own work first, named once each, and Stripe's mirror tables folded away.

Django's admin lists every app alphabetically under its own verbose name, which buries the console:
dj-stripe's ~40 mirror tables sit between our apps, and allauth's `account` app and ours are both
called "Accounts". This site orders the sections (CONSOLE_ORDER, then anything new, alphabetically),
names allauth's apps for what they hold, and shows the Stripe mirror only to the people whose work
needs it (the Finance and Admin roles, and superusers), last, under one heading the home page folds
into a <details> element (no script: the console runs under the site's CSP).
"""

from __future__ import annotations

from django.contrib import admin

STRIPE_MIRROR_APP = "djstripe"
STRIPE_MIRROR_ROLES = ("Finance", "Admin")  # groups made by commerce/migrations/0004_staff_roles
STRIPE_MIRROR_NAME = "Stripe mirror (dj-stripe)"

# Our apps in the order staff use them, then the sign-in and permission plumbing.
CONSOLE_ORDER = (
    "commerce",
    "courses",
    "coaching",
    "mentorship",
    "scheduling",
    "api",
    "core",
    "accounts",
    "account",
    "mfa",
    "auth",
    "sites",
)
# Apps whose own verbose name says too little here (allauth's "Accounts" beside ours).
CONSOLE_NAMES = {
    "account": "Sign-in e-mail addresses",
    "mfa": "Sign-in two-factor (MFA)",
    "auth": "Staff roles and permissions",
}


def may_see_stripe_mirror(user) -> bool:
    """Superusers and the Finance and Admin roles; one query, and only for staff who can read a mirror table."""
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=STRIPE_MIRROR_ROLES).exists()


def _position(app: dict) -> tuple:
    label = app["app_label"]
    if label == STRIPE_MIRROR_APP:
        return (2, 0, "")
    if label in CONSOLE_ORDER:
        return (0, CONSOLE_ORDER.index(label), "")
    return (1, 0, str(app["name"]).lower())


class StaffConsoleSite(admin.AdminSite):
    site_header = "InnerWork staff console"
    site_title = "InnerWork staff"
    index_title = "Run the business"

    def get_app_list(self, request, app_label=None):
        """Every app the user may see, in console order and name; the Stripe mirror last, for its roles only."""
        app_list = super().get_app_list(request, app_label)
        if any(app["app_label"] == STRIPE_MIRROR_APP for app in app_list) and not may_see_stripe_mirror(request.user):
            app_list = [app for app in app_list if app["app_label"] != STRIPE_MIRROR_APP]
        for app in app_list:
            app["name"] = (
                STRIPE_MIRROR_NAME
                if app["app_label"] == STRIPE_MIRROR_APP
                else CONSOLE_NAMES.get(app["app_label"], app["name"])
            )
        return sorted(app_list, key=_position)

    def index(self, request, extra_context=None):
        """The home page lists our sections, then the Stripe mirror apart (templates/admin/index.html folds it)."""
        app_list = self.get_app_list(request)
        context = {
            "app_list": [app for app in app_list if app["app_label"] != STRIPE_MIRROR_APP],
            "stripe_mirror": [app for app in app_list if app["app_label"] == STRIPE_MIRROR_APP],
            **(extra_context or {}),
        }
        return super().index(request, context)
