"""Keep each course's stored figures true, and retire cached pages, after every save and delete.

Stored figures (lessons, minutes, learners):

Lessons and modules are written by the admin (inlines, "delete selected"), enrollments by
the services and by commerce through them; tests and scripts save models directly. Hooking
the model signals covers all of them with one rule: whatever changed, recount the courses
it touched with `course_refresh_stats`. Bulk inserts and queryset updates send no signals;
their callers (seed_demo) refresh explicitly.

Cached pages (innerwork.core.page_cache): every write to the catalogue's tables (courses,
modules, lessons, categories) retires the "catalogue" scope at the database connection, so
bulk inserts, queryset updates and admin actions are covered too. A person's own data
(enrollments, progress, certificates, cart, wishlist, account) retires their scope through
the model signals below; writers that bypass signals for it must call
`page_cache.scopes_changed(user_scope(...))` themselves (the lesson view does, after
recording a visit).
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from courses.models import Category, Certificate, Course, Enrollment, Lesson, LessonProgress, Module
from courses.services import course_refresh_stats
from innerwork.core.page_cache import CATALOGUE, scopes_changed, user_scope, watch_tables

# Set in pre_save: the course a lesson or module belonged to before this save, so moving it
# to another course recounts both.
_PREVIOUS_COURSE = "_stats_previous_course_id"


def _lesson_course_id(module_id: int | None) -> int | None:
    return Module.objects.filter(pk=module_id).values_list("course_id", flat=True).first()


@receiver(pre_save, sender=Lesson)
def _remember_lesson_course(sender, instance: Lesson, raw=False, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        return
    previous = Lesson.objects.filter(pk=instance.pk).values_list("module__course_id", flat=True).first()
    setattr(instance, _PREVIOUS_COURSE, previous)


@receiver(post_save, sender=Lesson)
def _lesson_saved(sender, instance: Lesson, raw=False, **kwargs):
    if raw:
        return
    course_refresh_stats(course_ids=[_lesson_course_id(instance.module_id), getattr(instance, _PREVIOUS_COURSE, None)])


@receiver(post_delete, sender=Lesson)
def _lesson_deleted(sender, instance: Lesson, **kwargs):
    # When the lesson goes with its module or course, that row may be gone already: nothing to recount then.
    course_refresh_stats(course_ids=[_lesson_course_id(instance.module_id)])


@receiver(pre_save, sender=Module)
def _remember_module_course(sender, instance: Module, raw=False, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        return
    previous = Module.objects.filter(pk=instance.pk).values_list("course_id", flat=True).first()
    setattr(instance, _PREVIOUS_COURSE, previous)


@receiver(post_save, sender=Module)
def _module_saved(sender, instance: Module, created=False, raw=False, **kwargs):
    previous = getattr(instance, _PREVIOUS_COURSE, None)
    # A new module has no lessons yet, and renaming or reordering one changes no figure.
    if raw or created or previous in (None, instance.course_id):
        return
    course_refresh_stats(course_ids=[previous, instance.course_id])


@receiver(post_delete, sender=Module)
def _module_deleted(sender, instance: Module, **kwargs):
    course_refresh_stats(course_ids=[instance.course_id])


@receiver(post_save, sender=Enrollment)
def _enrollment_saved(sender, instance: Enrollment, created=False, update_fields=None, raw=False, **kwargs):
    # Only a new row or a status change can move the learner count; "last visited" saves are frequent.
    if raw or (not created and update_fields is not None and "status" not in update_fields):
        return
    course_refresh_stats(course_ids=[instance.course_id])


@receiver(post_delete, sender=Enrollment)
def _enrollment_deleted(sender, instance: Enrollment, **kwargs):
    course_refresh_stats(course_ids=[instance.course_id])


# --- Cached pages -----------------------------------------------------------------------

watch_tables(Category, Course, Module, Lesson, scope=CATALOGUE)


def _owner_of_enrollment(instance, enrollment_id: int) -> int | None:
    """The user of a progress row's or certificate's enrollment (no query when it is loaded)."""
    if type(instance).enrollment.is_cached(instance):
        return instance.enrollment.user_id
    return Enrollment.objects.filter(pk=enrollment_id).values_list("user_id", flat=True).first()


@receiver(post_save, sender=Enrollment)
@receiver(post_delete, sender=Enrollment)
def _enrollment_pages(sender, instance: Enrollment, **kwargs):
    scopes_changed(user_scope(instance.user_id))


@receiver(post_save, sender=LessonProgress)
@receiver(post_delete, sender=LessonProgress)
@receiver(post_save, sender=Certificate)
@receiver(post_delete, sender=Certificate)
def _learning_pages(sender, instance, **kwargs):
    # Deleted along with its enrollment, the owner may be gone already; the enrollment retires them then.
    owner = _owner_of_enrollment(instance, instance.enrollment_id)
    scopes_changed(user_scope(owner) if owner else None)


@receiver(post_save, sender=get_user_model())
def _account_pages(sender, instance, update_fields=None, raw=False, **kwargs):
    # Logging in only stamps last_login, which no page shows.
    if raw or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    teaches = Course.objects.filter(instructor_id=instance.pk).exists()
    scopes_changed(user_scope(instance.pk), CATALOGUE if teaches else None)


@receiver(post_delete, sender=get_user_model())
def _account_deleted(sender, instance, **kwargs):
    scopes_changed(user_scope(instance.pk))
