"""Coaching: coaches, the conversation that leads to a proposal, and contracts paid through commerce.

The life of a package:

    Inquiry (a student asks a coach, a thread both write in)
      └─ Proposal (the coach's offer: sessions × length, price, validity, cancellation terms, expiry)
           sent → accepted / declined / withdrawn / superseded / expired
           └─ Contract (the accepted terms, frozen; sold as one order line of kind `coaching_contract`)
                pending_payment → active → completed; pending_payment → canceled; active → canceled / refunded
                └─ CoachingSession × up to `sessions_count` (each one a scheduling.Appointment)
                     scheduled → completed / no_show / canceled_late (credit used) / canceled_in_time (returned)

Each status has one door (coaching.status) that checks the model's TRANSITIONS and records the move.
Money is decided on the server only: a contract charges and pro-rates what its frozen terms say,
whatever the coach changes afterwards.
"""

import secrets

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from innerwork.core.models import ApprovedProfile, TimelineEvent, TimeStampedModel

# Session lengths a coach may propose, in minutes.
SESSION_LENGTHS = (30, 45, 60, 90, 120)
MAX_SESSIONS = 52
MAX_VALIDITY_WEEKS = 104


def _number(prefix: str) -> str:
    """PRP-20261204-7KQ2XD: a prefix, the UTC date and six unambiguous random characters."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return f"{prefix}-{timezone.now():%Y%m%d}-{''.join(secrets.choice(alphabet) for _ in range(6))}"


def new_proposal_number() -> str:
    return _number("PRP")


def new_contract_number() -> str:
    return _number("CTR")


def _validate_languages(value) -> None:
    if not isinstance(value, list) or any(code not in LANG_INFO for code in value):
        raise ValidationError('Languages are ISO 639-1 codes, e.g. ["en", "es"].')


class Specialty(models.Model):
    """What a coach works on ("Executive presence", "Career transitions")."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"

    def __str__(self) -> str:
        return self.name


class CoachProfile(ApprovedProfile):
    """A coach is a user with an approved, active CoachProfile; their hours are their scheduling calendar."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coach_profile")
    photo = models.ImageField(upload_to="coaches/", blank=True, help_text="Square; initials are shown without one.")
    specialties = models.ManyToManyField(Specialty, related_name="coaches", blank=True)
    languages = models.JSONField(
        default=list, blank=True, validators=[_validate_languages], help_text='ISO 639-1 codes, e.g. ["en", "es"].'
    )

    class Meta(ApprovedProfile.Meta):
        permissions = [("approve_coach", "Can approve and deactivate coaches")]

    @property
    def language_names(self) -> list[str]:
        return [LANG_INFO[code]["name"] for code in self.languages if code in LANG_INFO]


class PackageOffer(models.Model):
    """An example package on a coach's public page ("6 × 60 min over 12 weeks — $900").

    Only an illustration: what a student pays is always the price of a proposal made for them.
    """

    coach = models.ForeignKey(CoachProfile, on_delete=models.CASCADE, related_name="packages")
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    sessions_count = models.PositiveSmallIntegerField()
    session_minutes = models.PositiveSmallIntegerField(choices=[(m, f"{m} min") for m in SESSION_LENGTHS])
    validity_weeks = models.PositiveSmallIntegerField()
    price_amount = models.PositiveIntegerField(help_text="Minor units of `currency`.")
    currency = models.CharField(max_length=3, default="usd")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["coach", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions_count__gte=1, sessions_count__lte=MAX_SESSIONS), name="package_sessions_range"
            ),
            models.CheckConstraint(condition=Q(price_amount__gt=0), name="package_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.coach}: {self.title}"


class Inquiry(TimeStampedModel):
    """A student's request for a proposal, and the thread the student and the coach write in.

    One thread per (coach, student): asking again writes in the same thread.
    """

    coach = models.ForeignKey(CoachProfile, on_delete=models.PROTECT, related_name="inquiries")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coaching_inquiries")
    goals = models.TextField(help_text="What the student wants to work on, in their words.")
    last_message_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        verbose_name_plural = "inquiries"
        constraints = [
            models.UniqueConstraint(fields=["coach", "student"], name="inquiry_one_thread_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.student} → {self.coach}"


class Message(models.Model):
    """One message of an inquiry's thread: written by the student or the coach, or posted by InnerWork (no author)."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.inquiry}: {self.body[:40]}"

    @property
    def is_automatic(self) -> bool:
        return self.author_id is None


