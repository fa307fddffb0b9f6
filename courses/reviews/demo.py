"""Reviews and instructor pages for `manage.py seed_demo` (called from courses/demo.py).

Every published demo course gets reviews from the community learners enrolled in it (about
two in three of them write one), so cards and course pages show believable ratings; each demo
instructor gets a headline, a bio and links. Idempotent like the rest of the demo: rows are
found by natural keys (instructor, learner and course) and written only when missing or different.
Reviews are dated after their author enrolled. The course figures are recounted by the command.
"""

from __future__ import annotations

from datetime import timedelta

from courses.demo_content import INSTRUCTORS
from courses.instructors.services import instructor_profile_ensure
from courses.models import Course, Enrollment, InstructorProfile, Review
from innerwork.accounts.models import User
from innerwork.core.demo_seeding import DemoSeed

INSTRUCTOR_PAGES = {
    "amara": {
        "headline": "Mindfulness teacher and former A&E nurse",
        "bio": (
            "I spent ten years on hospital night shifts before I learned to **stay steady on purpose**.\n\n"
            "Today I teach short, practical mindfulness for people with full calendars:\n\n"
            "- two-minute resets you can do between meetings\n"
            "- sleep and recovery habits that survive real life\n"
            "- kindness towards yourself when things go wrong"
        ),
        "website_url": "https://amara-okafor.example",
        "linkedin_url": "https://www.linkedin.com/in/amara-okafor-demo",
    },
    "daniel": {
        "headline": "Productivity coach for teams that ship",
        "bio": (
            "I help knowledge workers protect their deep work. Fifteen years as an engineering manager taught "
            "me that *focus is a team sport*: my courses mix personal systems with the agreements that make "
            "them stick."
        ),
        "website_url": "https://danielreyes.example",
        "youtube_url": "https://www.youtube.com/@danielreyes-demo",
    },
    "mei": {
        "headline": "Communication trainer and former radio host",
        "bio": (
            "From live radio to boardrooms, I have coached hundreds of people to **speak clearly under pressure** "
            "and to have the conversations they keep postponing."
        ),
        "linkedin_url": "https://www.linkedin.com/in/mei-tanaka-demo",
    },
    "sofia": {
        "headline": "Leadership and career coach",
        "bio": (
            "I coach new managers through their first two years. My courses are what I wish I had been given: "
            "honest frameworks, worked examples, and exercises you can use on Monday."
        ),
        "website_url": "https://sofialindqvist.example",
    },
}

# (rating, text) written in turn by the community learners of each course; "" is a rating alone.
REVIEW_TEXTS = (
    (5, "Short lessons I actually finished. The exercises changed how I start my day."),
    (4, "Practical and kind. I would have liked one more worked example in the second module."),
    (5, "Exactly what I needed after a hard quarter. Recommended it to my whole team."),
    (3, "Good ideas, but the pace was slow for me. The last module was the best part."),
    (5, ""),
    (4, "Clear, calm and useful. The checklists alone were worth it."),
    (2, "Too basic for someone who has read a lot on the topic already."),
    (5, "The instructor explains things the way a good friend would. Loved it."),
    (4, ""),
)


def seed(*, demo: DemoSeed) -> None:
    _instructor_pages(demo)
    _reviews(demo)


def _instructor_pages(demo: DemoSeed) -> None:
    for key, values in INSTRUCTOR_PAGES.items():
        user = User.objects.filter(email=INSTRUCTORS[key].email).first()
        if user is None:
            continue
        profile = instructor_profile_ensure(user=user)
        demo.sync(InstructorProfile, {"pk": profile.pk}, values)


def _reviews(demo: DemoSeed) -> None:
    community = Enrollment.objects.filter(
        course__in=Course.objects.published(), status__in=Enrollment.HAS_ACCESS, user__email__endswith="@example.com"
    ).order_by("course_id", "created_at", "pk")
    position: dict[int, int] = {}
    for enrollment in community:
        n = position[enrollment.course_id] = position.get(enrollment.course_id, -1) + 1
        if n % 3 == 2:
            continue  # about one learner in three leaves no review
        rating, text = REVIEW_TEXTS[(enrollment.course_id + n) % len(REVIEW_TEXTS)]
        review, created = demo.sync(
            Review,
            {"author_id": enrollment.user_id, "course_id": enrollment.course_id},
            {"rating": rating, "text": text, "enrollment": enrollment},
        )
        if created:
            written_at = min(enrollment.created_at + timedelta(days=2 + n % 5), demo.now)
            Review.objects.filter(pk=review.pk).update(created_at=written_at, updated_at=written_at)
