"""Reads for the progress page (`/dashboard/progress/`): what a learner has done per course and per category,
minutes learned, streaks of active days and minutes per week, all in the learner's time zone.

Every figure is computed from LessonProgress rows (never stored) in a fixed number of queries, whatever the
number of courses, lessons or days. An enrollment counts while it is active or completed, expired or not:
the progress of a finished access period is still the learner's.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from courses.exercises.selectors import exercises_passed_per_enrollment, exercises_total_per_enrollment
from courses.models import Enrollment, LessonProgress
from courses.selectors.learning import CHART_WEEKS, progress_percent
from innerwork.accounts.models import User


def _per_enrollment(expression):
    """`expression` over the enrollment's LessonProgress rows in its own course's lessons (0 when none)."""
    return Coalesce(
        Subquery(
            LessonProgress.objects.filter(enrollment=OuterRef("pk"), lesson__module__course=OuterRef("course"))
            .order_by()
            .values("enrollment")
            .annotate(n=expression)
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


# What each course row counts: name → an annotation on the learner's enrollments. The one place a new kind of
# work joins the page, with a field on CourseProgress/CategoryProgress and a CSV column
# (courses/views/progress.py, PROGRESS_CSV_COLUMNS). Exercises count their multiple-choice questions (a
# reflection has no right answer, so nothing to pass).
PROGRESS_COUNTS = {
    "lessons_done": lambda: _per_enrollment(Count("id")),
    "minutes_learned": lambda: _per_enrollment(Sum("lesson__duration_minutes")),
    "exercises_total": exercises_total_per_enrollment,
    "exercises_passed": exercises_passed_per_enrollment,
}


@dataclass(frozen=True)
class CourseProgress:
    enrollment: Enrollment  # with course and category loaded
    lessons_total: int
    lessons_done: int
    minutes_learned: int
    exercises_total: int
    exercises_passed: int

    @property
    def percent(self) -> int:
        return progress_percent(done=self.lessons_done, total=self.lessons_total)


@dataclass
class CategoryProgress:
    name: str
    courses: int = 0
    lessons_total: int = 0
    lessons_done: int = 0
    minutes_learned: int = 0
    exercises_total: int = 0
    exercises_passed: int = 0

    @property
    def percent(self) -> int:
        return progress_percent(done=self.lessons_done, total=self.lessons_total)


@dataclass(frozen=True)
class Streaks:
    current: int  # consecutive active days ending today, or yesterday when nothing was done yet today
    longest: int
    active_days: int
    last_active: datetime.date | None


@dataclass(frozen=True)
class WeekMinutes:
    week_start: datetime.date  # the Monday, in the learner's zone
    minutes: int


@dataclass
class LearnerProgress:
    courses: list[CourseProgress]
    categories: list[CategoryProgress]
    streaks: Streaks
    weeks: list[WeekMinutes] = field(default_factory=list)

    @property
    def lessons_done(self) -> int:
        return sum(row.lessons_done for row in self.courses)

    @property
    def minutes_learned(self) -> int:
        return sum(row.minutes_learned for row in self.courses)

    @property
    def exercises_passed(self) -> int:
        return sum(row.exercises_passed for row in self.courses)


def progress_by_course(*, user: User) -> list[CourseProgress]:
    """The learner's courses (active or completed, expired ones too), most recently studied first. One query."""
    rows = (
        Enrollment.objects.filter(user=user, status__in=Enrollment.HAS_ACCESS)
        .select_related("course__category")
        .annotate(lessons_total=F("course__lessons_count"), **{name: make() for name, make in PROGRESS_COUNTS.items()})
        .order_by(F("last_activity_at").desc(nulls_last=True), "course__title", "pk")
    )
    return [
        CourseProgress(
            enrollment=row,
            lessons_total=row.lessons_total,
            lessons_done=row.lessons_done,
            minutes_learned=row.minutes_learned,
            exercises_total=row.exercises_total,
            exercises_passed=row.exercises_passed,
        )
        for row in rows
    ]


def progress_by_category(courses: list[CourseProgress]) -> list[CategoryProgress]:
    """The course rows summed per category, in category order (no query)."""
    categories: dict[int, tuple[tuple, CategoryProgress]] = {}
    for row in courses:
        category = row.enrollment.course.category
        order = (category.position, category.name)
        _, total = categories.setdefault(category.pk, (order, CategoryProgress(name=category.name)))
        total.courses += 1
        total.lessons_total += row.lessons_total
        total.lessons_done += row.lessons_done
        total.minutes_learned += row.minutes_learned
        total.exercises_total += row.exercises_total
        total.exercises_passed += row.exercises_passed
    return [total for _, total in sorted(categories.values(), key=lambda item: item[0])]


def active_days(*, user: User, zone: ZoneInfo) -> list[datetime.date]:
    """The days, in `zone`, on which the learner completed at least one lesson, oldest first. One query."""
    return list(
        LessonProgress.objects.filter(enrollment__user=user, enrollment__status__in=Enrollment.HAS_ACCESS)
        .annotate(day=TruncDate("completed_at", tzinfo=zone))
        .order_by("day")
        .values_list("day", flat=True)
        .distinct()
    )


def streaks(days: list[datetime.date], *, today: datetime.date) -> Streaks:
    """Runs of consecutive days in `days` (sorted, distinct). The current streak is still alive today if the
    learner was active today or yesterday: a day is not lost before it is over."""
    longest = run = 0
    previous = None
    for day in days:
        run = run + 1 if previous is not None and day - previous == datetime.timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    alive = previous is not None and today - previous <= datetime.timedelta(days=1)
    return Streaks(current=run if alive else 0, longest=longest, active_days=len(days), last_active=previous)


def minutes_per_week(
    *, user: User, zone: ZoneInfo, today: datetime.date, weeks: int = CHART_WEEKS
) -> list[WeekMinutes]:
    """Minutes of lessons completed in each of the last `weeks` weeks (Monday to Sunday in `zone`), oldest first,
    this week last; weeks without lessons count 0. One query."""
    this_monday = today - datetime.timedelta(days=today.weekday())
    first_monday = this_monday - datetime.timedelta(weeks=weeks - 1)
    start = datetime.datetime.combine(first_monday, datetime.time.min, tzinfo=zone)
    rows = (
        LessonProgress.objects.filter(
            enrollment__user=user, enrollment__status__in=Enrollment.HAS_ACCESS, completed_at__gte=start
        )
        .annotate(day=TruncDate("completed_at", tzinfo=zone))
        .order_by()
        .values("day")
        .annotate(minutes=Sum("lesson__duration_minutes"))
    )
    totals: dict[datetime.date, int] = {}
    for row in rows:
        monday = row["day"] - datetime.timedelta(days=row["day"].weekday())
        totals[monday] = totals.get(monday, 0) + row["minutes"]
    return [
        WeekMinutes(week_start=monday, minutes=totals.get(monday, 0))
        for monday in (first_monday + datetime.timedelta(weeks=i) for i in range(weeks))
    ]


def learner_progress(*, user: User, now: datetime.datetime | None = None) -> LearnerProgress:
    """Everything the progress page shows, in the current (the learner's) time zone. Three queries."""
    zone = timezone.get_current_timezone()
    today = timezone.localdate(now or timezone.now(), zone)
    courses = progress_by_course(user=user)
    return LearnerProgress(
        courses=courses,
        categories=progress_by_category(courses),
        streaks=streaks(active_days(user=user, zone=zone), today=today),
        weeks=minutes_per_week(user=user, zone=zone, today=today),
    )
