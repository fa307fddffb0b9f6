from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from innerwork.accounts.forms import ProfileForm
from innerwork.accounts.selectors import account_security
from innerwork.accounts.services import user_update_profile

PROFILE_SAVED = "Your profile is saved."


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The account page: name and time zone, with links to e-mail, password and two-factor settings."""
    user = request.user
    form = ProfileForm(
        request.POST or None,
        current_time_zone=user.time_zone,
        initial={"full_name": user.full_name, "time_zone": user.time_zone},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user_update_profile(user=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, PROFILE_SAVED)
            return redirect("account_profile")
    return render(request, "account/profile.html", {"form": form, "security": account_security(user=user)})
