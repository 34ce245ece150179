"""Date extraction: every rule, the dateparser pitfalls, resolution properties, the seed article.

Example sentences are our own, modelled on constructions in wire copy about the Gaza war
(datelines, "on Monday", "since October 7", "the 2014 war"). The publication date of most
cases is Tuesday 31 October 2023 (ISO week 44), the seed article's date.
"""

from __future__ import annotations

import datetime as dt
import gzip
import itertools
import json

import pytest
from conftest import shared_path
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.extract.dates import VERSION, extract_dates
from provenance.extract.sentences import split_sentences
from provenance.models import DateMention

PUB = "2023-10-31"  # a Tuesday


def _one(text: str, published: str | None = PUB, **kw: object) -> DateMention:
    found = extract_dates(text, published, **kw)  # type: ignore[arg-type]
    assert len(found) == 1, [m.text for m in found]
    return found[0]


# --------------------------------------------------------------------------- absolute dates

@pytest.mark.parametrize(
    "text, span, value, granularity, relative",
    [
        # month-name dates; a date without a year is relative (its year comes from publication)
        ("The attack on Oct. 7 killed hundreds.", "Oct. 7", "2023-10-07", "day", True),
        ("The attack on October 7th killed hundreds.", "October 7th", "2023-10-07", "day", True),
        ("Hamas attacked on 7 October 2023, officials said.", "7 October 2023", "2023-10-07", "day", False),
        ("It began on the 7th of October.", "the 7th of October", "2023-10-07", "day", True),
        ("Talks ended Saturday, Oct. 7, 2023, at dawn.", "Saturday, Oct. 7, 2023", "2023-10-07", "day", False),
        ("The ceasefire of May 21, 2021, held.", "May 21, 2021", "2021-05-21", "day", False),
        ("FEB. 14, 2023 was quiet.", "FEB. 14, 2023", "2023-02-14", "day", False),
        # month and year, month alone, month with a shifted year
        ("Fighting flared in October 2023 near the border.", "October 2023", "2023-10", "month", False),
        ("The strikes began in mid-October.", "mid-October", "2023-10", "month", True),
        ("The blockade tightened in May.", "May", "2023-05", "month", True),
        ("The crossing closed in June last year.", "June last year", "2022-06", "month", True),
        ("He visited Gaza last May.", "last May", "2023-05", "month", True),
        ("Elections are due next January.", "next January", "2024-01", "month", True),
        # a yearless date in the coming weeks is the coming one (the forward horizon)
        ("The vote is set for Dec. 15.", "Dec. 15", "2023-12-15", "day", True),
        # ...but only within 75 days; beyond that the nearest before publication wins
        ("The vote was held on Jan. 20.", "Jan. 20", "2023-01-20", "day", True),
        # future tense points forward only within 300 days: a date just gone stays this year's
        ("He will stand trial for the Oct. 27 bombing.", "Oct. 27", "2023-10-27", "day", True),
        ("The court will rule on the Oct. 30 shelling.", "Oct. 30", "2023-10-30", "day", True),
        ("The inquiry will report on the September floods.", "September", "2023-09", "month", True),
        # ...while a date inside the limit is still the coming one
        ("The summit will open on March 3.", "March 3", "2024-03-03", "day", True),
        # years, including a year used as a modifier: no month or day is invented
        ("Casualties exceeded those of the 2014 war.", "2014", "2014", "year", False),
        ("Rebuilding could take until early 2025.", "early 2025", "2025", "year", False),
        # numeric dates: month/day/year is the documented convention; a part over 12 forces DMY
        ("The memo is dated 10/07/2023.", "10/07/2023", "2023-10-07", "day", False),
        ("The memo is dated 31/10/2023.", "31/10/2023", "2023-10-31", "day", False),
        ("The memo is dated 10/7/23.", "10/7/23", "2023-10-07", "day", False),
        ("Posted 2023-10-07 by the ministry.", "2023-10-07", "2023-10-07", "day", False),
        ("Logged at 2023-10-07T06:30 local time.", "2023-10-07T06:30", "2023-10-07T06:30", "time", False),
        # a deadline lies ahead: "by February" in an October article is next February
        ("The plan is to pay down the bridge loan by February.", "February", "2024-02", "month", True),
        # spoken years in broadcast transcripts
        ("Atlanta, nineteen ninety-six. A bomb blast shocks the Games.", "nineteen ninety-six", "1996", "year",
         False),
        ("January nineteen ninety-seven. A second bomb.", "January nineteen ninety-seven", "1997-01", "month",
         False),
        ("The approach of the year two thousand worries them.", "the year two thousand", "2000", "year", False),
        # holidays
        ("Bethlehem will mark Christmas Eve quietly.", "Christmas Eve", "2023-12-24", "day", True),
    ],
)
def test_absolute_dates(text: str, span: str, value: str, granularity: str, relative: bool) -> None:
    m = _one(text)
    assert (m.text, m.value, m.granularity, m.relative) == (span, value, granularity, relative)
    assert m.resolved


