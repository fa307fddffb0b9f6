"""Which cached pages each write in mentorship makes stale (see innerwork.core.page_cache).

A mentor's page shows their profile, expertise, languages, rates and name: every write to those
tables, by any code path, retires MENTORS, and so does a change to the account of somebody who
mentors (their name). Their free times are scheduling's (SCHEDULES).
"""

from django.contrib.auth import get_user_model

from innerwork.core.page_cache import watch, watch_tables
from mentorship.models import Expertise, Language, MentorProfile

MENTORS = "mentors"


def _mentors_if_mentoring(user) -> str | None:
    return MENTORS if MentorProfile.objects.filter(user_id=user.pk).exists() else None


watch_tables(
    MentorProfile,
    Expertise,
    Language,
    MentorProfile.expertise.through,
    MentorProfile.languages.through,
    scope=MENTORS,
)
# Logging in only stamps last_login, which no page shows.
watch(get_user_model(), scopes=_mentors_if_mentoring, ignore_fields={"last_login"})
