"""Keep each course's stored figures (lessons, minutes, learners) and search vector true after every save and delete.

Lessons and modules are written by the admin (inlines, "delete selected"), enrollments by
the services and by commerce through them; tests and scripts save models directly. Hooking
the model signals covers all of them with one rule: whatever changed, recount the courses
it touched with `course_refresh_stats`. Bulk inserts and queryset updates send no signals;
their callers (seed_demo) refresh explicitly. Enrollments go through `course_learners_changed`,
which a purchase defers until it commits (courses/figures.py: no buyer queues on the course row).
Reviews recount the rating after they commit (`course_reviews_changed`); an enrollment that is
refunded or revoked recounts it with the learners, since its review stops counting.
A course names its instructor: they get their public profile then (`instructor_profile_ensure`).

The search vector (courses/search_index.py) follows the same lesson and module writes, plus what
only it reads: a course's own text, its category's name and its instructor's name.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from courses.figures import course_learners_changed, course_reviews_changed
from courses.instructors.services import instructor_profile_ensure
from courses.models import Category, Course, Enrollment, InstructorProfile, Lesson, Module, Review
from courses.search_index import course_refresh_search
from courses.services import course_refresh_stats
from innerwork.accounts.models import User

# Set in pre_save: the course a lesson or module belonged to before this save, so moving it
# to another course recounts both.
_PREVIOUS_COURSE = "_stats_previous_course_id"


def _lesson_course_id(module_id: int | None) -> int | None:
    return Module.objects.filter(pk=module_id).values_list("course_id", flat=True).first()


def _syllabus_changed(course_ids: list[int | None]) -> None:
    """Lessons were added, renamed, moved or removed: both the figures and the lesson titles searched change."""
    course_refresh_stats(course_ids=course_ids)
    course_refresh_search(course_ids=course_ids)


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
    _syllabus_changed([_lesson_course_id(instance.module_id), getattr(instance, _PREVIOUS_COURSE, None)])


@receiver(post_delete, sender=Lesson)
def _lesson_deleted(sender, instance: Lesson, **kwargs):
    # When the lesson goes with its module or course, that row may be gone already: nothing to recount then.
    _syllabus_changed([_lesson_course_id(instance.module_id)])


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
    _syllabus_changed([previous, instance.course_id])


@receiver(post_delete, sender=Module)
def _module_deleted(sender, instance: Module, **kwargs):
    _syllabus_changed([instance.course_id])


@receiver(post_save, sender=Course)
def _course_text_saved(sender, instance: Course, raw=False, **kwargs):
    if raw:
        return
    course_refresh_search(course_ids=[instance.pk])


@receiver(post_save, sender=Category)
def _category_saved(sender, instance: Category, created=False, raw=False, **kwargs):
    # A new category has no courses yet.
    if raw or created:
        return
    course_refresh_search(course_ids=Course.objects.filter(category_id=instance.pk).values_list("pk", flat=True))


@receiver(post_save, sender=User)
def _person_saved(sender, instance: User, created=False, update_fields=None, raw=False, **kwargs):
    # Somebody new teaches nothing yet, and most account saves (last login, time zone) leave the name alone.
    if raw or created or (update_fields is not None and "full_name" not in update_fields):
        return
    course_refresh_search(course_ids=Course.objects.filter(instructor_id=instance.pk).values_list("pk", flat=True))


@receiver(post_save, sender=Enrollment)
def _enrollment_saved(sender, instance: Enrollment, created=False, update_fields=None, raw=False, **kwargs):
    # Only a new row or a status change can move the learner count; "last visited" saves are frequent.
    if raw or (not created and update_fields is not None and "status" not in update_fields):
        return
    course_learners_changed(course_ids=[instance.course_id])


@receiver(post_delete, sender=Enrollment)
def _enrollment_deleted(sender, instance: Enrollment, **kwargs):
    course_learners_changed(course_ids=[instance.course_id])


@receiver(post_save, sender=Review)
def _review_saved(sender, instance: Review, raw=False, **kwargs):
    if raw:
        return
    course_reviews_changed(course_ids=[instance.course_id])


@receiver(post_delete, sender=Review)
def _review_deleted(sender, instance: Review, **kwargs):
    course_reviews_changed(course_ids=[instance.course_id])


@receiver(post_save, sender=Course)
def _course_instructor_named(sender, instance: Course, raw=False, **kwargs):
    # One indexed read per course save; the instructor's row is loaded only when a page must be made.
    if raw or InstructorProfile.objects.filter(user_id=instance.instructor_id).exists():
        return
    instructor_profile_ensure(user=instance.instructor)
