"""Factories of the coaching app: specialties, coaches (with packages), threads and proposals.

Contracts are made the way the product makes them: `accepted_contract` accepts a proposal through
coaching.conversation.proposal_accept, so its terms are frozen exactly as in production.
"""

from datetime import timedelta

import factory
from django.utils import timezone

from coaching.conversation import proposal_accept
from coaching.models import CoachProfile, Inquiry, Message, PackageOffer, Proposal, Specialty
from innerwork.accounts.tests.factories import UserFactory


class SpecialtyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Specialty
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"specialty-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class CoachProfileFactory(factory.django.DjangoModelFactory):
    """An approved coach speaking English; pass status="pending" or "deactivated" to arrange another."""

    class Meta:
        model = CoachProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    slug = factory.Sequence(lambda n: f"coach-{n}")
    status = CoachProfile.Status.APPROVED
    headline = "Helps new leaders find their footing"
    bio = "Fifteen years of coaching managers through their first year."
    languages = factory.LazyFunction(lambda: ["en"])
    approved_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def specialties(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.specialties.add(*extracted)


class PackageOfferFactory(factory.django.DjangoModelFactory):
    """ "6 × 60 min over 12 weeks — $900"."""

    class Meta:
        model = PackageOffer

    coach = factory.SubFactory(CoachProfileFactory)
    title = "First-year leader"
    sessions_count = 6
    session_minutes = 60
    validity_weeks = 12
    price_amount = 90000
    currency = "usd"


class InquiryFactory(factory.django.DjangoModelFactory):
    """A thread between an approved coach and a student, opened by the student's goals."""

    class Meta:
        model = Inquiry
        skip_postgeneration_save = True

    coach = factory.SubFactory(CoachProfileFactory)
    student = factory.SubFactory(UserFactory)
    goals = "I lead a team for the first time and want to get better at feedback."

    @factory.post_generation
    def first_message(obj, create, extracted, **kwargs):
        if create:
            Message.objects.create(inquiry=obj, author=obj.student, body=obj.goals)


def terms(**overrides) -> dict:
    """A proposal's terms: 6 × 60 min, 900.00 USD, usable for 12 weeks, 24 hours' notice."""
    return {
        "title": "Leading your first team",
        "goals": "Feedback, delegation, one-to-ones.",
        "sessions_count": 6,
        "session_minutes": 60,
        "price_amount": 90000,
        "currency": "usd",
        "validity_weeks": 12,
        "cancel_notice_hours": 24,
        "cancellation_terms": "Move a session up to a day before, free.",
        **overrides,
    }


class ProposalFactory(factory.django.DjangoModelFactory):
    """A sent proposal of `terms()` in a new thread, open for 14 days. Made directly (no e-mail, no message):
    use coaching.conversation.proposal_send to test sending."""

    class Meta:
        model = Proposal

    inquiry = factory.SubFactory(InquiryFactory)
    coach = factory.SelfAttribute("inquiry.coach")
    student = factory.SelfAttribute("inquiry.student")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    title = terms()["title"]
    goals = terms()["goals"]
    sessions_count = 6
    session_minutes = 60
    price_amount = 90000
    currency = "usd"
    validity_weeks = 12
    cancel_notice_hours = 24
    cancellation_terms = terms()["cancellation_terms"]


def accepted_contract(**proposal_kwargs):
    """A contract waiting for payment, made by its student accepting a proposal (the product's own path)."""
    proposal = ProposalFactory(**proposal_kwargs)
    return proposal_accept(proposal=proposal, student=proposal.student)
