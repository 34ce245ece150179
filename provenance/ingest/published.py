"""Publication dates from metadata values, URL paths and datelines.

Clean date strings are parsed by dateparser (cached: a corpus has few distinct values);
only the URL and dateline patterns, which dateparser does not look for, are our own.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

import dateparser

# dateparser settings for a metadata date: US month/day order as in the shared CSVs
# ("10/13/2023"); never fill a missing part from today.
_SETTINGS = {
    "DATE_ORDER": "MDY",
    "PREFER_DAY_OF_MONTH": "first",
    "PREFER_DATES_FROM": "past",
    "RETURN_TIME_AS_PERIOD": True,
    "REQUIRE_PARTS": ["year"],
}
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?")
_URL_DATE = re.compile(
    r"/(20\d{2}|19\d{2})[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:/|-|$)"
    r"|/(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])[-/_]"
)
MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], 1)}
MONTHS.update({k[:3]: v for k, v in list(MONTHS.items())})
MONTHS["sept"] = 9
# "Gaza City, October 31 (RHC)--", "WASHINGTON, Oct. 7, 2023 (AP) —"
DATELINE = re.compile(
    r"^(?P<place>[A-Z][\w'’.\- ]{1,40}(?:,\s*[A-Z][\w'’.\- ]{1,30})?),\s+"
    r"(?P<month>[A-Z][a-z]{2,8})\.?\s+(?P<day>\d{1,2})(?:,\s*(?P<year>\d{4}))?\s*"
    r"(?:\((?P<code>[A-Za-z][\w.\- ]{0,20})\))?\s*(?:--|—|–|-)",
    re.MULTILINE,
)


@lru_cache(maxsize=65536)
def parse_date_value(value: str) -> tuple[str, str] | None:
    """Parse a metadata date string.

    Args:
        value: A date as found in metadata ("2023-10-31", "10/13/2023", "Oct 31, 2023 14:05").

    Returns:
        ``(iso, precision)`` with precision ``time``, ``day``, ``month`` or ``year``, or None when
        the string is not a date with at least a year, or falls outside 1900..2100.
    """
    v = value.strip()
    if not v or len(v) > 64:
        return None
    m = _ISO.match(v)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        try:
            date(y, mo, d)
        except ValueError:
            return None
        if not 1900 <= y <= 2100:
            return None
        if m[4] and (m[4], m[5]) != ("00", "00"):
            return f"{y:04d}-{mo:02d}-{d:02d}T{m[4]}:{m[5]}", "time"
        return f"{y:04d}-{mo:02d}-{d:02d}", "day"
    if v.isdigit() and len(v) != 4:
        return None  # bare numbers are not dates; dateparser would read many as timestamps
    data = dateparser.date.DateDataParser(languages=["en"], settings=_SETTINGS).get_date_data(v)
    dt: datetime | None = data.date_obj
    if dt is None or not 1900 <= dt.year <= 2100:
        return None
    period = data.period or "day"
    if period == "year":
        return f"{dt.year:04d}", "year"
    if period == "month":
        return f"{dt.year:04d}-{dt.month:02d}", "month"
    if period == "time" and (dt.hour or dt.minute):
        return dt.strftime("%Y-%m-%dT%H:%M"), "time"
    return dt.strftime("%Y-%m-%d"), "day"


def date_from_url(url: str | None) -> str | None:
    """ISO day from a URL path such as ``/2023/10/05/`` or ``/20231005-slug``, else None."""
    if not url:
        return None
    m = _URL_DATE.search(url)
    if not m:
        return None
    y, mo, d = (m[1], m[2], m[3]) if m[1] else (m[4], m[5], m[6])
    try:
        return date(int(y), int(mo), int(d)).isoformat()
    except ValueError:
        return None


def find_dateline(text: str, search_chars: int = 1500) -> re.Match[str] | None:
    """The first dateline in the opening of an article, or None."""
    m = DATELINE.search(text[:search_chars])
    if m and m.group("month").lower().rstrip(".") in MONTHS:
        return m
    return None


def dateline_date(m: re.Match[str], year: int | None) -> tuple[str, str, bool] | None:
    """``(iso, precision, inferred)`` from a dateline match; the year from ``year`` if absent."""
    month = MONTHS[m.group("month").lower().rstrip(".")]
    day = int(m.group("day"))
    inferred = False
    if m.group("year"):
        y = int(m.group("year"))
    elif year:
        y, inferred = year, True
    else:
        return None
    try:
        return date(y, month, day).isoformat(), "day", inferred
    except ValueError:
        return None
