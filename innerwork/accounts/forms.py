from django import forms

from innerwork.accounts.services import INVALID_TIME_ZONE
from innerwork.accounts.time_zones import time_zone_choices


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        required=False,
        help_text="Shown to your coaches and mentors and printed on your certificates.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    time_zone = forms.ChoiceField(
        label="Time zone",
        error_messages={"invalid_choice": INVALID_TIME_ZONE},
        widget=forms.Select(attrs={"data-time-zone-select": ""}),
    )

    def __init__(self, *args, current_time_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices(include=current_time_zone)


class SignupNameForm(forms.Form):
    """The name allauth's sign-up form asks for (ACCOUNT_SIGNUP_FORM_CLASS), optional.

    The site greets people by it ("Welcome back, Ada"); without one it falls back to the
    e-mail's local part, so nobody has to give a name to join.
    """

    full_name = forms.CharField(
        label="Your name",
        max_length=150,
        required=False,
        help_text="How we greet you; shown to your coaches and mentors and printed on your certificates.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["full_name", "email", "password1", "password2"]

    def signup(self, request, user) -> None:
        full_name = self.cleaned_data.get("full_name", "").strip()
        if full_name:
            user.full_name = full_name
            user.save(update_fields=["full_name"])
