"""Coaching's part of `manage.py seed_demo` (found by innerwork.core.demo_seeding): coaches, a proposal, a contract.

Three approved coaches with specialties, languages and example packages; one of them is the demo
mentor (Ana Ruiz, seeded by mentorship first), so her one calendar serves both. The demo learner has
a thread with Maya Chen holding an open proposal (6 × 60 min, $900.00) to accept and pay with 4242.
Coaches who do not mentor get weekly hours in their own zone (Monday to Thursday).
Idempotent: coaches, specialties and packages are synced by natural key; the thread is history,
written once; a proposal is written again only when the learner has no open or accepted one (the
last one expired), so the demo always has something to accept. Rows are written directly (no
e-mails are queued for demo history). The learner's contract already under way with Kwame Mensah, paid
at the Stripe emulator with sessions used and one ahead, is coaching/demo_contract.py's part.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta

from django.contrib.auth import get_user_model

from coaching.coaches import coach_approve
from coaching.conversation import AUTO_PROPOSAL_SENT
from coaching.demo_contract import seed_contract
from coaching.models import CoachProfile, Inquiry, Message, PackageOffer, Proposal, Specialty
from coaching.status import proposal_set_status
from innerwork.core.demo_seeding import DemoSeed
from innerwork.scheduling.models import Calendar, WeeklyRule

COACH_PASSWORD = "innerwork-coach"  # noqa: S105 - published in the README on purpose
COACH_LOGIN = "coach@innerwork.test"
CONTRACT_COACH = "kwame.mensah@innerwork.test"  # the learner's contract under way is with him
ALSO_A_MENTOR = "mentor@innerwork.test"  # mentorship's demo mentor: she coaches too

SPECIALTIES = {
    "leadership": "Leadership",
    "executive-presence": "Executive presence",
    "career-transitions": "Career transitions",
    "burnout-recovery": "Burnout recovery",
}


@dataclass(frozen=True)
class CoachSpec:
    email: str
    full_name: str
    time_zone: str
    slug: str
    headline: str
    bio: str
    specialties: tuple[str, ...]
    languages: tuple[str, ...]
    packages: tuple[tuple[str, int, int, int, int], ...]  # title, sessions, minutes, weeks, price (usd cents)


COACHES = (
    CoachSpec(
        COACH_LOGIN,
        "Maya Chen",
        "America/New_York",
        "maya-chen",
        "Executive coach for first-time managers",
        "I coached 200 new managers through their first year, after ten years running engineering teams. "
        "Sessions are practical: we pick one conversation you are dreading and you leave with the words for it.",
        ("leadership", "executive-presence"),
        ("en", "fr"),
        (("First 90 days", 6, 60, 12, 90000), ("Quick reset", 3, 45, 6, 36000)),
    ),
    CoachSpec(
        ALSO_A_MENTOR,
        "Ana Ruiz",
        "America/Los_Angeles",
        "ana-ruiz-coaching",
        "Leadership coaching, in English or Spanish",
        "Beyond one-off mentor sessions, I coach managers over a quarter: a weekly rhythm, feedback that lands "
        "and a team that runs without you in every meeting.",
        ("leadership",),
        ("en", "es"),
        (("A quarter of leadership", 8, 60, 12, 128000),),
    ),
    CoachSpec(
        CONTRACT_COACH,
        "Kwame Mensah",
        "Europe/London",
        "kwame-mensah",
        "Career transitions and recovering from burnout",
        "Former consultant, now a coach for people changing track after a hard year. We map what drains you, "
        "what you want next and the smallest step towards it.",
        ("career-transitions", "burnout-recovery"),
        ("en", "fr"),
        (("Change of track", 5, 60, 10, 65000), ("Breathing room", 4, 45, 8, 40000)),
    ),
)

LEARNER_GOALS = (
    "I was promoted to lead my team three weeks ago. I avoid giving feedback and end up doing the work "
    "myself. I'd like a few sessions to get out of that."
)
COACH_REPLY = "Thanks for writing! That is very common in the first months. I'll send you a proposal."
PROPOSAL = {
    "title": "Feedback and delegation for a new team lead",
    "goals": "Prepare and debrief real feedback conversations; set up weekly one-to-ones; hand over two tasks.",
    "sessions_count": 6,
    "session_minutes": 60,
    "price_amount": 90000,
    "currency": "usd",
    "validity_weeks": 12,
    "cancel_notice_hours": 24,
    "cancellation_terms": "Move or cancel a session up to 24 hours before, free of charge.",
}
PROPOSAL_OPEN = timedelta(days=30)
COACHING_DAYS = (0, 1, 2, 3)  # Monday to Thursday
COACHING_HOURS = ((time(9), time(12)), (time(14), time(18)))


def seed(*, demo: DemoSeed) -> None:
    specialties = {slug: demo.sync(Specialty, {"slug": slug}, {"name": name})[0] for slug, name in SPECIALTIES.items()}
    coaches = [_coach(demo, spec, specialties) for spec in COACHES]
    coaches = [coach for coach in coaches if coach is not None]
    _learner_proposal(demo, coaches[0])
    [contract_coach] = [coach for coach in coaches if coach.user.email == CONTRACT_COACH]
    seed_contract(demo=demo, coach=contract_coach, coaching_days=COACHING_DAYS)
    demo.notes.append(f"coaches: {COACH_LOGIN} / {COACH_PASSWORD} (and {CONTRACT_COACH}, same password)")


def _coach(demo: DemoSeed, spec: CoachSpec, specialties: dict) -> CoachProfile | None:
    if spec.email == ALSO_A_MENTOR:
        # Her account and password are mentorship's; without its demo she is left out.
        user = get_user_model().objects.filter(email=spec.email).first()
        if user is None:
            return None
    else:
        user = demo.person(
            email=spec.email, full_name=spec.full_name, time_zone=spec.time_zone, password=COACH_PASSWORD
        )
        _calendar(demo, spec, user)
    coach, created = demo.sync(
        CoachProfile,
        {"user": user},
        {
            "slug": spec.slug,
            "headline": spec.headline,
            "bio": spec.bio,
            "languages": list(spec.languages),
            "meeting_url": f"https://meet.innerwork.test/{spec.slug}",
        },
    )
    missing = [specialties[slug] for slug in spec.specialties if specialties[slug] not in set(coach.specialties.all())]
    if missing:
        coach.specialties.add(*missing)
        demo.counts["coach specialties added"] += len(missing)
    for position, (title, sessions, minutes, weeks, price) in enumerate(spec.packages):
        demo.sync(
            PackageOffer,
            {"coach": coach, "title": title},
            {
                "sessions_count": sessions,
                "session_minutes": minutes,
                "validity_weeks": weeks,
                "price_amount": price,
                "currency": "usd",
                "position": position,
            },
        )
    if created:
        # Approval is staff's decision afterwards; the seed approves once.
        coach = coach_approve(coach=coach, actor=demo.admin, reason="Demo coach")
    return coach


def _calendar(demo: DemoSeed, spec: CoachSpec, user) -> Calendar:
    """Weekly hours in the coach's own zone, so a paid contract has free times to book (the slot engine's)."""
    calendar, _ = demo.sync(
        Calendar,
        {"owner": user},
        {"time_zone": spec.time_zone, "buffer_after_minutes": 15, "min_notice_minutes": 12 * 60, "horizon_days": 90},
    )
    for weekday in COACHING_DAYS:
        for start, end in COACHING_HOURS:
            demo.sync(WeeklyRule, {"calendar": calendar, "weekday": weekday, "start_time": start}, {"end_time": end})
    return calendar


def _learner_proposal(demo: DemoSeed, coach: CoachProfile) -> None:
    """The learner's thread with the coach (written once) and an open proposal in it (again when the last expired)."""
    inquiry = Inquiry.objects.filter(coach=coach, student=demo.learner).first()
    if inquiry is None:
        asked = demo.now - timedelta(days=2)
        inquiry = Inquiry.objects.create(coach=coach, student=demo.learner, goals=LEARNER_GOALS, last_message_at=asked)
        Message.objects.create(inquiry=inquiry, author=demo.learner, body=LEARNER_GOALS, created_at=asked)
        Message.objects.create(
            inquiry=inquiry, author=coach.user, body=COACH_REPLY, created_at=asked + timedelta(hours=3)
        )
        demo.counts["coaching threads created"] += 1
    proposals = Proposal.objects.filter(inquiry=inquiry)
    if proposals.filter(status=Proposal.Status.ACCEPTED).exists():
        return
    for stale in proposals.filter(status=Proposal.Status.SENT, expires_at__lte=demo.now):
        proposal_set_status(proposal=stale, status=Proposal.Status.EXPIRED, reason="demo: expired before a new run")
    if proposals.filter(status=Proposal.Status.SENT).exists():
        return
    Proposal.objects.create(
        inquiry=inquiry, coach=coach, student=demo.learner, expires_at=demo.now + PROPOSAL_OPEN, **PROPOSAL
    )
    Message.objects.create(
        inquiry=inquiry,
        author=None,
        body=AUTO_PROPOSAL_SENT.format(coach=coach, title=PROPOSAL["title"]),
        created_at=demo.now,
    )
    Inquiry.objects.filter(pk=inquiry.pk).update(last_message_at=demo.now)
    demo.counts["coaching proposals created"] += 1