def test_numeric_order_can_be_day_first() -> None:
    assert _one("The memo is dated 10/07/2023.", numeric_order="DMY").value == "2023-07-10"


# --------------------------------------------------------------------------- relative dates

@pytest.mark.parametrize(
    "text, span, value, granularity",
    [
        ("The ministry said on Monday that the toll had risen.", "Monday", "2023-10-30", "day"),
        # a weekday on the publication day is that day
        ("Officials said on Tuesday that aid had arrived.", "Tuesday", "2023-10-31", "day"),
        ("The army said on Wednesday that it had struck targets.", "Wednesday", "2023-10-25", "day"),
        # tense and "next"/"last" move a weekday
        ("The cabinet will meet on Thursday to discuss the truce.", "Thursday", "2023-11-02", "day"),
        ("Envoys are expected to arrive Friday.", "Friday", "2023-11-03", "day"),
        ("The talks resume next Tuesday.", "next Tuesday", "2023-11-07", "day"),
        ("A convoy crossed last Tuesday.", "last Tuesday", "2023-10-24", "day"),
        ("Sirens sounded Monday night in the south.", "Monday night", "2023-10-30", "day"),
        # days, weeks, months, years relative to publication
        ("The hospital was hit yesterday.", "yesterday", "2023-10-30", "day"),
        ("The crossing reopens today.", "today", "2023-10-31", "day"),
        ("The crossing reopens tomorrow.", "tomorrow", "2023-11-01", "day"),
        ("It was shelled the day before yesterday.", "the day before yesterday", "2023-10-29", "day"),
        ("Two aid workers were killed two days ago.", "two days ago", "2023-10-29", "day"),
        ("The leaflets were dropped 10 days ago.", "10 days ago", "2023-10-21", "day"),
        ("Thousands fled last week.", "last week", "2023-W43", "week"),
        ("Thousands have fled this week.", "this week", "2023-W44", "week"),
        ("Three weeks ago the border was calm.", "Three weeks ago", "2023-W41", "week"),
        # every count and unit before "ago" (found from the unit, plural or not)
        ("The crossing opened two days ago.", "two days ago", "2023-10-29", "day"),
        ("The crossing opened a day ago.", "a day ago", "2023-10-30", "day"),
        ("The tunnel was found about six months ago.", "about six months ago", "2023-04", "month"),
        ("Aid arrived yesterday, officials said.", "yesterday", "2023-10-30", "day"),
        ("Strikes resumed today.", "today", "2023-10-31", "day"),
        ("Aid stopped the day before yesterday.", "the day before yesterday", "2023-10-29", "day"),
        ("The agency warned earlier this month of shortages.", "earlier this month", "2023-10", "month"),
        ("Fuel ran out last month.", "last month", "2023-09", "month"),
        ("Elections are planned next year.", "next year", "2024", "year"),
        ("The deal was signed a year ago.", "a year ago", "2022", "year"),
        ("Targets must be met by the end of the year.", "the end of the year", "2023", "year"),
        # "planning" and a deadline ("as soon as", "by") point a weekday forward...
        ("Envoys are planning talks in Cairo on Thursday.", "Thursday", "2023-11-02", "day"),
        ("The convoy could leave as soon as Friday.", "Friday", "2023-11-03", "day"),
        # ...unless the verb is past: "by" is then "as of"
        ("More than 8,000 had been killed by Sunday.", "Sunday", "2023-10-29", "day"),
        # "past" shifts only a unit: here it is a preposition
        ("He looked ahead, past Tuesday's contest, to the convention.", "Tuesday", "2023-10-31", "day"),
        # "the past year" is last year (TimeML's value); "the last week" stays a duration
        ("Hate crimes rose sharply over the past year.", "the past year", "2022", "year"),
        # "for the year" in a results story is the publication's year
        ("For the year, sales rose 5% to $6.6 billion.", "the year", "2023", "year"),
        ("Profit fell in the first nine months of the year.", "the year", "2023", "year"),
        # tense cues: "succeed" is not a past "-ed" verb, "next to" is not "next", and an
        # abbreviation ("Mr.", "P.") does not end the sentence the cue is read from
        ("Mr. Haddad will succeed Omar P. Saleh on Feb. 1.", "Feb. 1", "2024-02-01", "day"),
        ("Two blasts hit next to the embassy on Friday.", "Friday", "2023-10-27", "day"),
        ("On Thursday night, Mr. Saleh will speak in Rafah.", "Thursday night", "2023-11-02", "day"),
        # a clock time joins a day
        ("The strike hit Monday at 2 p.m., witnesses said.", "Monday at 2 p.m.", "2023-10-30T14:00", "time"),
        ("At 10:30 a.m. on Monday the sirens sounded.", "10:30 a.m. on Monday", "2023-10-30T10:30", "time"),
    ],
)
def test_relative_dates(text: str, span: str, value: str, granularity: str) -> None:
    m = _one(text)
    assert (m.text, m.value, m.granularity) == (span, value, granularity)
    assert m.relative and m.resolved


