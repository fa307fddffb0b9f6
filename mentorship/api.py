"""Partner API for mentors: who is listed, what a session costs, and when they are free. Read-only.

Filtered and computed like the mentors pages, through the same selectors: prices come from
`mentor_session_prices` (the server's arithmetic, never the client's), free times from the scheduling
engine. Instants travel as UTC ISO 8601 (`2026-12-07T09:00:00Z`); each mentor's own zone is named
next to them so a partner can show local times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from innerwork.api.pagination import OrderedCursorPagination
from innerwork.core.money import format_money
from innerwork.scheduling.models import Calendar
from innerwork.scheduling.selectors import free_slots
from mentorship.models import Expertise, Language, MentorProfile
from mentorship.selectors import THIS_WEEK, MentorCard, mentor_cards, mentors_listed
from mentorship.services import SessionPrice, mentor_session_prices

UNKNOWN_EXPERTISE = "No expertise has this slug."
UNKNOWN_LANGUAGE = "No language has this code."
MENTOR_NOT_FOUND = "No approved mentor has this slug."
LENGTH_NOT_OFFERED = "This mentor offers {lengths} minutes."
NOT_DATE_OR_TIME = "Give a date (2026-12-07) or a date and time with its offset (2026-12-07T09:00:00Z)."
OFFSET_REQUIRED = "Give the time's UTC offset (2026-12-07T09:00:00Z or +01:00): a time without one is ambiguous."
RANGE_REVERSED = "`to` must be after `from`."
RANGE_TOO_LONG = "Ask for {days} days at most."

MAX_SLOT_RANGE = timedelta(days=62)
DEFAULT_SLOT_RANGE = timedelta(days=14)
BIO_SUMMARY_CHARS = 200
UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

TAGS = ["Mentors"]


def _utc_field(**kwargs) -> serializers.DateTimeField:
    return serializers.DateTimeField(default_timezone=UTC, format=UTC_FORMAT, **kwargs)


def _with_calendar(mentors: QuerySet[MentorProfile]) -> QuerySet[MentorProfile]:
    """The listing selector's mentors with their calendar joined in (its zone and horizon; no extra query)."""
    return mentors.select_related("user__calendar")


def _calendar(mentor: MentorProfile) -> Calendar | None:
    try:
        return mentor.user.calendar
    except Calendar.DoesNotExist:
        return None


def _time_zone(mentor: MentorProfile) -> str:
    """The zone the mentor's weekly hours are written in; their account's zone before they have a calendar."""
    calendar = _calendar(mentor)
    return calendar.time_zone if calendar is not None else mentor.user.time_zone


# --- Output shapes ------------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="MentorExpertise")
class ExpertiseSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="MentorLanguage")
class LanguageSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="ISO 639-1.")
    name = serializers.CharField()


@extend_schema_serializer(component_name="MentorHourlyRate")
class HourlyRateSerializer(serializers.Serializer):
    """An amount in the currency's minor unit (cents) plus its ISO 4217 code, and how we display it."""

    amount = serializers.IntegerField(source="hourly_rate_amount", help_text="Minor units (cents) per hour.")
    currency = serializers.CharField(help_text="ISO 4217, lower case.")
    display = serializers.SerializerMethodField(help_text='e.g. "$120.00".')

    def get_display(self, mentor: MentorProfile) -> str:
        return format_money(mentor.hourly_rate_amount, mentor.currency)


@extend_schema_serializer(component_name="MentorSessionPrice")
class SessionPriceSerializer(serializers.Serializer):
    """One session length and what it costs, computed on the server from the hourly rate."""

    minutes = serializers.IntegerField()
    amount = serializers.IntegerField(help_text="Minor units (cents).")
    currency = serializers.CharField(help_text="ISO 4217, lower case.")
    display = serializers.SerializerMethodField(help_text='e.g. "$60.00".')

    def get_display(self, price: SessionPrice) -> str:
        return format_money(price.amount, price.currency)


