"""Pure schedule arithmetic for daily digests: local HH:MM in an IANA zone, DST-correct."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .errors import InvalidArgument

_HHMM = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")
_LOOKS_LIKE_TIME = re.compile(r"^\d{1,2}[:.h]\d{1,2}$")


def parse_time(value: str) -> str:
    """"8:00", "08.30", "7h15" -> "HH:MM"."""
    match = _HHMM.match(value.strip())
    if not match:
        raise InvalidArgument(f"{value[:20]!r} is not a time of day; use HH:MM, e.g. 08:00")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def parse_timezone(value: str) -> str:
    """An IANA zone name ("Europe/Paris", case-insensitive) or UTC."""
    name = value.strip()
    if name.upper() in ("UTC", "GMT", "Z"):
        return "UTC"
    try:
        ZoneInfo(name)
        return name
    except (ZoneInfoNotFoundError, ValueError):
        pass
    lowered = {zone.lower(): zone for zone in available_timezones()}
    if name.lower() in lowered:
        return lowered[name.lower()]
    raise InvalidArgument(f"unknown timezone {name[:40]!r}; use an Area/City name such as Europe/Paris")


def parse_subscribe_args(args: list[str], default_time: str, default_timezone: str) -> tuple[str, str]:
    """``[HH:MM] [Area/City]`` in either order -> (time, timezone)."""
    if len(args) > 2:
        raise InvalidArgument("usage: /subscribe [HH:MM] [Area/City], e.g. /subscribe 07:30 Europe/Paris")
    when, zone = default_time, default_timezone
    for arg in args:
        if _LOOKS_LIKE_TIME.match(arg.strip()):
            when = parse_time(arg)
        else:
            zone = parse_timezone(arg)
    return when, zone


def _local(day, hhmm: str, zone: ZoneInfo) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def latest_slot(hhmm: str, zone_name: str, now: datetime) -> datetime:
    """The most recent scheduled moment at or before ``now`` (aware, UTC)."""
    zone = ZoneInfo(zone_name)
    local_now = now.astimezone(zone)
    for days_back in range(0, 3):
        candidate = _local(local_now.date() - timedelta(days=days_back), hhmm, zone)
        # normalise local times that fall in a DST gap or fold through UTC
        candidate_utc = candidate.astimezone(timezone.utc)
        if candidate_utc <= now.astimezone(timezone.utc):
            return candidate_utc
    raise AssertionError("unreachable: a daily slot exists within three days")


def next_slot(hhmm: str, zone_name: str, now: datetime) -> datetime:
    """The next scheduled moment strictly after ``now`` (aware, UTC)."""
    zone = ZoneInfo(zone_name)
    local_now = now.astimezone(zone)
    for days_ahead in range(0, 3):
        candidate = _local(local_now.date() + timedelta(days=days_ahead), hhmm, zone).astimezone(timezone.utc)
        if candidate > now.astimezone(timezone.utc):
            return candidate
    raise AssertionError("unreachable: a daily slot exists within three days")


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()
