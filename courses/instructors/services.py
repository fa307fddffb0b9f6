"""Writes of instructor profiles: create one when needed, and let its owner edit it."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from courses.models import InstructorProfile

SLUG_MAX_TRIES = 50
FALLBACK_SLUG = "instructor"


def _slug_base(user) -> str:
    name = user.full_name or user.email.split("@")[0]
    return (slugify(name) or FALLBACK_SLUG)[:70]


def instructor_profile_ensure(*, user) -> InstructorProfile:
    """The user's instructor profile, created now if they have none.

    Guarantees: at most one profile per user (one-to-one) and unique slugs ("amara-okafor",
    then "amara-okafor-2", …). Safe to call again and concurrently: a racing creation of the
    same user's profile or of the same slug is caught and the existing row is used or the
    next slug tried.
    """
    existing = InstructorProfile.objects.filter(user=user).first()
    if existing is not None:
        return existing
    base = _slug_base(user)
    taken = set(InstructorProfile.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    for n in range(1, SLUG_MAX_TRIES + 1):
        slug = base if n == 1 else f"{base}-{n}"
        if slug in taken:
            continue
        try:
            with transaction.atomic():
                return InstructorProfile.objects.create(user=user, slug=slug)
        except IntegrityError:
            existing = InstructorProfile.objects.filter(user=user).first()
            if existing is not None:
                return existing
    return InstructorProfile.objects.create(user=user, slug=f"{base}-{user.pk}")


def instructor_profile_update(*, profile: InstructorProfile, data: dict) -> InstructorProfile:
    """Save the fields the instructor edited (already validated by the edit form).

    The slug and the user never change here: links to the page keep working.
    """
    editable = ("headline", "bio", "photo", "website_url", "linkedin_url", "youtube_url")
    for name in editable:
        if name in data:
            # save_form_data, as ModelForm does: a cleared photo (False) empties the field.
            profile._meta.get_field(name).save_form_data(profile, data[name])
    profile.full_clean()
    profile.save()
    return profile