class MentorSummarySerializer(serializers.Serializer):
    """The fields of a mentors-list card; serialises a selectors.MentorCard."""

    slug = serializers.SlugField(source="mentor.slug")
    name = serializers.CharField(source="mentor.user.get_full_name")
    headline = serializers.CharField(source="mentor.headline")
    bio_summary = serializers.SerializerMethodField(help_text=f"The bio's first {BIO_SUMMARY_CHARS} characters.")
    expertise = ExpertiseSerializer(source="mentor.expertise.all", many=True)
    languages = LanguageSerializer(source="mentor.languages.all", many=True)
    time_zone = serializers.SerializerMethodField(help_text='The mentor\'s IANA zone, e.g. "Europe/Berlin".')
    hourly_rate = HourlyRateSerializer(source="mentor")
    sessions = serializers.SerializerMethodField(help_text="Each length offered with its price, shortest first.")
    next_free_slot = _utc_field(
        source="next_slot.start",
        allow_null=True,
        help_text="UTC start of the first free time for the shortest session, within the mentor's horizon.",
    )
    url = serializers.SerializerMethodField(help_text="The public mentor page.")

    def get_bio_summary(self, card: MentorCard) -> str:
        return Truncator(card.mentor.bio).chars(BIO_SUMMARY_CHARS)

    def get_time_zone(self, card: MentorCard) -> str:
        return _time_zone(card.mentor)

    @extend_schema_field(SessionPriceSerializer(many=True))
    def get_sessions(self, card: MentorCard) -> list[dict]:
        return SessionPriceSerializer(mentor_session_prices(mentor=card.mentor), many=True).data

    def get_url(self, card: MentorCard) -> str:
        path = reverse("mentorship:mentor_detail", kwargs={"slug": card.mentor.slug})
        return self.context["request"].build_absolute_uri(path)


def _listed_mentor(*, slug: str) -> MentorProfile:
    """The approved mentor with this slug, calendar joined in; NotFound (the API's 404) for anyone else."""
    try:
        return _with_calendar(mentors_listed()).get(slug=slug)
    except MentorProfile.DoesNotExist:
        raise NotFound(MENTOR_NOT_FOUND) from None


# --- Views ----------------------------------------------------------------------------------------------


class MentorListApi(generics.ListAPIView):
    """Approved mentors, by name; paginated. The same filters as the /mentors/ page."""

    required_scopes = ("catalogue:read",)
    pagination_class = OrderedCursorPagination
    cursor_field = "slug"

    class FilterSerializer(serializers.Serializer):
        expertise = serializers.SlugField(required=False, help_text="An expertise slug.")
        language = serializers.CharField(required=False, max_length=8, help_text="An ISO 639-1 language code.")
        max_rate = serializers.IntegerField(
            required=False, min_value=1, help_text="Highest hourly rate, in minor units (cents)."
        )
        this_week = serializers.BooleanField(
            required=False, default=False, help_text="Only mentors with a free time in the next 7 days."
        )

        def validate_expertise(self, slug: str) -> str:
            if not Expertise.objects.filter(slug=slug).exists():
                raise serializers.ValidationError(UNKNOWN_EXPERTISE)
            return slug

        def validate_language(self, code: str) -> str:
            if not Language.objects.filter(code=code).exists():
                raise serializers.ValidationError(UNKNOWN_LANGUAGE)
            return code

    @extend_schema_serializer(component_name="MentorListItem")
    class OutputSerializer(MentorSummarySerializer):
        """A mentor as shown on a mentors-list card."""

    serializer_class = OutputSerializer

    @extend_schema(
        operation_id="mentors_list",
        summary="List mentors",
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={
            200: OutputSerializer(many=True),
            400: OpenApiResponse(description="A filter value is invalid; the body names the parameter."),
        },
    )
    def get(self, request, *args, **kwargs):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        mentors = _with_calendar(
            mentors_listed(
                expertise=data.get("expertise", ""), language=data.get("language", ""), max_rate=data.get("max_rate")
            )
        )
        now = timezone.now()
        if data["this_week"]:
            # Who is free this week is known only after reading every calendar: all of them in one batch.
            free = [card.mentor.pk for card in mentor_cards(mentors=mentors, now=now, within=THIS_WEEK)]
            mentors = mentors.filter(pk__in=free)
        cards = mentor_cards(mentors=self.paginate_queryset(mentors), now=now)
        return self.get_paginated_response(self.get_serializer(cards, many=True).data)


class MentorDetailApi(generics.GenericAPIView):
    """One approved mentor: the card's fields plus the full bio."""

    required_scopes = ("catalogue:read",)

    @extend_schema_serializer(component_name="MentorDetail")
    class OutputSerializer(MentorSummarySerializer):
        """A mentor with their whole bio (plain text, as written)."""

        bio = serializers.CharField(source="mentor.bio")

    serializer_class = OutputSerializer

    @extend_schema(
        operation_id="mentors_retrieve",
        summary="Get a mentor",
        tags=TAGS,
        responses={200: OutputSerializer, 404: OpenApiResponse(description=MENTOR_NOT_FOUND)},
    )
    def get(self, request, slug: str):
        card = mentor_cards(mentors=[_listed_mentor(slug=slug)], now=timezone.now())[0]
        return Response(self.get_serializer(card).data)


@extend_schema_field(OpenApiTypes.STR)
class DateOrDateTimeField(serializers.Field):
    """A date (`2026-12-07`) or an instant with its offset (`2026-12-07T09:00:00Z`); naive times are refused."""

    def to_internal_value(self, value) -> date | datetime:
        text = str(value).strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        try:
            parsed = datetime.fromisoformat(text.replace(" ", "+"))
        except ValueError:
            raise serializers.ValidationError(NOT_DATE_OR_TIME) from None
        if parsed.tzinfo is None:
            raise serializers.ValidationError(OFFSET_REQUIRED)
        return parsed.astimezone(UTC)


