"""Reads for learners: enrollments, course outlines with completion, resume targets, dashboard figures.

Progress is always computed from LessonProgress rows over the course's current lesson
count; it is never stored. Every function runs a fixed number of queries, whatever the
number of lessons or enrollments.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from courses.exercises.selectors import exercises_passed_per_enrollment, exercises_total_per_enrollment
from courses.models import Category, Certificate, Course, Enrollment, Lesson, LessonProgress, Module
from innerwork.accounts.models import User

# Dashboard status filter: querystring value → enrollment status.
DASHBOARD_STATUS_FILTERS = {
    "in-progress": Enrollment.Status.ACTIVE,
    "completed": Enrollment.Status.COMPLETED,
}
CHART_WEEKS = 12


def progress_percent(*, done: int, total: int) -> int:
    """Whole percent, rounded down, so 100 means every lesson is done."""
    if total <= 0:
        return 0
    return min(100, done * 100 // total)


def enrollment_for(*, user: User, course: Course) -> Enrollment | None:
    """The user's enrollment in the course (any status), with its certificate; None for anonymous users."""
    if not user.is_authenticated:
        return None
    return Enrollment.objects.select_related("certificate").filter(user=user, course=course).first()


def certificate_for_download(*, user: User, course_slug: str) -> Certificate | None:
    """The valid certificate of the user's completed enrollment in the course, or None."""
    return (
        Certificate.objects.select_related("enrollment__course")
        .filter(
            enrollment__user=user,
            enrollment__course__slug=course_slug,
            enrollment__status=Enrollment.Status.COMPLETED,
            is_valid=True,
        )
        .first()
    )


def certificate_by_code(*, code: str) -> Certificate | None:
    """A certificate by its verification code (case-insensitive, surrounding spaces ignored), or None."""
    return Certificate.objects.select_related("enrollment__course").filter(code=code.strip().upper()).first()


@dataclass(frozen=True)
class OutlineLesson:
    lesson: Lesson  # loaded without its body
    number: int  # 1-based, across the whole course
    is_complete: bool


@dataclass
class OutlineModule:
    module: Module
    lessons: list[OutlineLesson] = field(default_factory=list)


@dataclass
class Outline:
    """A course's lessons in reading order, with the learner's completion of each."""

    modules: list[OutlineModule]
    lessons: list[OutlineLesson]

    def __post_init__(self):
        self._index = {item.lesson.pk: i for i, item in enumerate(self.lessons)}

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def done(self) -> int:
        return sum(item.is_complete for item in self.lessons)

    @property
    def percent(self) -> int:
        return progress_percent(done=self.done, total=self.total)

    @property
    def total_minutes(self) -> int:
        return sum(item.lesson.duration_minutes for item in self.lessons)

    def get(self, lesson_id: int) -> OutlineLesson | None:
        index = self._index.get(lesson_id)
        return None if index is None else self.lessons[index]

    def previous(self, lesson_id: int) -> Lesson | None:
        index = self._index.get(lesson_id)
        return self.lessons[index - 1].lesson if index else None

    def next(self, lesson_id: int) -> Lesson | None:
        index = self._index.get(lesson_id)
        if index is None or index + 1 >= len(self.lessons):
            return None
        return self.lessons[index + 1].lesson

    def first_incomplete(self, *, after: int | None = None) -> Lesson | None:
        start = 0 if after is None else self._index.get(after, -1) + 1
        for item in self.lessons[start:]:
            if not item.is_complete:
                return item.lesson
        return None


def course_outline(*, course: Course, enrollment: Enrollment | None = None) -> Outline:
    """The course's modules and lessons in order, each lesson flagged complete for this enrollment.

    Two queries (one without an enrollment); lesson bodies are not loaded. Modules without
    lessons are left out.
    """
    lessons = Lesson.objects.filter(module__course=course).select_related("module").defer("body")
    completed = set()
    if enrollment is not None:
        completed = set(LessonProgress.objects.filter(enrollment=enrollment).values_list("lesson_id", flat=True))
    modules: list[OutlineModule] = []
    flat: list[OutlineLesson] = []
    for number, lesson in enumerate(lessons, start=1):
        item = OutlineLesson(lesson=lesson, number=number, is_complete=lesson.pk in completed)
        if not modules or modules[-1].module.pk != lesson.module_id:
            modules.append(OutlineModule(module=lesson.module))
        modules[-1].lessons.append(item)
        flat.append(item)
    return Outline(modules=modules, lessons=flat)


def lesson_body(*, lesson: Lesson) -> str:
    """The Markdown body of a lesson loaded by `course_outline` (which leaves it out)."""
    return Lesson.objects.values_list("body", flat=True).get(pk=lesson.pk)


def resume_lesson(*, enrollment: Enrollment, outline: Outline) -> Lesson | None:
    """Where "Continue" takes the learner.

    The last lesson they opened if it is still incomplete; otherwise the first incomplete
    lesson after it, then the first incomplete one anywhere; when everything is done, the
    last lesson opened (or the first lesson). None for a course without lessons.
    """
    if not outline.lessons:
        return None
    last = outline.get(enrollment.last_lesson_id) if enrollment.last_lesson_id else None
    if last is not None and not last.is_complete:
        return last.lesson
    after = last.lesson.pk if last is not None else None
    target = outline.first_incomplete(after=after) or outline.first_incomplete()
    if target is not None:
        return target
    return last.lesson if last is not None else outline.lessons[0].lesson