class Terms(models.Model):
    """The terms of a package, shared by the proposal that offers them and the contract that freezes them."""

    title = models.CharField(max_length=120)
    goals = models.TextField()
    sessions_count = models.PositiveSmallIntegerField()
    session_minutes = models.PositiveSmallIntegerField(choices=[(m, f"{m} min") for m in SESSION_LENGTHS])
    price_amount = models.PositiveIntegerField(help_text="The whole package, in minor units of `currency`.")
    currency = models.CharField(max_length=3, default="usd")
    validity_weeks = models.PositiveSmallIntegerField(help_text="How long the sessions can be used after payment.")
    cancel_notice_hours = models.PositiveSmallIntegerField(
        default=24, help_text="A session cancelled with less notice than this uses its credit."
    )
    cancellation_terms = models.TextField(blank=True, help_text="The coach's cancellation terms, in their words.")

    TERMS_FIELDS = (
        "title",
        "goals",
        "sessions_count",
        "session_minutes",
        "price_amount",
        "currency",
        "validity_weeks",
        "cancel_notice_hours",
        "cancellation_terms",
    )

    class Meta:
        abstract = True

    @classmethod
    def terms_constraints(cls, prefix: str) -> list[models.CheckConstraint]:
        return [
            models.CheckConstraint(
                condition=Q(sessions_count__gte=1, sessions_count__lte=MAX_SESSIONS), name=f"{prefix}_sessions_range"
            ),
            models.CheckConstraint(condition=Q(price_amount__gt=0), name=f"{prefix}_price_positive"),
            models.CheckConstraint(
                condition=Q(validity_weeks__gte=1, validity_weeks__lte=MAX_VALIDITY_WEEKS),
                name=f"{prefix}_validity_range",
            ),
        ]

    def terms(self) -> dict:
        """The terms as a plain dict (what the student accepted, recorded on the contract)."""
        return {name: getattr(self, name) for name in self.TERMS_FIELDS}


