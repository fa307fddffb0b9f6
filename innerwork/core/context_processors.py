"""Template context for every page: the site's name, and which work areas the header links to."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.functional import cached_property

# The user's profiles that open a work area, by the header's name for each: their reverse one-to-ones on the
# user. Read through the relation names, so the platform imports no product app (each profile model says
# itself whether its area is open, `has_area`).
AREA_PROFILES = {"mentor": "mentor_profile", "coach": "coach_profile"}


def site(request):
    return {"SITE_NAME": "InnerWork", "SITE_URL": settings.SITE_URL, "DEBUG": settings.DEBUG}


class WorkAreas:
    """`work_areas.mentor`, `work_areas.coach`: whether the signed-in user has that area.

    Asked only when a template renders the nav for a signed-in user; then one query for every area (the
    user row joined to each profile), cached for the request. Anonymous visitors cost nothing.
    """

    def __init__(self, request):
        self._request = request

    @cached_property
    def _open(self) -> dict[str, bool]:
        user = getattr(self._request, "user", None)
        if not getattr(user, "is_authenticated", False):
            return dict.fromkeys(AREA_PROFILES, False)
        # request.user is a lazy wrapper, so the model is asked for by name, not by the object's type.
        row = get_user_model()._default_manager.select_related(*AREA_PROFILES.values()).get(pk=user.pk)
        open_ = {}
        for area, relation in AREA_PROFILES.items():
            profile = getattr(row, relation, None)  # None when the user has no such profile
            open_[area] = bool(profile and profile.has_area)
        return open_

    def __getitem__(self, area: str) -> bool:
        return self._open[area]


def work_areas(request):
    return {"work_areas": WorkAreas(request)}