def _lessons_total():
    # Stored on the course by services.course_refresh_stats, so no lesson is counted here.
    return F("course__lessons_count")


def _lessons_done():
    return _progress_per_enrollment(Count("id"))


def dashboard_enrollments(
    *, user: User, status: str | None = None, category_slug: str | None = None
) -> QuerySet[Enrollment]:
    """The user's courses with access (active or completed), most recently studied first.

    Each row carries `lessons_total`, `lessons_done` and `percent` (rounded down, as
    `progress_percent`), `exercises_total`, `exercises_passed` and `exercise_pass_mark` (None when the
    course completes on lessons alone) computed in the same query, plus its course, category, instructor
    and certificate, so listing any number of them costs one query.
    `status` is a key of DASHBOARD_STATUS_FILTERS; unknown values are ignored, as is an
    empty category.
    """
    rows = (
        Enrollment.objects.filter(user=user, status__in=Enrollment.HAS_ACCESS)
        .select_related("course__category", "course__instructor", "certificate")
        .annotate(lessons_total=_lessons_total(), lessons_done=_lessons_done())
        .annotate(
            exercises_total=exercises_total_per_enrollment(),
            exercises_passed=exercises_passed_per_enrollment(),
            exercise_pass_mark=Case(
                When(
                    course__completion_rule=Course.CompletionRule.LESSONS_AND_PASS_MARK,
                    then=F("course__pass_mark_percent"),
                ),
                default=Value(None),
                output_field=IntegerField(),
            ),
        )
        .annotate(
            percent=Case(
                When(lessons_total=0, then=Value(0)),
                default=F("lessons_done") * 100 / F("lessons_total"),
                output_field=IntegerField(),
            )
        )
        .order_by(F("last_activity_at").desc(nulls_last=True), "-created_at", "-id")
    )
    if status in DASHBOARD_STATUS_FILTERS:
        rows = rows.filter(status=DASHBOARD_STATUS_FILTERS[status])
    if category_slug:
        rows = rows.filter(course__category__slug=category_slug)
    return rows


def dashboard_categories(*, user: User) -> QuerySet[Category]:
    """Categories of the courses the user has access to (for the dashboard filter)."""
    return Category.objects.filter(
        courses__enrollments__user=user, courses__enrollments__status__in=Enrollment.HAS_ACCESS
    ).distinct()


@dataclass(frozen=True)
class LearningTotals:
    courses: int
    completed_courses: int
    lessons_done: int
    minutes_learned: int


def _progress_per_enrollment(expression):
    return Coalesce(
        Subquery(
            LessonProgress.objects.filter(enrollment=OuterRef("pk"))
            .order_by()
            .values("enrollment")
            .annotate(n=expression)
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def learning_totals(*, user: User) -> LearningTotals:
    """Courses with access, of which completed; lessons completed in them and their minutes. One query."""
    totals = (
        Enrollment.objects.filter(user=user, status__in=Enrollment.HAS_ACCESS)
        .annotate(
            done_lessons=_progress_per_enrollment(Count("id")),
            done_minutes=_progress_per_enrollment(Sum("lesson__duration_minutes")),
        )
        .aggregate(
            courses=Count("id"),
            completed=Count("id", filter=Q(status=Enrollment.Status.COMPLETED)),
            lessons=Sum("done_lessons"),
            minutes=Sum("done_minutes"),
        )
    )
    return LearningTotals(
        courses=totals["courses"],
        completed_courses=totals["completed"],
        lessons_done=totals["lessons"] or 0,
        minutes_learned=totals["minutes"] or 0,
    )


@dataclass(frozen=True)
class WeekCount:
    week_start: datetime.date  # the Monday of the ISO week, in the viewer's time zone
    lessons: int

    @property
    def iso_week(self) -> int:
        return self.week_start.isocalendar().week


def lessons_completed_per_week(
    *, user: User, weeks: int = CHART_WEEKS, today: datetime.date | None = None
) -> list[WeekCount]:
    """Lessons completed in each of the last `weeks` ISO weeks (oldest first, this week last).

    Weeks start on Monday in the current (viewer's) time zone; weeks without lessons
    count 0. One query.
    """
    today = today or timezone.localdate()
    this_monday = today - datetime.timedelta(days=today.weekday())
    first_monday = this_monday - datetime.timedelta(weeks=weeks - 1)
    start = timezone.make_aware(datetime.datetime.combine(first_monday, datetime.time.min))
    rows = (
        LessonProgress.objects.filter(
            enrollment__user=user, enrollment__status__in=Enrollment.HAS_ACCESS, completed_at__gte=start
        )
        .annotate(week=TruncWeek("completed_at"))
        .order_by()
        .values("week")
        .annotate(n=Count("id"))
    )
    counts = {timezone.localtime(row["week"]).date(): row["n"] for row in rows}
    return [
        WeekCount(week_start=monday, lessons=counts.get(monday, 0))
        for monday in (first_monday + datetime.timedelta(weeks=i) for i in range(weeks))
    ]