# --------------------------------------------------------------------------- quarters

@pytest.mark.parametrize(
    "text, published, expected",
    [
        # results-story forms, valued YYYY-Qn as TimeML does; the adjective's span leaves out "the"
        ("Third-quarter profit rose 5%.", PUB, [("Third-quarter", "2023-Q3")]),
        ("The bank reported the third-quarter loss on Monday.", PUB,
         [("third-quarter", "2023-Q3"), ("Monday", "2023-10-30")]),
        ("Output fell in the fourth quarter.", PUB, [("the fourth quarter", "2023-Q4")]),
        ("Sales in the fiscal first quarter rose.", PUB, [("the fiscal first quarter", "2023-Q1")]),
        ("Profit fell in the third quarter of 2022.", PUB, [("the third quarter of 2022", "2022-Q3")]),
        ("Profit fell in the 2022 third quarter.", PUB, [("the 2022 third quarter", "2022-Q3")]),
        ("The cut takes effect in next year's first quarter.", PUB, [("next year's first quarter", "2024-Q1")]),
        ("Net income fell from the year-ago quarter.", PUB, [("the year-ago quarter", "2022-Q3")]),
        ("Margins narrowed in the latest quarter.", PUB, [("the latest quarter", "2023-Q3")]),
        # a quarter that has not begun is last year's, unless the sentence is in the future tense
        ("It followed the fourth quarter's decline of 0.3%.", "2023-06-06", [("the fourth quarter", "2022-Q4")]),
        ("Growth will pick up in the fourth quarter.", "2023-06-06", [("the fourth quarter", "2023-Q4")]),
        # a year just before the quarter stays a year of its own when a comma parts them
        ("In 2022, third-quarter sales fell.", PUB, [("2022", "2022"), ("third-quarter", "2023-Q3")]),
        # the publication month is needed
        ("Third-quarter profit rose 5%.", "2023", [("Third-quarter", None)]),
    ],
)
def test_quarters(text: str, published: str, expected: list[tuple[str, str | None]]) -> None:
    found = extract_dates(text, published)
    assert [(m.text, m.value) for m in found] == expected
    assert all(m.granularity == "quarter" for m in found if "quarter" in m.text.lower())


