"""Claims: the sentences (or whole short texts) that carry a figure or an attribution.

A claim is the unit matched across outlets. Each has a stable id (a hash of its article and
span), the text, and the structured fields matching compares first: the primary figure's
interval, metric, counted group, side and place, the as-of date, and the speaker.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from provenance.frames import concat_parts, present, release_arrow_memory
from provenance.ids import content_hash
from provenance.match.prefilter import PatternSet, ascii_lower, may_match

# Metrics in order of precedence when a claim holds several figures.
METRIC_ORDER = ("killed", "injured", "hostage", "missing", "displaced", "arrested", "released", "other")

CLAIM_COLUMNS = [
    "claim_id", "article_id", "source", "outlet", "published", "published_precision", "start", "end",
    "sentence_index", "kind", "text", "figures", "figure_id", "metric", "value", "low", "high", "qualifier",
    "counted", "group", "side", "place", "as_of", "cumulative", "dates", "speaker", "speaker_text",
    "descriptor", "cue", "attribution_kind", "quote", "hedged",
]


@dataclass(frozen=True)
class Scopes:
    """Compiled group, side and place patterns from ``scopes.toml``."""

    groups: tuple[tuple[str, re.Pattern[str]], ...]
    sides: tuple[tuple[str, re.Pattern[str]], ...]
    places: tuple[tuple[str, re.Pattern[str]], ...]
    labels: dict[str, str]
    attackers: re.Pattern[str]
    generic_source: re.Pattern[str]
    institution: re.Pattern[str]
    running_total: re.Pattern[str]
    running_window: int
    group_set: PatternSet
    side_set: PatternSet
    place_set: PatternSet


@lru_cache(maxsize=1)
def scopes() -> Scopes:
    """The packaged scope patterns (groups, sides, places, label phrases)."""
    raw = tomllib.loads(resources.files("provenance.match").joinpath("scopes.toml").read_text("utf-8"))

    def comp(d: dict[str, str]) -> tuple[tuple[str, re.Pattern[str]], ...]:
        # A space in a pattern matches any run of white space (some corpora double spaces).
        return tuple((k, re.compile(v.replace(" ", r"\s+"), re.IGNORECASE)) for k, v in d.items())

    groups, sides, places = comp(raw["groups"]), comp(raw["sides"]), comp(raw["places"])
    return Scopes(groups, sides, places, dict(raw["labels"]),
                  re.compile(raw["attackers"]["pattern"], re.IGNORECASE),
                  re.compile(raw["sources"]["generic"], re.IGNORECASE),
                  re.compile(raw["sources"]["institution"], re.IGNORECASE),
                  re.compile(raw["running_total"]["pattern"], re.IGNORECASE), int(raw["running_total"]["window"]),
                  PatternSet(groups), PatternSet(sides), PatternSet(places))


def _first(patterns: PatternSet, *texts: str | None) -> str | None:
    """Name of the first pattern found in the first text (in order) where any matches."""
    for t in texts:
        if not t:
            continue
        name = patterns.first(t, ascii_lower(t))
        if name is not None:
            return name
    return None


def _nearest(patterns: tuple[tuple[str, re.Pattern[str]], ...], text: str, at: int, end: int) -> str | None:
    """The pattern whose match lies nearest the span [at, end) of ``text``.

    A mention after the figure ("killed 1,300 people in Israel") counts at half its distance:
    the place of the dead usually follows the count, the attacker ("Israeli strikes killed")
    usually precedes it.
    """
    best: tuple[float, str] | None = None
    for name, pat in patterns:
        for m in pat.finditer(text):
            if _TOLL_AFTER.match(text, m.end()):
                d = 0.0  # "Gaza death toll", "Palestinian deaths": names whose dead are counted
            elif m.end() <= at:
                d = float(at - m.end())
            elif m.start() >= end:
                located = _IN_BEFORE.search(text, max(0, m.start() - 12), m.start()) is not None
                d = (0.5 if located else 1.5) * (m.start() - end)
            else:
                d = 0.0
            if best is None or d < best[0]:
                best = (d, name)
    return best[1] if best else None


_TOLL_AFTER = re.compile(r"(?:'s|’s)?\s+(?:death\s+toll|toll|deaths|dead)\b", re.IGNORECASE)
_IN_BEFORE = re.compile(r"\b(?:in|inside|across|throughout|within)\s+(?:the\s+)?$", re.IGNORECASE)


# Figures of one sentence are scoped one after another (figures are sorted by article and
# offset): the sentence-level work is done once per sentence.
@lru_cache(maxsize=4096)
def _blanked_sides(sentence: str) -> tuple[str, frozenset[str]]:
    """The sentence with attacker phrases blanked (offsets kept), and the sides it names."""
    sc = scopes()
    # Patterns that cannot match (no literal they need is in the sentence) are not run.
    low = ascii_lower(sentence)
    if may_match(sc.attackers, low):
        blanked = sc.attackers.sub(lambda m: " " * len(m.group(0)), sentence)
        low = ascii_lower(blanked)
    else:
        blanked = sentence
    return blanked, sc.side_set.matching(blanked, low)


@lru_cache(maxsize=4096)
def _place_in(text: str) -> str | None:
    """The first place pattern found in a text."""
    return _first(scopes().place_set, text)


def figure_scope(counted: str | None, place: str | None, sentence: str | None,
                 span: tuple[int, int] | None = None) -> tuple[str, str, str | None]:
    """(group, side, place) of a figure: what it counts, whose, and where.

    Examples:
        >>> figure_scope("Palestinians civilians", None, "Israel has killed more than 8,300 ...")
        ('people', 'palestinian', None)
        >>> figure_scope(None, None, "Gaza's death toll from Israeli assault soars to 9,061")
        ('people', 'palestinian', 'Gaza')
    """
    sc = scopes()
    group = _first(sc.group_set, counted) or "people"
    if group == "hostages":
        # Whoever's citizens they are, hostages are counted as one group ("held in Gaza").
        return group, "held", _first(sc.place_set, place)
    side = _first(sc.side_set, counted, place)
    if side is None and sentence:
        # Blank attacker phrases, keeping offsets.
        sentence, found = _blanked_sides(sentence)
        # The sentence often names both sides ("Gaza's toll from Israeli strikes", "after Hamas
        # killed 1,300 people in Israel"): the mention nearest the figure wins; without the
        # figure's position, a named Palestinian place wins, else the only side mentioned.
        if span is not None and len(found) > 1:
            side = _nearest(sc.sides, sentence, span[0], span[1])
        else:
            pl = _place_in(sentence)
            if pl in ("Gaza", "West Bank", "Gaza and West Bank") and "palestinian" in found:
                side = "palestinian"
            elif len(found) == 1:
                side = next(iter(found))
    canon_place = _first(sc.place_set, place)
    if canon_place is None and sentence and side:
        # Only a place on the counted side: in "Israel has killed 8,300 Palestinians" Israel is
        # the actor, not where the dead were counted.
        pl = _place_in(sentence)
        if pl is not None and _first(sc.side_set, pl) == side:
            canon_place = pl
    return group, side or "", canon_place


def figure_id(article_id: str, start: int, end: int) -> str:
    """Stable id of one figure mention."""
    return content_hash("figure", article_id, int(start), int(end))


def _figure_phrase(metric: Any, text: Any, counted: Any) -> str:
    """'killed: more than 8,300 Palestinians' for the claims table."""
    return f"{metric}: {text}" + (f" {counted}" if present(counted) else "")


def prepare_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """Figures with ``figure_id``, ``group``, ``side`` and canonical ``place_scope`` added."""
    f = figures.copy()
    if not len(f):
        for c in ("figure_id", "group", "side", "place_scope", "running_cue"):
            f[c] = pd.Series(dtype=object)
        return f
    f = f.sort_values(["article_id", "start"], kind="stable").reset_index(drop=True)
    f["figure_id"] = [figure_id(a, s, e) for a, s, e in zip(f["article_id"].tolist(), f["start"].tolist(),
                                                           f["end"].tolist())]
    # Columns read as lists (iterating an Arrow-backed column yields its values one by one, slowly).
    scoped = [figure_scope(present(c), present(p), present(t), (int(a) - int(ss), int(b) - int(ss)))
              for c, p, t, a, b, ss in zip(f["counted"].tolist(), f["place"].tolist(), f["sentence"].tolist(),
                                           f["start"].tolist(), f["end"].tolist(), f["sentence_start"].tolist())]
    f["group"] = [g for g, _, _ in scoped]
    sides = [sd for _, sd, _ in scoped]
    # "Over 21,000 others have been injured" follows the sentence that names them: a figure
    # with no side of its own takes the side of the figure before it in the same article,
    # when that figure is at most two sentences earlier.
    arts, sents = list(f["article_id"]), list(f["sentence_index"])
    for i in range(1, len(f)):
        if not sides[i] and arts[i] == arts[i - 1] and sides[i - 1]:
            try:
                near = 0 <= int(sents[i]) - int(sents[i - 1]) <= 2
            except (TypeError, ValueError):
                near = False
            if near:
                sides[i] = sides[i - 1]
    f["side"] = sides
    f["place_scope"] = [p for _, _, p in scoped]
    # The extractor's flag is kept as it is (evidence); a running-total cue before the figure
    # is recorded beside it for the table's series (report/tables.py), which would otherwise
    # split "bringing the toll to 212 dead and 1,045 injured" from the next day's 1,200.
    f["running_cue"] = [running_total_before(t, int(a) - int(ss))
                        for t, a, ss in zip(f["sentence"].tolist(), f["start"].tolist(), f["sentence_start"].tolist())]
    return f


def running_total_before(sentence: Any, at: int) -> bool:
    """The words just before a figure say it is a running total ("bringing the toll to 212").

    Examples:
        >>> s = "pulled 14 more bodies, bringing the toll to 212 dead and 1,045 injured"
        >>> running_total_before(s, s.index("212")), running_total_before(s, s.index("1,045"))
        (True, True)
        >>> running_total_before(s, s.index("14"))
        False
    """
    if not isinstance(sentence, str) or at <= 0:
        return False
    sc = scopes()
    return sc.running_total.search(sentence[max(0, at - sc.running_window):at]) is not None


# Columns of the extraction tables that claims read (``claim_for``, ``primary_figure``, ``_claim_row``).
_GROUP_KEYS = ("article_id", "source", "outlet", "published", "sentence_index", "sentence_start", "sentence_end",
               "sentence")
_FIGURE_KEYS = _GROUP_KEYS + (
    "metric", "text", "counted", "part_of", "group", "start", "source_canonical", "source_text", "descriptor",
    "hedged", "figure_id", "value", "low", "high", "qualifier", "side", "as_of", "cumulative", "place_scope")
_ATTRIBUTION_KEYS = _GROUP_KEYS + ("source_canonical", "source_text", "descriptor", "cue", "kind", "content",
                                   "hedged")
_DATE_KEYS = ("article_id", "sentence_index", "value", "role")
#: Articles whose claims are built at a time: rows are read a slice at a time, never as one
#: dict per row of the whole table (``to_dict("records")`` of every figure and attribution of
#: the 37k ABP articles took over 5 GB).
ARTICLES_PER_BATCH = 2000
#: Claims turned into a DataFrame part at a time (Python objects of one part alive at once).
CLAIMS_PER_PART = 25_000


class _ByArticle:
    """The rows of one table, read a batch of articles at a time as small dicts of ``keys``.

    Rows keep their table order within an article; values are those ``to_dict("records")``
    gives (``Series.tolist``), and a column the table lacks is absent from the dicts.
    """

    def __init__(self, df: pd.DataFrame, keys: tuple[str, ...]) -> None:
        self.keys = [k for k in keys if k in df.columns]
        # Categorical columns (``frames.SHARED_COLUMNS``) are also read as their codes, which
        # the claims table keeps instead of the strings (``_CODED``).
        self.coded = [k for k in _CODED if k in self.keys and isinstance(df[k].dtype, pd.CategoricalDtype)]
        # Only the columns read (a batch's rows were taken from every column of the table), and
        # article ids as integer codes into the sorted distinct ids (an object array of 2.6M
        # id strings for the three tables of ABP took ~190 MB).
        self.df = df[self.keys]
        if len(df):
            codes, uniques = pd.factorize(df["article_id"], sort=True)
            self.uniques = np.asarray(uniques, dtype=object)
            self.order: np.ndarray | None = None
            if len(codes) > 1 and (np.diff(codes) < 0).any():
                self.order = np.argsort(codes, kind="stable")
                codes = codes[self.order]
            self.codes = codes
        else:
            self.uniques = np.empty(0, dtype=object)
            self.codes = np.empty(0, dtype=np.int64)
            self.order = None

    def article_ids(self) -> np.ndarray:
        """Distinct article ids of the table, sorted."""
        return self.uniques

    def columns(self, first: str, last: str) -> _Rows:
        """Rows of the articles with ids in [first, last], as one list per column (the values
        ``to_dict("records")`` gives); a column the table lacks is absent."""
        lo = int(np.searchsorted(self.uniques, first, side="left"))
        hi = int(np.searchsorted(self.uniques, last, side="right"))
        a = int(np.searchsorted(self.codes, lo, side="left"))
        b = int(np.searchsorted(self.codes, hi, side="left"))
        if a >= b:
            return _Rows(0, {})
        part = self.df.iloc[self.order[a:b] if self.order is not None else slice(a, b)]
        return _Rows(b - a, {k: part[k].tolist() for k in self.keys},
                     {k: part[k].array.codes.tolist() for k in self.coded})


class _Rows:
    """A batch of table rows as column lists; ``col`` gives a missing column as Nones;
    ``codes`` holds the category codes of the categorical columns among ``_CODED``."""

    def __init__(self, n: int, cols: dict[str, list[Any]], codes: dict[str, list[int]] | None = None) -> None:
        self.n = n
        self.cols = cols
        self.codes = codes or {}

    def col(self, key: str) -> list[Any]:
        """The column's values, or one None per row when the table has no such column."""
        c = self.cols.get(key)
        return c if c is not None else [None] * self.n


