"""Staff sign in to the admin through allauth, and use two-factor authentication (TOTP) when DEBUG is off.

`StaffAdminMiddleware` (after authentication and allauth's middleware):
- the admin's own login page sends people to allauth's login, keeping `?next=`, so staff get
  allauth's rate limits, e-mail verification and the two-factor step;
- with DEBUG off, a signed-in staff member without a TOTP authenticator who opens any admin page
  is sent to allauth's "set up two-factor" page first.
"""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

MFA_REQUIRED = "Staff accounts need two-factor authentication. Set it up here, then open the staff console again."


def staff_needs_mfa(user) -> bool:
    """Whether this user must set up TOTP before reaching the admin (staff, DEBUG off, none yet).

    settings.STAFF_MFA_REQUIRED is `not DEBUG` as the process started (see settings).
    """
    if settings.DEBUG or not settings.STAFF_MFA_REQUIRED or not (user.is_authenticated and user.is_staff):
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class StaffAdminMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        admin_root = reverse("admin:index")
        if request.path == reverse("admin:login"):
            return self._to_allauth_login(request, admin_root)
        if request.path.startswith(admin_root) and staff_needs_mfa(request.user):
            messages.warning(request, MFA_REQUIRED)
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _to_allauth_login(request, admin_root: str) -> HttpResponseRedirect:
        target = request.GET.get("next") or admin_root
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = admin_root
        return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': target})}")