@pytest.mark.parametrize(
    "text",
    [
        "Nearly a quarter of the population fled.",  # a fraction
        "It was the worst attack in the last quarter century.",  # a span of years
        "The bank made a quarter-point cut.",
        "In the fourth quarter, the home side scored twice.",  # a game's quarter
        "They met in the French Quarter.",  # a place
        "Net income fell in the quarter.",  # "the quarter" alone is an anaphor: not read
    ],
)
def test_not_quarters(text: str) -> None:
    assert [m for m in extract_dates(text, PUB) if "uarter" in m.text] == []


# --------------------------------------------------------------------------- reference time

@pytest.mark.parametrize(
    "text, published, expected",
    [
        # "earlier"/"later"/"the following" count from the last date mentioned before them...
        ("He was jailed in 2014. A year earlier he had fled.", PUB, [("2014", "2014"), ("A year earlier", "2013")]),
        ("Talks began on Monday. Two days later they collapsed.", PUB,
         [("Monday", "2023-10-30"), ("Two days later", "2023-11-01")]),
        ("He left in 2010 and the following year he returned.", PUB, [("2010", "2010"), ("the following year", "2011")]),
        # "a year ago ... a year earlier" name the same comparison period...
        ("Output fell 8% from a year ago; costs rose compared with a year earlier.", PUB,
         [("a year ago", "2022"), ("a year earlier", "2022")]),
        # ...but other counts, and "later", count from the "ago" date
        ("He was jailed two years ago. A year earlier he had fled.", PUB,
         [("two years ago", "2021"), ("A year earlier", "2020")]),
        ("Protests began a week ago. A week later the army moved in.", PUB,
         [("a week ago", "2023-W43"), ("A week later", "2023-W44")]),
        # "that day", "March of that year": the reference itself
        ("He was killed on Oct. 23, 1998. Earlier that day his family had gone to synagogue.", PUB,
         [("Oct. 23, 1998", "1998-10-23"), ("Earlier that day", "1998-10-23")]),
        ("He opposed the plan in 2016. In March of that year he resigned.", PUB,
         [("2016", "2016"), ("March of that year", "2016-03")]),
        ("Trading stopped that day.", PUB, []),
        # ...and a second "a year earlier" counts from the same time, not from the first one
        ("Profit rose from $4 a year earlier; sales fell from a year earlier.", PUB,
         [("a year earlier", "2022"), ("a year earlier", "2022")]),
        # with no earlier date, from the publication date; unknown publication: unresolved
        ("Profit rose from a year earlier.", PUB, [("a year earlier", "2022")]),
        ("Profit rose from a year earlier.", None, [("a year earlier", None)]),
        # a reference coarser than the unit cannot be counted from
        ("The war began in 2014. Two days later a truce failed.", PUB, [("2014", "2014"), ("Two days later", None)]),
    ],
)
def test_reference_time(text: str, published: str | None, expected: list[tuple[str, str | None]]) -> None:
    assert [(m.text, m.value) for m in extract_dates(text, published)] == expected


# --------------------------------------------------------------------------- open intervals

@pytest.mark.parametrize(
    "text, span, value, kind",
    [
        ("More than 8,000 have been killed since October 7.", "October 7", "2023-10-07", "since"),
        ("No fuel has entered since Oct. 9, officials said.", "Oct. 9", "2023-10-09", "since"),
        ("The curfew stays in force until November 5.", "November 5", "2023-11-05", "until"),
        ("Schools stay closed until January.", "January", "2024-01", "until"),
        ("The strike happened on October 7.", "October 7", "2023-10-07", "point"),
    ],
)
def test_since_and_until(text: str, span: str, value: str, kind: str) -> None:
    m = _one(text)
    assert (m.text, m.value, m.kind) == (span, value, kind)


# --------------------------------------------------------------------------- roles

