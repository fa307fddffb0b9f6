"""`/dashboard/progress/`: the signed-in learner's progress per course and per category, minutes learned,
streaks and minutes per week (a server-drawn chart, as on the dashboard); `/dashboard/progress.csv` exports it."""

import csv
from operator import attrgetter

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from courses.selectors.progress import LearnerProgress, learner_progress
from courses.views.dashboard import CHART_NARROW, CHART_WIDE, weekly_chart

# The export's columns: (header, how to read it from a course or category row). Exercises join here too.
PROGRESS_CSV_COLUMNS = (
    ("Lessons done", lambda row: row.lessons_done),
    ("Lessons in total", lambda row: row.lessons_total),
    ("Percent done", lambda row: row.percent),
    ("Minutes learned", lambda row: row.minutes_learned),
    ("Exercises passed", lambda row: row.exercises_passed),
    ("Exercises in total", lambda row: row.exercises_total),
)
# A spreadsheet runs a cell starting with these as a formula; such titles are written with a leading quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _chart_html(progress: LearnerProgress) -> str:
    minutes = attrgetter("minutes")
    return render_to_string(
        "courses/learning/progress_chart.html",
        {
            "chart": weekly_chart(progress.weeks, size=CHART_WIDE, value=minutes),
            "chart_narrow": weekly_chart(progress.weeks, size=CHART_NARROW, label_every=4, value=minutes),
            "chart_title": "Minutes learned per week",
            "unit": "minute",
        },
    )


@require_GET
@login_required
def progress(request):
    report = learner_progress(user=request.user)
    return render(
        request,
        "courses/progress.html",
        {"progress": report, "chart_html": _chart_html(report)},
    )


@require_GET
@login_required
def progress_csv(request):
    """One row per course, then one per category, with the figures the page shows."""
    report = learner_progress(user=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="innerwork-progress-{timezone.localdate():%Y-%m-%d}.csv"'
    writer = csv.writer(response)
    writer.writerow(["Row", "Name", "Category", *(header for header, _ in PROGRESS_CSV_COLUMNS)])
    for row in report.courses:
        course = row.enrollment.course
        writer.writerow(
            [
                "course",
                _cell(course.title),
                _cell(course.category.name),
                *(read(row) for _, read in PROGRESS_CSV_COLUMNS),
            ]
        )
    for row in report.categories:
        writer.writerow(["category", _cell(row.name), "", *(read(row) for _, read in PROGRESS_CSV_COLUMNS)])
    return response
