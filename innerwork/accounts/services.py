"""Writes to a person's own account. allauth owns e-mail addresses and passwords."""

from django.core.exceptions import ValidationError
from django.db import transaction

from innerwork.accounts.models import User
from innerwork.accounts.time_zones import is_valid_time_zone

INVALID_TIME_ZONE = "Choose a time zone from the list."
FULL_NAME_TOO_LONG = "Keep your name under 150 characters."


@transaction.atomic
def user_update_profile(*, user: User, full_name: str, time_zone: str) -> User:
    """Set the display name and the time zone every date is shown in.

    Guarantees: the time zone is a known IANA name (otherwise `ValidationError`
    with INVALID_TIME_ZONE on "time_zone", and nothing is saved); surrounding
    blanks are trimmed from the name; only these two columns are written, so a
    concurrent e-mail or password change is never overwritten.
    """
    full_name = " ".join(full_name.split())
    errors = {}
    if not is_valid_time_zone(time_zone):
        errors["time_zone"] = INVALID_TIME_ZONE
    if len(full_name) > User._meta.get_field("full_name").max_length:
        errors["full_name"] = FULL_NAME_TOO_LONG
    if errors:
        raise ValidationError(errors)
    user.full_name = full_name
    user.time_zone = time_zone
    user.save(update_fields=["full_name", "time_zone"])
    return user