@pytest.mark.parametrize(
    "text, span, value, role",
    [
        ("Gaza City, October 31 (RHC)-- A spokesman said...", "October 31", "2023-10-31", "dateline"),
        ("JERUSALEM, Oct. 30 (Reuters) - Israel said...", "Oct. 30", "2023-10-30", "dateline"),
        ("KHAN YOUNIS, Gaza Strip, Oct. 29 (AP) — Residents fled...", "Oct. 29", "2023-10-29", "dateline"),
        ("Published: October 31, 2023\n\nThe ministry said...", "October 31, 2023", "2023-10-31", "published"),
        ("Ceasefire talks stall\nOctober 31, 2023\n\nThe talks...", "October 31, 2023", "2023-10-31", "published"),
        ("The talks on October 31 stalled.", "October 31", "2023-10-31", None),
    ],
)
def test_roles(text: str, span: str, value: str, role: str | None) -> None:
    m = _one(text)
    assert (m.text, m.value, m.role) == (span, value, role)


def test_dateline_is_never_in_the_future() -> None:
    # A dateline is the article's own date: "November 2" in an article of 31 October 2023 is
    # last year's, even though the next 2 November is nearer.
    m = _one("RAFAH, November 2 (AFP) - Crowds waited.")
    assert (m.role, m.value) == ("dateline", "2022-11-02")


# --------------------------------------------------------------------------- VERSION 5 rules

@pytest.mark.parametrize(
    "text, published, expected",
    [
        # a year before "to" is a year when a later year follows, or after "in"; "to" after a
        # number in a range of counts still makes it a count
        ("She chaired the board from 2009 to 2013.", PUB, [("2009", "2009"), ("2013", "2013")]),
        ("Exports grew from $3 billion in 2010 to $5 billion.", PUB, [("2010", "2010")]),
        ("Between 1800 to 2000 people gathered.", PUB, []),
        ("Prices rose from 1990 to 2010 dollars a ton.", PUB, []),
        # "as soon as" / "as early as" point forward even in a past-tense sentence
        ("A vote could come as soon as Thursday, aides said.", PUB, [("Thursday", "2023-11-02")]),
        ("Aides said the bill was ready to pass as early as Friday.", PUB, [("Friday", "2023-11-03")]),
        # so do "effective" and postponement verbs
        ("The board named a new chief, effective Feb. 1.", PUB, [("Feb. 1", "2024-02-01")]),
        ("The judge postponed until Monday any ruling on bail.", PUB, [("Monday", "2023-11-06")]),
        # "United States" is not a past-tense verb
        ("He would fly to the United States Thursday.", PUB, [("Thursday", "2023-11-02")]),
        # "the day before/after" a date, "the week of" a date
        ("They met the day before last Tuesday's vote.", PUB, [("the day before last Tuesday", "2023-10-23")]),
        ("Aid arrived the day after Oct. 7.", PUB, [("the day after Oct. 7", "2023-10-08")]),
        ("A hearing is set for the week of Nov. 13.", PUB, [("the week of Nov. 13", "2023-W46")]),
        # a second day of the same month; not a count after it
        ("Leaders meet on Nov. 14 and 15 in Cairo.", PUB, [("Nov. 14", "2023-11-14"), ("15", "2023-11-15")]),
        ("On Oct. 3 and 4 people were hurt.", PUB, [("Oct. 3", "2023-10-03")]),
        # US holidays; a year after a holiday, "last"/"next" before it
        ("Turnout on Election Day will decide it.", PUB, [("Election Day", "2023-11-07")]),
        ("Turnout on Election Day in 2020 was high.", PUB, [("Election Day", "2020-11-03"), ("2020", "2020")]),
        ("Campaigns start in earnest after Labor Day.", "2024-07-15", [("Labor Day", "2024-09-02")]),
        ("The store was closed last Thanksgiving.", PUB, [("last Thanksgiving", "2022-11-24")]),
        ("He hopes to be home by next Christmas.", PUB, [("next Christmas", "2023-12-25")]),
        ("Veterans Day parades were held.", "2023-12-01", [("Veterans Day", "2023-11-11")]),
        # the present or the future in general
        ("Schools must train the leaders of tomorrow.", PUB, []),
        ("Many of today's young voters were not born then.", PUB, []),
    ],
)
def test_version5_rules(text: str, published: str | None, expected: list[tuple[str, str | None]]) -> None:
    assert [(m.text, m.value) for m in extract_dates(text, published)] == expected