@dataclass(frozen=True)
class SlotRange:
    """The free slots of one length in [start, end) as the API returns them."""

    mentor: MentorProfile
    time_zone: str
    price: SessionPrice
    start: datetime
    end: datetime
    slots: list


class MentorSlotsApi(generics.GenericAPIView):
    """A mentor's free times of one session length, in UTC, with the mentor's zone named."""

    required_scopes = ("catalogue:read",)

    class FilterSerializer(serializers.Serializer):
        """`from`/`to` (reserved words in Python) arrive by name through `get_fields`."""

        length = serializers.IntegerField(
            required=False, help_text="Minutes; one of the mentor's session lengths (default: the shortest)."
        )

        def get_fields(self):
            fields = super().get_fields()
            fields["from"] = DateOrDateTimeField(
                required=False,
                help_text="Start: a date (midnight in the mentor's zone) or an ISO 8601 time with its offset. "
                "Default: now.",
            )
            fields["to"] = DateOrDateTimeField(
                required=False,
                help_text="End: a date (included whole, in the mentor's zone) or a time. Default: from + 14 days. "
                f"At most {MAX_SLOT_RANGE.days} days after `from`; cut at the mentor's booking horizon.",
            )
            return fields

        def validate_length(self, minutes: int) -> int:
            lengths = sorted(self.context["mentor"].session_lengths)
            if minutes not in lengths:
                raise serializers.ValidationError(LENGTH_NOT_OFFERED.format(lengths=", ".join(map(str, lengths))))
            return minutes

        def validate(self, data: dict) -> dict:
            zone, now = ZoneInfo(self.context["time_zone"]), self.context["now"]
            start = _instant(data.get("from"), zone=zone, end=False) or now
            end = _instant(data.get("to"), zone=zone, end=True) or start + DEFAULT_SLOT_RANGE
            if end <= start:
                raise serializers.ValidationError({"to": RANGE_REVERSED})
            if end - start > MAX_SLOT_RANGE:
                raise serializers.ValidationError({"to": RANGE_TOO_LONG.format(days=MAX_SLOT_RANGE.days)})
            return {
                "length": data.get("length") or min(self.context["mentor"].session_lengths),
                "start": start,
                "end": end,
            }

    @extend_schema_serializer(component_name="MentorSlots")
    class OutputSerializer(serializers.Serializer):
        @extend_schema_serializer(component_name="MentorSlot")
        class SlotSerializer(serializers.Serializer):
            start = _utc_field()
            end = _utc_field()

        mentor = serializers.SlugField(source="mentor.slug")
        time_zone = serializers.CharField(help_text="The mentor's IANA zone, in which their hours are set.")
        length = serializers.IntegerField(source="price.minutes", help_text="Minutes.")
        price = SessionPriceSerializer()
        start = _utc_field(help_text="Where the search started (after `from` or now, whichever is later).")
        end = _utc_field(help_text="Where it ended (`to`, cut at the mentor's booking horizon).")
        slots = SlotSerializer(many=True, help_text="Free start times, earliest first, after the mentor's notice.")

    serializer_class = OutputSerializer

    @extend_schema(
        operation_id="mentors_slots",
        summary="List a mentor's free times",
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(description="A parameter is invalid; the body names it."),
            404: OpenApiResponse(description=MENTOR_NOT_FOUND),
        },
    )
    def get(self, request, slug: str):
        mentor = _listed_mentor(slug=slug)
        now = timezone.now()
        zone = _time_zone(mentor)
        params = self.FilterSerializer(
            data=request.query_params, context={"mentor": mentor, "time_zone": zone, "now": now}
        )
        params.is_valid(raise_exception=True)
        data = params.validated_data
        calendar = _calendar(mentor)
        horizon = now + timedelta(days=calendar.horizon_days) if calendar is not None else now
        start, end = max(data["start"], now), min(data["end"], horizon)
        price = next(price for price in mentor_session_prices(mentor=mentor) if price.minutes == data["length"])
        slots = (
            free_slots(host=mentor.user_id, length=timedelta(minutes=price.minutes), start=start, end=end, now=now)
            if start < end
            else []
        )
        result = SlotRange(mentor=mentor, time_zone=zone, price=price, start=start, end=max(start, end), slots=slots)
        return Response(self.get_serializer(result).data)


def _instant(value: date | datetime | None, *, zone: ZoneInfo, end: bool) -> datetime | None:
    """A `from`/`to` value as a UTC instant: a date is its midnight in the mentor's zone (for `to`, the next
    midnight, so the day is included)."""
    if value is None or isinstance(value, datetime):
        return value
    day = value + timedelta(days=1) if end else value
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
