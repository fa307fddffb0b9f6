"""`manage.py seed_demo [--scale N]`: the demo catalogue, its people and a learner mid-journey.

Idempotent: rows are found by natural keys (e-mail, slug, position) and only written when
missing or different, so a second run changes nothing. Things that belong to the learner's
history (enrollments, progress, certificates, timestamps) are created once and then left alone,
so re-seeding never rewinds what somebody did in the demo.

Then every app seeds its own part through its `demo.py`, found by innerwork.core.demo_seeding without this
command naming them: courses' paid orders (courses/demo.py), mentors, their calendars and sessions. What
is paid is paid at the local Stripe emulator (commerce.demo); when it does not answer, or the site talks
to real Stripe, one line says so and the rest is seeded without payments.
"""

from collections import Counter
from datetime import timedelta
from itertools import islice

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from commerce.demo import demo_payments_unavailable
from courses import demo_content
from courses.demo_content import generated
from courses.models import Category, Certificate, Course, Enrollment, EnrollmentEvent, Lesson, LessonProgress, Module
from courses.search_index import course_refresh_search
from courses.services import course_refresh_stats
from innerwork.core.demo_seeding import DemoSeed, demo_seeders
from innerwork.core.staff_roles import staff_roles_remake

User = get_user_model()

# The demo learner's journey: (course slug, enrollment type, days since enrolling,
# days ago each completed lesson was finished — one entry per lesson, in syllabus order).
LEARNER_JOURNEY = (
    ("the-weekly-review", Enrollment.Type.FREE, 52, (50, 46, 43, 38, 34, 31)),  # completed
    ("calm-under-pressure", Enrollment.Type.FREE, 24, (22, 16, 9, 3)),  # 4 of 10 lessons: 40 %
    ("first-time-manager", Enrollment.Type.GIFTED, 8, (6, 1)),  # 2 of 10 lessons
    ("writing-to-think", Enrollment.Type.FREE, 2, ()),  # not started
)
GENERATED_BATCH = 250


def _batched(items, size):
    iterator = iter(items)
    while chunk := tuple(islice(iterator, size)):
        yield chunk