# --------------------------------------------------------------------------- pitfalls

@pytest.mark.parametrize(
    "text",
    [
        "Officials may extend the pause if hostages are freed.",  # the verb "may"
        "May God have mercy on them, she said.",  # "May" opening a sentence, no day or year
        "They will march on the capital.",  # the verb "march"
        "The index fell to 10,00 2 points.",  # a broken number, not a date
        "Registration number 538400 was issued.",  # a long number
        "About 2000 people sheltered in the school.",  # a count, not the year 2000
        "The siege lasted 50 days.",  # a duration is not a date ("50 days ago" is)
        "Over the last week the toll rose.",  # "the last week" is a duration
        "He spoke on ABC's This Week programme.",  # a programme name
        "Livers are in short supply. This is VOA Today.",  # a programme name
        "The case is for today's youth what the war was for their parents.",  # the present in general
        "About two thousand people fled.",  # a count, not the year 2000
        "Nineteen people died, the ministry said.",  # a count
        "He was named Person of the Year.",  # not the current year
        "Investigators spent the past year and a half on the case.",  # a duration
        "The year before, the crossing had closed.",  # counted from a reference we cannot see
        "Gaza has 2.3 million people and 365 square kilometres.",
        "",
    ],
)
def test_not_dates(text: str) -> None:
    assert extract_dates(text, PUB) == []


def test_year_of_a_war_gets_no_invented_month() -> None:
    m = _one("Casualties exceeded those of the 2014 war.")
    assert (m.value, m.granularity) == ("2014", "year")


# --------------------------------------------------------------------------- unknown anchor

@pytest.mark.parametrize(
    "text, published, precision, value, resolved",
    [
        # unknown publication date: relative dates stay unresolved, never resolved against today
        ("The hospital was hit on Monday.", None, "day", None, False),
        ("The hospital was hit yesterday.", None, "day", None, False),
        ("The hospital was hit last week.", None, "unknown", None, False),
        ("The attack on Oct. 7 killed hundreds.", None, "day", None, False),
        # absolute dates need no anchor
        ("The attack on Oct. 7, 2023 killed hundreds.", None, "day", "2023-10-07", True),
        ("Casualties exceeded those of the 2014 war.", None, "unknown", "2014", True),
        # partly known: only the month
        ("Fuel ran out last month.", "2023-10", "month", "2023-09", True),
        ("The hospital was hit on Monday.", "2023-10", "month", None, False),
        ("The attack on Oct. 7 killed hundreds.", "2023-10", "month", "2023-10-07", True),
        # partly known: only the year
        ("Elections were held last year.", "2023", "year", "2022", True),
        ("Fuel ran out last month.", "2023", "year", None, False),
        # precision lower than the string says: the lower one wins
        ("The hospital was hit on Monday.", "2023-10-31", "year", None, False),
        # a garbled or out-of-range publication date counts as unknown
        ("The hospital was hit on Monday.", "not a date", "day", None, False),
        ("The hospital was hit on Monday.", "2023-02-30", "day", None, False),
        ("The hospital was hit 999 years ago.", "0001-01-01", "day", None, False),
    ],
)
def test_unknown_or_partial_publication_date(
    text: str, published: str | None, precision: str, value: str | None, resolved: bool
) -> None:
    m = _one(text, published, precision=precision)
    assert (m.value, m.resolved) == (value, resolved)


def test_sentences_argument_gives_the_same_result() -> None:
    text = "Officials said on Monday that talks will resume Thursday. Aid arrived yesterday."
    assert extract_dates(text, PUB, "day", split_sentences(text)) == extract_dates(text, PUB)


def test_version_is_a_string() -> None:
    assert isinstance(VERSION, str) and VERSION


# --------------------------------------------------------------------------- properties

