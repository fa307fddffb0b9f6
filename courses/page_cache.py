"""Which cached pages each write in courses makes stale (see innerwork.core.page_cache).

- The catalogue (courses, modules, lessons, categories) is on everybody's pages: every
  write to its tables, by any code path (admin bulk actions, seed_demo's bulk inserts,
  `course_refresh_stats`' queryset update), retires CATALOGUE.
- A learner's enrollments, lesson progress and certificates are on their own pages only:
  each save or delete retires that learner's scope. `enrollment_record_visit` writes an
  enrollment with a queryset update (no signal) and reports it with `instance_changed`.
- Reviews and instructor profiles are on course pages, cards and instructor pages, which
  everybody sees: every write to their tables retires CATALOGUE.
- Exercises and their options are catalogue content (the dashboard counts a course's questions);
  a learner's attempts and reflections are their own (the dashboard counts questions passed).
- An instructor's name is on catalogue and course pages: a change to the account of
  somebody who teaches retires CATALOGUE. (The account's own scope is retired by
  innerwork/accounts/page_cache.py.)
"""

from django.contrib.auth import get_user_model

from courses.models import (
    Category,
    Certificate,
    Course,
    Enrollment,
    Exercise,
    ExerciseAttempt,
    ExerciseOption,
    InstructorProfile,
    Lesson,
    LessonProgress,
    LessonResource,
    LessonVideo,
    Module,
    Reflection,
    Review,
)
from innerwork.core.page_cache import CATALOGUE, user_scope, watch, watch_tables


def _learner(row: LessonProgress | Certificate | ExerciseAttempt | Reflection) -> str | None:
    """The scope of the learner whose enrollment the row belongs to (no query when it is loaded)."""
    if type(row).enrollment.is_cached(row):
        return user_scope(row.enrollment.user_id)
    owner = Enrollment.objects.filter(pk=row.enrollment_id).values_list("user_id", flat=True).first()
    # Deleted along with its enrollment, the owner may be gone already; the enrollment retires them then.
    return user_scope(owner) if owner else None


def _catalogue_if_teaching(user) -> str | None:
    return CATALOGUE if Course.objects.filter(instructor_id=user.pk).exists() else None


watch_tables(
    Category,
    Course,
    Module,
    Lesson,
    LessonVideo,
    LessonResource,
    Exercise,
    ExerciseOption,
    Review,
    InstructorProfile,
    scope=CATALOGUE,
)
watch(Enrollment, scopes=lambda enrollment: user_scope(enrollment.user_id))
watch(LessonProgress, scopes=_learner)
watch(Certificate, scopes=_learner)
watch(ExerciseAttempt, scopes=_learner)
watch(Reflection, scopes=_learner)
# Logging in only stamps last_login, which no page shows.
watch(get_user_model(), scopes=_catalogue_if_teaching, ignore_fields={"last_login"})