class Command(BaseCommand):
    help = "Load demo courses, instructors, a demo learner with progress and a staff account. Safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            metavar="N",
            help="Also generate simple courses (about 10 lessons each) until the catalogue holds N courses.",
        )

    def handle(self, *args, scale: int, **options):
        if scale < 0:
            raise CommandError("--scale must be zero or a positive number of courses.")
        self.now = timezone.now()
        self.counts = Counter()
        # The shared people are filled in once made; the other apps' seeds run after the catalogue.
        self.demo = DemoSeed(now=self.now, counts=self.counts, learner=None, admin=None)
        # Paid demo data is paid at the Stripe emulator (commerce.demo); without it, everything else is seeded.
        unavailable = demo_payments_unavailable()
        self.demo.payments = not unavailable
        if unavailable:
            self.stdout.write(self.style.WARNING(unavailable))
        with transaction.atomic():
            admin = self._person(demo_content.ADMIN, staff=True)
            for role, spec in demo_content.STAFF_ROLES.items():
                self._staff_member(spec, role)
            instructors = {key: self._person(spec) for key, spec in demo_content.INSTRUCTORS.items()}
            categories = self._categories()
            courses = self._courses(categories, instructors)
            learner = self._person(demo_content.LEARNER)
            self._learner_journey(learner, courses, admin)
            self._community(courses, admin)
            if scale:
                self._generated_courses(scale, categories, instructors)
            self.demo.learner, self.demo.admin = learner, admin
            for _label, seed in demo_seeders():
                seed(demo=self.demo)
            # Bulk inserts send no signals, and the demo's purchases recount after commit
            # (courses/figures.py), so recount every course once, last; a recount that finds
            # the same figures changes nothing, which keeps a second run a no-op.
            course_refresh_stats(course_ids=Course.objects.values_list("pk", flat=True))
            course_refresh_search(course_ids=Course.objects.values_list("pk", flat=True))
        self._report()

    # People -----------------------------------------------------------------------------------

    def _person(self, spec: demo_content.PersonSpec, *, staff: bool = False, superuser: bool | None = None):
        return self.demo.person(
            email=spec.email,
            full_name=spec.full_name,
            time_zone=spec.time_zone,
            password=spec.password,
            staff=staff,
            superuser=superuser,
        )

    def _staff_member(self, spec: demo_content.PersonSpec, role: str) -> None:
        """A staff member who is not a superuser: what they may do comes from their role's group."""
        user = self._person(spec, staff=True, superuser=False)
        group = Group.objects.filter(name=role).first()
        if group is None:  # the roles migration ran, but the groups were deleted since (a flushed database)
            staff_roles_remake()
            group = Group.objects.get(name=role)
        if not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
            self.counts["staff roles given"] += 1

    # Catalogue --------------------------------------------------------------------------------

    def _categories(self) -> dict[str, Category]:
        return {
            spec.slug: self._sync(
                Category, {"slug": spec.slug}, {"name": spec.name, "description": spec.description, "position": n}
            )[0]
            for n, spec in enumerate(demo_content.CATEGORIES)
        }

    def _courses(self, categories, instructors) -> dict[str, Course]:
        courses = {}
        quote_number = 0
        for spec in demo_content.COURSES:
            course, _ = self._sync(
                Course,
                {"slug": spec.slug},
                {
                    "title": spec.title,
                    "subtitle": spec.subtitle,
                    "description": demo_content.unwrap(spec.description),
                    "category": categories[spec.category],
                    "instructor": instructors[spec.instructor],
                    "level": spec.level,
                    "price_amount": spec.price,
                    "access_days": spec.access_days,
                    "currency": "usd",
                    "what_you_learn": "\n".join(spec.outcomes),
                },
                # Publication is staff's to change afterwards; the seed only sets where it starts.
                create_only={
                    "is_published": spec.is_published,
                    "published_at": self._days_ago(spec.published_days_ago) if spec.is_published else None,
                },
            )
            for module_position, module_spec in enumerate(spec.modules):
                module, _ = self._sync(
                    Module, {"course": course, "position": module_position}, {"title": module_spec.title}
                )
                for position, lesson_spec in enumerate(module_spec.lessons):
                    quote = demo_content.QUOTES[quote_number % len(demo_content.QUOTES)]
                    quote_number += 1
                    self._sync(
                        Lesson,
                        {"module": module, "position": position},
                        {
                            "title": lesson_spec.title,
                            "body": demo_content.lesson_body(lesson_spec, quote=quote),
                            "duration_minutes": lesson_spec.minutes,
                            "is_preview": lesson_spec.preview,
                        },
                    )
            courses[spec.slug] = course
        return courses

    # The demo learner and the community -------------------------------------------------------

    def _learner_journey(self, learner, courses, admin) -> None:
        for slug, kind, enrolled_days_ago, completed_days_ago in LEARNER_JOURNEY:
            course = courses[slug]
            if Enrollment.objects.filter(user=learner, course=course).exists():
                continue  # history is created once; the demo user may have moved on since
            lessons = list(Lesson.objects.filter(module__course=course).order_by("module__position", "position"))
            done = lessons[: len(completed_days_ago)]
            finished = bool(lessons) and len(done) == len(lessons)
            gifted = kind == Enrollment.Type.GIFTED
            enrolled_at = self._days_ago(enrolled_days_ago)
            last_done_at = self._days_ago(completed_days_ago[-1]) if done else None
            enrollment = Enrollment.objects.create(
                user=learner,
                course=course,
                type=kind,
                status=Enrollment.Status.COMPLETED if finished else Enrollment.Status.ACTIVE,
                completed_at=last_done_at if finished else None,
                last_lesson=done[-1] if done else None,
                last_activity_at=last_done_at or enrolled_at,
                granted_by=admin if gifted else None,
                status_reason="Welcome gift from the InnerWork team" if gifted else "",
            )
            Enrollment.objects.filter(pk=enrollment.pk).update(created_at=enrolled_at, updated_at=enrolled_at)
            self._event(enrollment, "", Enrollment.Status.ACTIVE, enrolled_at, admin if gifted else learner)
            LessonProgress.objects.bulk_create(
                LessonProgress(enrollment=enrollment, lesson=lesson, completed_at=self._days_ago(days))
                for lesson, days in zip(done, completed_days_ago, strict=False)
            )
            self.counts["lesson progress created"] += len(done)
            if finished:
                self._event(enrollment, Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED, last_done_at, learner)
                Certificate.objects.create(
                    enrollment=enrollment,
                    learner_name=learner.get_full_name(),
                    course_title=course.title,
                    instructor_name=course.instructor.get_full_name(),
                    issued_at=last_done_at,
                )
                self.counts["certificates created"] += 1
            self.counts["enrollments created"] += 1

    def _community(self, courses, admin) -> None:
        """Other learners, so 'most popular' and learner counts look like a living catalogue."""
        people = [self._community_member(first, last) for first, last in demo_content.COMMUNITY_LEARNERS]
        for offset, spec in enumerate(demo_content.COURSES):
            if not spec.is_published:
                continue
            course = courses[spec.slug]
            for n in range(min(spec.popularity, len(people))):
                person = people[(offset * 3 + n) % len(people)]
                if Enrollment.objects.filter(user=person, course=course).exists():
                    continue
                kind = Enrollment.Type.FREE if course.is_free else Enrollment.Type.GIFTED
                enrolled_at = self._days_ago(max(spec.published_days_ago - n * 3, 0))
                enrollment = Enrollment.objects.create(
                    user=person,
                    course=course,
                    type=kind,
                    granted_by=admin if kind == Enrollment.Type.GIFTED else None,
                    status_reason="Demo data" if kind == Enrollment.Type.GIFTED else "",
                    last_activity_at=enrolled_at,
                )
                Enrollment.objects.filter(pk=enrollment.pk).update(created_at=enrolled_at, updated_at=enrolled_at)
                self._event(enrollment, "", Enrollment.Status.ACTIVE, enrolled_at, person)
                self.counts["enrollments created"] += 1

    def _community_member(self, first: str, last: str):
        email = f"{first}.{last}".lower().replace("'", "") + "@example.com"
        user, created = self._sync(User, {"email": email}, {"full_name": f"{first} {last}"})
        if created:
            # They exist to be counted, not to sign in.
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user

    def _event(self, enrollment, from_status, to_status, at, actor) -> None:
        event = EnrollmentEvent.objects.create(
            enrollment=enrollment, from_status=from_status, to_status=to_status, actor=actor, reason="Demo data"
        )
        EnrollmentEvent.objects.filter(pk=event.pk).update(created_at=at)

    # --scale ----------------------------------------------------------------------------------

    def _generated_courses(self, total: int, categories, instructors) -> None:
        """Bulk-insert generated courses numbered 1…(total − demo courses); existing numbers are skipped."""
        wanted = range(1, max(total - len(demo_content.COURSES), 0) + 1)
        existing = set(Course.objects.filter(slug__startswith="practice-").values_list("slug", flat=True))
        missing = [number for number in wanted if generated.slug(number) not in existing]
        people = list(instructors.values())
        for chunk in _batched(missing, GENERATED_BATCH):
            courses = Course.objects.bulk_create(
                Course(
                    slug=generated.slug(number),
                    title=generated.title(number),
                    subtitle=f"Short, practical lessons on {generated.topic(number).lower()}.",
                    description=generated.description(number),
                    category=categories[generated.category(number)],
                    instructor=people[number % len(people)],
                    level=generated.level(number),
                    price_amount=generated.price(number),
                    currency="usd",
                    is_published=True,
                    # Older than the hand-written demo courses, which stay first in "Newest".
                    published_at=self._days_ago(210) - timedelta(hours=number),
                    what_you_learn="Understand the idea\nPractise it\nKeep it going",
                )
                for number in chunk
            )
            modules = Module.objects.bulk_create(
                Module(course=course, title=generated.module_title(number, position), position=position)
                for number, course in zip(chunk, courses, strict=True)
                for position in range(generated.MODULES_PER_COURSE)
            )
            numbers_by_course = {course.pk: number for number, course in zip(chunk, courses, strict=True)}
            Lesson.objects.bulk_create(
                (
                    Lesson(
                        module=module,
                        title=generated.lesson_title(numbers_by_course[module.course_id], module.position, n),
                        body=generated.lesson_body(numbers_by_course[module.course_id]),
                        duration_minutes=5 + (numbers_by_course[module.course_id] + n) % 11,
                        position=n,
                        is_preview=module.position == 0 and n == 0,
                    )
                    for module in modules
                    for n in range(generated.LESSONS_PER_MODULE)
                ),
                batch_size=1000,
            )
            self.counts["generated courses created"] += len(courses)

    # Helpers ----------------------------------------------------------------------------------

    def _days_ago(self, days: int):
        return self.now - timedelta(days=days)

    def _sync(self, model, lookup: dict, values: dict, *, create_only: dict | None = None):
        """Find a row by its natural key; create it, or update only the fields that differ."""
        return self.demo.sync(model, lookup, values, create_only=create_only)

    def _report(self) -> None:
        if self.counts:
            for label, count in sorted(self.counts.items()):
                self.stdout.write(f"  {label}: {count}")
        else:
            self.stdout.write("  nothing to change: the demo data is already in place")
        published = Course.objects.filter(is_published=True).count()
        lessons = Lesson.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {published} published courses, {lessons} lessons."))
        self.stdout.write(f"  learner: {demo_content.LEARNER.email} / {demo_content.LEARNER.password}")
        self.stdout.write(f"  staff:   {demo_content.ADMIN.email} / {demo_content.ADMIN.password}")
        for role, spec in demo_content.STAFF_ROLES.items():
            self.stdout.write(f"  {role.lower()}: {spec.email} / {spec.password}")
        self.stdout.write(
            "  instructors: "
            + ", ".join(spec.email for spec in demo_content.INSTRUCTORS.values())
            + f" / {demo_content.LEARNER.password}"
        )
        for note in self.demo.notes:
            self.stdout.write(f"  {note}")