_PUBS = st.sampled_from(
    [None, PUB, "2023-10", "2023", "2000-02-29T23:59", "1999-12-31", "0001-01-01", "9999-12-31", "2023-02-30"]
)
_PRECS = st.sampled_from(["time", "day", "month", "year", "unknown"])
_DATEY = st.lists(
    st.sampled_from(
        ["May", "may", "Monday", "since", "October", "7", "2023", "10/07/2023", "last", "week", "ago",
         "two", "days", "the", "end", "of", "year", "at", "2", "p.m.", ",", ".", "\n", "GAZA", "(AP)",
         "--", "Published:", "mid-", "2014", "538400", "10,00", "Christmas", "yesterday", "until"]
    ),
    max_size=30,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=300), _DATEY), published=_PUBS, precision=_PRECS)
def test_no_crash_and_offsets_index_the_text(text: str, published: str | None, precision: str) -> None:
    found = extract_dates(text, published, precision)
    last = 0
    for m in found:
        assert text[m.start:m.end] == m.text
        assert m.start >= last  # ordered, not overlapping
        last = m.end
        assert m.granularity in ("day", "week", "month", "year", "time")
        assert m.kind in ("point", "since", "until")
        assert (m.value is None) == (not m.resolved)
        if published is None:  # never resolved against today
            assert not (m.relative and m.resolved)


_DATES = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))


@settings(max_examples=200, deadline=None)
@given(d=_DATES, published=_PUBS)
def test_resolution_is_idempotent(d: dt.date, published: str | None) -> None:
    # A written date resolves to its ISO value; that value, written out again, resolves to
    # itself (resolution is a fixed point), whatever the publication date.
    for written in (f"{d:%B} {d.day}, {d.year}", f"{d.day} {d:%B} {d.year}", d.isoformat()):
        m = _one(f"It happened on {written}.", published)
        assert m.value == d.isoformat()
        assert _one(f"It happened on {m.value}.", published).value == m.value


@settings(max_examples=100, deadline=None)
@given(pub=_DATES)
def test_weekday_is_on_or_before_publication(pub: dt.date) -> None:
    for name in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        m = _one(f"Officials said on {name} that the crossing had closed.", pub.isoformat())
        assert m.value is not None
        d = dt.date.fromisoformat(m.value)
        assert 0 <= (pub - d).days < 7 and f"{d:%A}" == name


@settings(max_examples=100, deadline=None)
@given(pub=_DATES, month=st.integers(1, 12), day=st.integers(1, 28))
def test_yearless_date_is_within_a_year_of_publication(pub: dt.date, month: int, day: int) -> None:
    m = _one(f"It was announced on {dt.date(2001, month, day):%B} {day}.", pub.isoformat())
    assert m.value is not None
    d = dt.date.fromisoformat(m.value)
    assert (d.month, d.day) == (month, day)
    assert -75 <= (pub - d).days <= 366


# --------------------------------------------------------------------------- the seed article

def test_seed_article() -> None:
    text = shared_path("seed", "radiohc-2023-10-31-gaza.txt").read_text(encoding="utf-8")
    found = extract_dates(text, "2023-10-31", "day", split_sentences(text))
    by_text = {(m.text, m.kind, m.role) for m in found}
    dateline = [m for m in found if m.role == "dateline"]
    assert [(m.text, m.value) for m in dateline] == [("October 31", "2023-10-31")]
    mondays = [m for m in found if m.text == "Monday"]
    assert mondays and all(m.value == "2023-10-30" and m.relative for m in mondays)
    since = [m for m in found if m.kind == "since"]
    assert [(m.text, m.value) for m in since] == [("October 7", "2023-10-07")], by_text
    for m in found:
        assert text[m.start:m.end] == m.text


def test_real_articles_offsets_and_anchors() -> None:
    # Robustness on messy real text: the first 300 ABP articles, with and without their date.
    path = shared_path("abp", "abp_articles.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in itertools.islice(f, 300)]
    total = 0
    for row in rows:
        text = row.get("content_original") or ""
        for published in ("2016-05-05", None):
            for m in extract_dates(text, published):
                total += 1
                assert text[m.start:m.end] == m.text
                if published is None:
                    assert not (m.relative and m.resolved)
    assert total > 1000  # news is full of dates; a silent scanner would fail here
