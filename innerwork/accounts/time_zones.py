"""IANA time zones as people pick them: grouped by region, labelled with today's UTC offset."""

import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache, lru_cache

from django.utils import timezone

# Canonical region/city zones. The legacy aliases ("US/Eastern", "GB", "EST5EDT")
# stay valid on the model but are not offered, so each city appears once.
REGIONS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")


@cache
def _zone_names() -> frozenset[str]:
    """The IANA zones this machine knows. zoneinfo scans the file system on every call; the set cannot
    change while the process runs (a new tzdata arrives with a deploy), so it is read once."""
    return frozenset(zoneinfo.available_timezones())


def is_valid_time_zone(name: str) -> bool:
    return name in _zone_names()


def zone_of_user(user) -> zoneinfo.ZoneInfo:
    """The user's own zone, or UTC when they have none (or an unknown one)."""
    try:
        return zoneinfo.ZoneInfo(getattr(user, "time_zone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


@contextmanager
def in_time_zone_of(user) -> Iterator[zoneinfo.ZoneInfo]:
    """Render in the user's zone (an e-mail's dates read as on the site); yields the zone."""
    zone = zone_of_user(user)
    with timezone.override(zone):
        yield zone


def utc_iso(value: datetime) -> str:
    """An instant as the UTC ISO 8601 string forms and links carry ("2026-12-04T16:00:00Z")."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_offset_label(name: str, *, at: datetime | None = None) -> str:
    """The zone's offset at `at` (now by default), e.g. "UTC+05:30", "UTC−04:00", "UTC+00:00"."""
    offset = (at or timezone.now()).astimezone(zoneinfo.ZoneInfo(name)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "−" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def _city_label(name: str) -> str:
    return name.split("/", 1)[1].replace("_", " ").replace("/", " / ")


def time_zone_choices(*, include: str | None = None) -> list:
    """Grouped choices for a <select>: ("UTC", ...) first, then one optgroup per region.

    `include` (the user's current zone) is added under "Other" when it is a valid
    zone that the regional list does not offer, so it can always be preselected.
    """
    now = timezone.now()
    quarter = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    choices = list(_regional_choices(quarter))
    offered = _offered_names()
    if include and include not in offered and is_valid_time_zone(include):
        choices.append(("Other", [(include, f"{include} ({utc_offset_label(include, at=now)})")]))
    return choices


@lru_cache(maxsize=2)
def _regional_choices(quarter: datetime) -> tuple:
    """The regional list labelled with the offsets at `quarter`: built once a quarter of an hour, not on every
    page (about 600 zones, each loaded and asked for its offset, were half of a mentor page's time). Every
    zone changes its offset on a quarter hour of UTC, so the labels are never out of date."""
    groups: dict[str, list[tuple[str, str]]] = {region: [] for region in REGIONS}
    for name in sorted(_zone_names()):
        region = name.split("/", 1)[0]
        if region in groups and "/" in name:
            groups[region].append((name, f"{_city_label(name)} ({utc_offset_label(name, at=quarter)})"))
    regional = tuple((region, tuple(zones)) for region, zones in groups.items() if zones)
    return (("UTC", "UTC (Coordinated Universal Time)"), *regional)


@cache
def _offered_names() -> frozenset[str]:
    return frozenset(name for name in _zone_names() if name.split("/", 1)[0] in REGIONS and "/" in name) | {"UTC"}