class Proposal(Terms, TimeStampedModel):
    """A coach's offer to one student. Never edited once sent: a revision supersedes it."""

    class Status(models.TextChoices):
        SENT = "sent", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        SUPERSEDED = "superseded", "Replaced by a revision"
        EXPIRED = "expired", "Expired"

    # Every status change goes through coaching.status.proposal_set_status, which checks this map.
    TRANSITIONS = {
        Status.SENT: {Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN, Status.SUPERSEDED, Status.EXPIRED},
        Status.ACCEPTED: set(),
        Status.DECLINED: set(),
        Status.WITHDRAWN: set(),
        Status.SUPERSEDED: set(),
        Status.EXPIRED: set(),
    }

    number = models.CharField(max_length=24, unique=True, default=new_proposal_number)
    inquiry = models.ForeignKey(Inquiry, on_delete=models.PROTECT, related_name="proposals")
    coach = models.ForeignKey(CoachProfile, on_delete=models.PROTECT, related_name="proposals")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coaching_proposals")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SENT, db_index=True)
    expires_at = models.DateTimeField(help_text="An answer after this is refused; the proposal expires.")
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            *Terms.terms_constraints("proposal"),
            # One open proposal per thread: a revision supersedes the one it replaces.
            models.UniqueConstraint(
                fields=["inquiry"], condition=Q(status="sent"), name="proposal_one_open_per_thread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.title}"


# The commerce product kind a contract is sold as (coaching.product_kind), and the staff right to end one.
CONTRACT_KIND = "coaching_contract"
CANCEL_PERMISSION = "coaching.cancel_contract"


class Contract(Terms, TimeStampedModel):
    """An accepted proposal's terms, frozen, and what became of them: payment, sessions, end.

    Sold through commerce as one order line of kind `coaching_contract` whose ref is the contract's pk.
    """

    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", "Waiting for payment"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        CANCELED = "canceled", "Cancelled"
        REFUNDED = "refunded", "Refunded"

    # Every status change goes through coaching.status.contract_set_status, which checks this map and
    # records the move on the contract's timeline.
    TRANSITIONS = {
        Status.PENDING_PAYMENT: {Status.ACTIVE, Status.CANCELED},
        Status.ACTIVE: {Status.COMPLETED, Status.CANCELED, Status.REFUNDED},
        Status.COMPLETED: set(),
        Status.CANCELED: set(),
        Status.REFUNDED: set(),
    }

    class Party(models.TextChoices):
        STUDENT = "student", "Student"
        COACH = "coach", "Coach"
        STAFF = "staff", "Staff"

    number = models.CharField(max_length=24, unique=True, default=new_contract_number)
    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="contract")
    coach = models.ForeignKey(CoachProfile, on_delete=models.PROTECT, related_name="contracts")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coaching_contracts")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING_PAYMENT, db_index=True)
    accepted_terms = models.JSONField(help_text="The terms exactly as the student accepted them.")
    accepted_at = models.DateTimeField()
    activated_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Set on payment: activated_at + validity_weeks.")
    ended_at = models.DateTimeField(null=True, blank=True)
    canceled_by = models.CharField(max_length=8, choices=Party.choices, blank=True)
    cancel_reason = models.CharField(max_length=255, blank=True)
    expiry_warned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("cancel_contract", "Can cancel a coaching contract with a refund")]
        constraints = [
            *Terms.terms_constraints("contract"),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("activated_at")), name="contract_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.title}"


class ContractEvent(TimelineEvent):
    """One entry of a contract's timeline: a status move, a payment, a session, a note for staff."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="events")

    def __str__(self) -> str:
        return f"{self.contract}: {self.message}"


class CoachingSession(TimeStampedModel):
    """One session of a contract, using one of its credits: a time in the coach's calendar.

    Credits: a contract has `sessions_count`. A session that is scheduled reserves one; completed,
    no-show and cancelled late use one; cancelled in time gives it back. coaching.credits keeps the
    count and the ledger.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        COMPLETED = "completed", "Completed"
        NO_SHOW = "no_show", "No-show"
        CANCELED_LATE = "canceled_late", "Cancelled late (credit used)"
        CANCELED_IN_TIME = "canceled_in_time", "Cancelled in time (credit returned)"

    # Every status change goes through coaching.status.session_set_status, which checks this map.
    TRANSITIONS = {
        Status.SCHEDULED: {Status.COMPLETED, Status.NO_SHOW, Status.CANCELED_LATE, Status.CANCELED_IN_TIME},
        Status.COMPLETED: set(),
        Status.NO_SHOW: set(),
        Status.CANCELED_LATE: set(),
        Status.CANCELED_IN_TIME: set(),
    }
    USES_CREDIT = (Status.COMPLETED, Status.NO_SHOW, Status.CANCELED_LATE)
    HOLDS_CREDIT = (Status.SCHEDULED, *USES_CREDIT)

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="sessions")
    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="coaching_session"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED, db_index=True)
    reschedule_count = models.PositiveSmallIntegerField(default=0)
    canceled_at = models.DateTimeField(null=True, blank=True)
    canceled_by = models.CharField(max_length=8, choices=Contract.Party.choices, blank=True)
    request_key = models.CharField(
        max_length=64, blank=True, help_text="The booking form's one-time token: a repeated submit finds this session."
    )

    class Meta:
        ordering = ["appointment__start_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "request_key"],
                condition=~Q(request_key=""),
                name="coaching_session_one_per_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} · {self.appointment.start_at:%Y-%m-%d %H:%M} UTC ({self.status})"