def build_claims(frames: dict[str, pd.DataFrame], *, texts: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One claim per sentence carrying a figure or an attribution.

    Rows are read a batch of ``ARTICLES_PER_BATCH`` articles at a time (claims never span
    articles) as column lists, and claims are appended to the claims table's column lists
    (no dict per table row or per claim), so memory holds one batch of columns, one part of
    claims and the claims table.

    Args:
        frames: Extraction tables (``articles``, ``figures`` (after ``prepare_figures``),
            ``attributions``).
        texts: Article id -> text. When given, every article's whole text is one claim
            (headline and sentence corpora; ``provenance check``), even when nothing was
            extracted from it.

    Returns:
        The claims table (``CLAIM_COLUMNS``), sorted by claim id.
    """
    whole_text = texts is not None
    texts = texts or {}
    arts = frames.get("articles", pd.DataFrame())
    meta: dict[str, dict[str, Any]] = {}
    if len(arts):
        for aid, prec, chars in zip(arts["article_id"].tolist(), arts["published_precision"].tolist(),
                                    arts["chars"].tolist()):
            meta[aid] = {"article_id": aid, "published_precision": prec, "chars": chars}
    tables = [_ByArticle(frames.get(t, pd.DataFrame()), keys)
              for t, keys in (("figures", _FIGURE_KEYS), ("attributions", _ATTRIBUTION_KEYS), ("dates", _DATE_KEYS))]
    ids = [t.article_ids() for t in tables]
    if whole_text and len(arts):
        ids.append(np.asarray(arts["article_id"].tolist(), dtype=object))
    all_ids = sorted(set().union(*(set(x.tolist()) for x in ids)))
    whole: dict[str, dict[str, Any]] = {}
    if whole_text and len(arts):
        for aid, src, out, pub, chars in zip(arts["article_id"].tolist(), arts["source"].tolist(),
                                             arts["outlet"].tolist(), arts["published"].tolist(),
                                             arts["chars"].tolist()):
            whole[aid] = {"article_id": aid, "source": src, "outlet": out, "published": pub, "figs": [],
                          "atts": [], "hedged_att": False, "sentence_index": None, "start": 0,
                          "end": int(chars or 0), "text": texts.get(aid, "")}
    # The claim's text is its sentence and its source the article's input: kept as codes into
    # the extraction tables' shared categories when they have them (``frames.share_strings``).
    dtypes = {"text": None if whole_text else _shared_dtype(frames, "sentence"),
              "source": _shared_dtype(frames, "source")}
    parts: list[pd.DataFrame] = []
    columns: dict[str, list[Any]] = {c: [] for c in CLAIM_COLUMNS}
    codes: dict[str, list[int]] = {c: [] for c in _CODED_AS}
    for b in range(0, len(all_ids), ARTICLES_PER_BATCH):
        batch = all_ids[b:b + ARTICLES_PER_BATCH]
        figs, atts, dates = (t.columns(batch[0], batch[-1]) for t in tables)
        article_claims = [whole[a] for a in batch if a in whole]
        _claim_columns(figs, atts, dates, article_claims, whole_text, texts, meta, columns, codes)
        del figs, atts, dates
        if len(columns["claim_id"]) >= CLAIMS_PER_PART:  # into compact (Arrow, categorical) columns
            parts.append(_claims_part(columns, codes, dtypes))
            columns = {c: [] for c in CLAIM_COLUMNS}
            codes = {c: [] for c in _CODED_AS}
    if columns["claim_id"] or not parts:
        parts.append(_claims_part(columns, codes, dtypes))
    df = _concat_sorted(parts, "claim_id")
    del parts
    release_arrow_memory()
    return df


#: Extraction-table columns read as category codes, and the claims column each one fills.
_CODED = ("sentence", "source")
_CODED_AS = {"text": "sentence", "source": "source"}


def _shared_dtype(frames: Mapping[str, pd.DataFrame], column: str) -> pd.CategoricalDtype | None:
    """The categorical dtype of ``column`` in the figures and attributions tables, when every
    one of them that has rows holds it with the same categories in the same order (codes read
    from either then mean the same value); None otherwise."""
    found: pd.CategoricalDtype | None = None
    for t in ("figures", "attributions"):
        df = frames.get(t)
        if df is None or not len(df) or column not in df.columns:
            continue
        dtype = df[column].dtype
        if not isinstance(dtype, pd.CategoricalDtype) or dtype.ordered:
            return None
        if found is not None and found is not dtype and not found.categories.equals(dtype.categories):
            return None
        found = found or dtype
    return found


def _claims_part(columns: dict[str, list[Any]], codes: dict[str, list[int]],
                 dtypes: Mapping[str, pd.CategoricalDtype | None]) -> pd.DataFrame:
    """A DataFrame part of the claims table; a coded column becomes a categorical when every
    claim of the part has a code (-1, a missing value, included; -2 marks a claim without one)."""
    cols: dict[str, Any] = dict(columns)
    n = len(columns["claim_id"])
    for c, dtype in dtypes.items():
        cc = codes[c]
        if dtype is not None and n and len(cc) == n and min(cc) >= -1:
            cols[c] = pd.Categorical.from_codes(np.asarray(cc, dtype=np.int32), dtype=dtype)
    return pd.DataFrame(cols, columns=CLAIM_COLUMNS)


def _concat_sorted(parts: list[pd.DataFrame], key: str) -> pd.DataFrame:
    """``concat_parts(parts, sort_by=[key])``, handing each column's parts back to the system
    as soon as its sorted copy is made.

    Concatenating, then sorting the whole table, held two copies of it (0.96 GB of Arrow memory
    at the peak on ABP for a 0.46 GB table). Sorting a column at a time still peaked 0.36 GB
    above the parts: Arrow's take joins a column's chunks before gathering, so a string column
    was held three times (parts, joined, sorted). Joined here and its parts released first, the
    peak is 0.21 GB above them.
    """
    if not parts:
        return pd.DataFrame(columns=CLAIM_COLUMNS)
    names = list(parts[0].columns)  # every part has the claims columns
    keys = concat_parts([p[[key]] for p in parts])[key]
    order = keys.sort_values(kind="stable").index.to_numpy()
    del keys
    out: dict[str, Any] = {}
    for c in names:
        col = concat_parts([p[[c]] for p in parts])[c]
        for p in parts:
            del p[c]
        dtype = col.dtype
        if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
            # Arrow's take joins the chunks first: joined here, so the parts go before the take.
            whole = pa.array(col.array)
            del col
            if isinstance(whole, pa.ChunkedArray):
                whole = whole.combine_chunks()
            release_arrow_memory()
            out[c] = pd.Series(pd.arrays.ArrowStringArray(whole.take(pa.array(order)), dtype=dtype))
            del whole
        else:
            out[c] = col.take(order).reset_index(drop=True)
            del col
        release_arrow_memory()
    return pd.DataFrame(out, columns=names)


def _claim_columns(figs: _Rows, atts: _Rows, dates: _Rows, article_claims: list[dict[str, Any]],
                   whole_text: bool, texts: Mapping[str, str], meta: dict[str, dict[str, Any]],
                   out: dict[str, list[Any]], out_codes: dict[str, list[int]]) -> None:
    """Append the claims of a batch of articles to ``out`` (one list per claims-table column):
    their figure, attribution and date rows, and in whole-text mode the article claims of
    articles with none of those. Claims come in the order their first row is met (figures,
    then attributions, then article claims). ``out_codes`` receives the category codes of
    each claim's ``text`` and ``source`` (``_CODED_AS``; -2 where the row has none)."""
    # A claim: [opening rows, row index (or the article-claim dict), figure rows, first
    # attribution row (-1: none), whether any attribution is hedged].
    groups: dict[tuple[str, int], list[Any]] = {}
    for t, is_fig in ((figs, True), (atts, False)):
        if not t.n:
            continue
        hedged = t.col("hedged")
        for i, k in enumerate(_claim_keys(t, whole_text)):
            c = groups.get(k)
            if c is None:
                c = groups[k] = [t, i, [], -1, False]
            if is_fig:
                c[2].append(i)
            else:
                if c[3] < 0:  # only the first attribution is read, and whether any is hedged
                    c[3] = i
                c[4] = c[4] or hedged[i] is True
    for w in article_claims:
        groups.setdefault((w["article_id"], -1), [None, w, [], -1, False])
    date_vals: dict[tuple[str, int], list[str]] = {}
    if dates.n:
        for k, v, role in zip(_claim_keys(dates, whole_text), dates.col("value"), dates.col("role")):
            if present(v) and role not in ("dateline", "published"):
                date_vals.setdefault(k, []).append(str(v))
    F = {k: figs.col(k) for k in _FIGURE_KEYS} if figs.n else {}
    A = {k: atts.col(k) for k in _ATTRIBUTION_KEYS} if atts.n else {}
    # Each table's columns a claim reads, bound once per batch (None: a column the table lacks).
    where = {id(t): tuple(t.cols.get(x) for x in _CLAIM_ROW_KEYS) for t in (figs, atts)}
    coded = {id(t): tuple(t.codes.get(x) for x in _CODED_AS.values()) for t in (figs, atts)}
    add_codes = [out_codes[c].append for c in _CODED_AS]
    primary = [(out[x].append, F[x]) for x in _PRIMARY_KEYS] if figs.n else []
    blank = [out[x].append for x in _PRIMARY_KEYS]
    add = {c: out[c].append for c in CLAIM_COLUMNS}
    for k, (t, i, fl, ai, hedged_att) in groups.items():
        if t is None:  # an article claim (whole-text mode)
            aid, source, outlet, published = i["article_id"], i["source"], i["outlet"], i["published"]
            sentence_index, start, end, text = i["sentence_index"], i["start"], i["end"], i["text"]
            for append_code in add_codes:
                append_code(-2)
        else:
            for append_code, cc in zip(add_codes, coded[id(t)]):
                append_code(cc[i] if cc is not None else -2)
            c_aid, c_src, c_out, c_pub, c_si, c_ss, c_se, c_sent = where[id(t)]
            aid = c_aid[i]  # type: ignore[index]
            source = c_src[i] if c_src is not None else None
            outlet = c_out[i] if c_out is not None else None
            published = c_pub[i] if c_pub is not None else None
            si = c_si[i] if c_si is not None else None
            ss = c_ss[i] if c_ss is not None else None
            se = c_se[i] if c_se is not None else None
            sent = c_sent[i] if c_sent is not None else None
            sentence_index = None if whole_text else int(si or 0)
            start, end, text = int(ss or 0), int(se or 0), sent or ""
        m = meta.get(aid, {})
        if whole_text:
            start, end = 0, int(m.get("chars") or end)
            text = texts.get(aid, text)
        f = (fl[0] if len(fl) == 1 else min(fl, key=lambda j: _figure_rank(
            F["metric"][j], F["qualifier"][j], F["part_of"][j], F["group"][j], F["start"][j]))) if fl else -1
        a = ai
        kinds = (["figure"] if fl else []) + (["attribution"] if a >= 0 else [])
        speaker = speaker_text = descriptor = None
        if f >= 0 and present(F["source_canonical"][f] or F["source_text"][f]):
            speaker, speaker_text, descriptor = (present(F["source_canonical"][f]), present(F["source_text"][f]),
                                                 present(F["descriptor"][f]))
        elif a >= 0:
            speaker, speaker_text, descriptor = (present(A["source_canonical"][a]), present(A["source_text"][a]),
                                                 present(A["descriptor"][a]))
        add["claim_id"](content_hash("claim", aid, start, end))
        add["article_id"](aid)
        add["source"](source)
        add["outlet"](outlet)
        add["published"](published)
        add["published_precision"](m.get("published_precision"))
        add["start"](start)
        add["end"](end)
        add["sentence_index"](sentence_index)
        add["kind"]("+".join(kinds) or "assertion")
        add["text"](text)
        add["figures"]("; ".join(_figure_phrase(F["metric"][x], F["text"][x], F["counted"][x]) for x in fl) or None)
        dv = date_vals.get(k)
        add["dates"]((";".join(sorted(set(dv))) or None) if dv else None)
        add["speaker"](speaker)
        add["speaker_text"](speaker_text)
        add["descriptor"](descriptor)
        add["cue"](present(A["cue"][a]) if a >= 0 else None)
        add["attribution_kind"](present(A["kind"][a]) if a >= 0 else None)
        add["quote"](present(A["content"][a]) if a >= 0 and A["kind"][a] in ("direct", "mixed") else None)
        add["hedged"](bool((f >= 0 and F["hedged"][f] is True) or hedged_att))
        if f >= 0:
            for append, col in primary:
                append(present(col[f]))
            add["place"](present(F["place_scope"][f]))
            if out["as_of"][-1] is None:
                out["as_of"][-1] = published
        else:
            for append_none in blank:
                append_none(None)
            add["place"](None)


# The row columns a claim takes from its opening figure or attribution row (``_claim_columns``).
_CLAIM_ROW_KEYS = ("article_id", "source", "outlet", "published", "sentence_index", "sentence_start", "sentence_end",
                   "sentence")
# The primary figure's columns copied to the claim (``as_of`` falls back to the publication date).
_PRIMARY_KEYS = ("figure_id", "metric", "value", "low", "high", "qualifier", "counted", "group", "side", "as_of",
                 "cumulative")


def _claim_keys(t: _Rows, whole_text: bool) -> list[tuple[str, int]]:
    """The claim (article, sentence) of each row; one claim per article in whole-text mode."""
    if whole_text:
        return [(a, -1) for a in t.cols["article_id"]]
    return [(a, int(i or 0)) for a, i in zip(t.cols["article_id"], t.col("sentence_index"))]


def _figure_rank(metric: Any, qualifier: Any, part_of: Any, group: Any, start: Any) -> tuple[int, int, int, int, int]:
    """Precedence of a figure as a claim's primary figure (lowest first): the metric's rank, a
    stated number before a vague one of the same metric ("kills hundreds ... at least 500" is
    matched on 500), a whole population's count before a sub-group's ("413 people, including 78
    children"), then the earliest."""
    m = metric or "other"
    return (METRIC_ORDER.index(m) if m in METRIC_ORDER else len(METRIC_ORDER),
            1 if qualifier == "vague" else 0,
            0 if present(part_of) is None else 1, 0 if group in (None, "people") else 1,
            int(start or 0))


def primary_figure(figs: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The figure a claim is matched on: the highest-precedence metric, totals before events."""
    if not figs:
        return None
    return min(figs, key=lambda f: _figure_rank(f.get("metric"), f.get("qualifier"), f.get("part_of"),
                                                f.get("group"), f.get("start")))


__all__ = ["CLAIM_COLUMNS", "METRIC_ORDER", "build_claims", "figure_id", "figure_scope", "prepare_figures",
           "primary_figure", "release_arrow_memory", "running_total_before", "scopes"]
