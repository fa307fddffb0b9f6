"""IANA time zones as people pick them: grouped by region, labelled with today's UTC offset."""

import zoneinfo
from contextlib import contextmanager
from datetime import datetime

from django.utils import timezone

# Canonical region/city zones. The legacy aliases ("US/Eastern", "GB", "EST5EDT")
# stay valid on the model but are not offered, so each city appears once.
REGIONS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")


def is_valid_time_zone(name: str) -> bool:
    return name in zoneinfo.available_timezones()


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
    names = sorted(zoneinfo.available_timezones())
    groups: dict[str, list[tuple[str, str]]] = {region: [] for region in REGIONS}
    for name in names:
        region = name.split("/", 1)[0]
        if region in groups and "/" in name:
            groups[region].append((name, f"{_city_label(name)} ({utc_offset_label(name, at=now)})"))
    choices: list = [("UTC", "UTC (Coordinated Universal Time)")]
    choices += [(region, zones) for region, zones in groups.items() if zones]
    offered = {value for _, zones in choices[1:] for value, _ in zones} | {"UTC"}
    if include and include not in offered and is_valid_time_zone(include):
        choices.append(("Other", [(include, f"{include} ({utc_offset_label(include, at=now)})")]))
    return choices


@contextmanager
def in_time_zone_of(user):
    """Dates rendered inside read in `user`'s own zone (an e-mail to them), UTC when theirs is unknown.

    Yields the zone. (mentorship's and commerce's notifications each keep a private copy of this from
    before it was here; they can use it instead.)
    """
    try:
        zone = zoneinfo.ZoneInfo(getattr(user, "time_zone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    with timezone.override(zone):
        yield zone
