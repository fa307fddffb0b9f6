"""When a course's stored learner count and rating are recounted: at once, or after the write commits.

(Ratings: reviews always recount after their transaction commits, `course_reviews_changed` below.)

`course_refresh_stats` locks the course row while it recounts (see its docstring), and the
lock lasts until the surrounding transaction ends. Inside a fulfilment that is the whole
payment: every buyer of one course would queue on that course's row until the buyer ahead of
them committed, for every course they bought. So a purchase enrolls under
`course_figures_after_commit()`: its enrollment writes only note the course, and the recount
runs after the purchase commits, in its own short transaction. The recount counts rows rather
than adding one, so however the refreshes of concurrent buyers interleave, the one that runs
last sees every committed enrollment and the figure ends equal to the truth; the row is held
for the length of one count, not of a purchase.

Everywhere else (staff in the admin, free enrollments, tests, scripts) the recount stays inside
the writer's transaction, as before, so a figure is right the moment the write is visible.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from courses.services import course_refresh_stats

logger = logging.getLogger(__name__)

_AFTER_COMMIT: ContextVar[bool] = ContextVar("course_figures_after_commit", default=False)


@contextmanager
def course_figures_after_commit() -> Iterator[None]:
    """Within the block, enrollment writes recount their course's figures after the transaction commits."""
    token = _AFTER_COMMIT.set(True)
    try:
        yield
    finally:
        _AFTER_COMMIT.reset(token)


def course_learners_changed(*, course_ids: Iterable[int | None]) -> None:
    """An enrollment of these courses was written: recount them now, or after commit inside a purchase.

    After commit, a failed recount is logged and does not undo the purchase (robust); the next
    enrollment of the course, or `course_refresh_stats` run by hand, puts it right.
    """
    ids = [course_id for course_id in course_ids if course_id is not None]
    if not _AFTER_COMMIT.get():
        course_refresh_stats(course_ids=ids)
        return
    transaction.on_commit(lambda: course_refresh_stats(course_ids=ids), robust=True)


def course_reviews_changed(*, course_ids: Iterable[int | None]) -> None:
    """A review of these courses was written, hidden or shown again: recount their rating after commit.

    Always after commit, wherever it is written (a learner's form, staff's hide action, a script):
    the review's own transaction never holds the course row, so learners reviewing a popular course
    at the same moment do not queue on it; each recount holds the row for the length of one count.
    A failed recount is logged and leaves the review saved; the next write or recount heals it.
    """
    ids = [course_id for course_id in course_ids if course_id is not None]
    if ids:
        transaction.on_commit(lambda: course_refresh_stats(course_ids=ids), robust=True)
