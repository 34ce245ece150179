"""Token tagger for attribution spans: source, cue and content as a BIO sequence.

A linear-chain CRF (python-crfsuite) over the tokens of one paragraph. PolNeAR's annotations
are univocal (each token has one role in at most one attribution), so a tag sequence
``B-SRC I-SRC B-CUE B-CON I-CON ...`` carries them; ``attributions.py`` turns tagged spans
into attributions and resolves sources. Features are lexical (word, suffix, shape, a window
of two words), the learned cue lexicon (``lexicon/cues.tsv``), quotation state carried
across sentences, and the position relative to the nearest cue word in the sentence.

The model file ``models/attributions.crfsuite.xz`` (crfsuite format, xz-compressed) is written by ``scripts/train_attributions.py``
from PolNeAR's train split (see ``docs/attributions.md``). Training uses the string features
of ``paragraph_sequences``; tagging sums the same features' weights from cached tables and
decodes in numpy (``attribution_decoder``), several times faster with the same labels.
"""

from __future__ import annotations

import logging
import lzma
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from provenance.models import Sentence

log = logging.getLogger(__name__)

MODEL_NAME = "attributions.crfsuite.xz"
#: Words that head a cue at least this often in train count as cue words for the
#: structural features (nearest cue to the left / right). 0.35 rather than 0.2 since
#: 2026-11-24: +0.3 to +0.4 relation F1 on two held-out folds of train (0.1 and 0.5 lower).
CUE_RATIO = 0.35
#: Sentences with a word that heads a cue at least this often in train are tagged (with
#: quotation marks and colons); see ``candidate_sentences``.
CANDIDATE_RATIO = 0.1
LABELS = ("SRC", "CUE", "CON")
#: Tag only ``candidate_sentences`` in ``tag_article``. Off, every sentence is tagged: +0.2
#: to +0.4 points of F1 on held-out train for ~3 % more time on ABP (2026-11-24; kept on for
#: the speed bar, see docs/attributions.md).
PREFILTER = True
#: Add the word's distributional cluster (``word_clusters``) to its features. Must match how
#: the shipped model was trained.
USE_CLUSTERS = True

_TOKEN = re.compile(r"\w+(?:[’'.\-]\w+)*|[^\w\s]")
_OPEN_Q = "“‘«"
_CLOSE_Q = "”’»"
_Q_CHARS = '"' + _OPEN_Q + _CLOSE_Q  # a token in this string gets the feature "q"
_PRONOUNS = frozenset(
    ["he", "she", "they", "it", "we", "i", "you", "his", "her", "their", "its", "our", "my", "your", "him", "them", "us", "who", "which"]
)
_DIST_BUCKETS = (0, 1, 2, 3, 3, 4, 4, 4, 5, 5, 5, 5)

Token = tuple[int, int]
# Interned feature strings: quotation state x left-cue distance x right-cue distance, and
# the six sentence-position flags (capitalised run, after a colon, no cue in the sentence,
# a quotation in it, sentence start, sentence end) as one bit pattern.
_CTX = tuple(tuple(tuple(f"ctx={q}{lb}{rb}" for rb in range(10)) for lb in range(10)) for q in range(4))
_FL = tuple(f"fl={b:02d}" for b in range(64))


@lru_cache(maxsize=1)
def cue_table() -> dict[str, tuple[int, float, int]]:
    """Every word of ``lexicon/cues.tsv``: word -> (times in a cue in train, cue ratio, hedged)."""
    raw = resources.files("provenance.extract.lexicon").joinpath("cues.tsv").read_text("utf-8")
    out: dict[str, tuple[int, float, int]] = {}
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if cols[0] == "word":
            continue
        count, total, hedged = int(cols[1]), int(cols[2]), int(cols[3])
        out[cols[0]] = (count, count / total if total else 1.0, hedged)
    return out


@lru_cache(maxsize=1)
def word_clusters() -> dict[str, str]:
    """Distributional word clusters (``lexicon/word_clusters.tsv``): word -> cluster id.

    Built by ``scripts/build_word_clusters.py`` from ABP news and PolNeAR train text. Empty
    when the file is absent (a model trained without cluster features does not need it).
    """
    path = resources.files("provenance.extract.lexicon").joinpath("word_clusters.tsv")
    if not path.is_file():
        return {}
    out: dict[str, str] = {}
    for line in path.read_text("utf-8").splitlines():
        if line and not line.startswith("#") and not line.startswith("word\t"):
            w, _, k = line.partition("\t")
            out[w] = k
    return out


@lru_cache(maxsize=1)
def cue_lexicon() -> dict[str, tuple[int, int]]:
    """Cue words (a cue in train at least ``CUE_RATIO`` of the time, or hand-listed):
    word -> (times a cue in train, hedged flag)."""
    return {w: (c, h) for w, (c, r, h) in cue_table().items() if r >= CUE_RATIO or c == 0 or h}


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Word and punctuation tokens of ``text[start:end]`` as (start, end) offsets."""
    return [m.span() for m in _TOKEN.finditer(text, start, len(text) if end is None else end)]


def _shape(w: str) -> str:
    """Coarse word shape: X, Xx, x, d, or the punctuation itself."""
    if w[0].isupper():
        return "X" if w.isupper() and len(w) > 1 else "Xx"
    if w[0].isdigit():
        return "d"
    if w[0].isalpha() or w[0] == "_":
        return "x"
    return w


def _lemma(lw: str) -> str:
    """A crude stem that groups inflections of one verb ("says", "said" stay apart)."""
    for suf in ("ing", "ed", "es", "s"):
        if lw.endswith(suf) and len(lw) - len(suf) >= 3:
            return lw[: -len(suf)]
    return lw


@lru_cache(maxsize=8192)
def _static(w: str) -> tuple[str, str, tuple[str, ...], tuple[str, str, str, str]]:
    """Per-word-type features: (lower form, shape, own features, window strings).

    The window strings (``w-1=``, ``w+1=``, ``w-2=``, ``w+2=`` with this word) are built once
    per word type, so tagging a token costs list look-ups rather than string building. The
    cache keeps the common words only: the emission tables (``attribution_decoder``) keep
    their own per-type rows, and an entry is about 0.8 kB (a 200,000-entry cache grew to
    ~140 MB per worker over half of ABP, for 0.3 CPU s saved).
    """
    lw = w.lower().replace("’", "'")
    shape = _shape(w)
    feats = ["w=" + lw]
    if len(lw) > 3:
        feats.append("s3=" + lw[-3:])
        stem = _lemma(lw)
        if stem != lw:
            feats.append("lm=" + stem)
    row = cue_table().get(lw)
    if row is not None:
        n, ratio, _ = row
        freq = "hi" if n >= 100 else "mid" if n >= 20 else "lo"
        feats.append(f"cr={min(4, int(ratio * 5))}{freq}")
        if lw in cue_lexicon():
            feats.append("cue")
    cl = word_clusters().get(lw) if USE_CLUSTERS else None
    if cl is not None:
        feats.append("c=" + cl)
    if lw in _PRONOUNS:
        feats.append("pron")
    if w in _Q_CHARS:
        feats.append("q")
    return lw, shape, tuple(feats), ("w-1=" + lw, "w+1=" + lw, "w-2=" + lw, "w+2=" + lw)


_QUOTE_CHARS = frozenset('"“”«»')
_WORDS = re.compile(r"[a-z]+")


@lru_cache(maxsize=1)
def candidate_words() -> frozenset[str]:
    """Words that make a sentence worth tagging: a cue at least ``CANDIDATE_RATIO`` of the
    time in train, or hand-listed."""
    return frozenset(w for w, (c, r, _h) in cue_table().items() if r >= CANDIDATE_RATIO or c == 0)


def candidate_sentences(text: str, sentences: Sequence[Sentence]) -> set[int]:
    """Indices of sentences that may hold an attribution part: a quotation mark, a colon or
    a candidate cue word. The others (about a fifth of news sentences) are not tagged."""
    words = candidate_words()
    out = set()
    for i, s in enumerate(sentences):
        seg = text[s.start:s.end]
        if ":" in seg or not _QUOTE_CHARS.isdisjoint(seg) or not words.isdisjoint(_WORDS.findall(seg.lower())):
            out.add(i)
    return out


def _runs(text: str, sentences: Sequence[Sentence], select: set[int] | None) -> list[list[int]]:
    """Sentence indices grouped into tagging sequences: a paragraph, or with ``select`` its
    runs of consecutive selected sentences."""
    out: list[list[int]] = []
    prev_sel = False
    for i, s in enumerate(sentences):
        sel = select is None or i in select
        new_para = i == 0 or "\n" in text[sentences[i - 1].end:s.start]
        if sel:
            if out and prev_sel and not new_para:
                out[-1].append(i)
            else:
                out.append([i])
        prev_sel = sel
    return out


def _quote_flip(seg: str, in_quote: bool) -> bool:
    """Quotation state after a stretch of text that is not tagged."""
    for ch in seg:
        if ch in "“«":
            in_quote = True
        elif ch in "”»":
            in_quote = False
        elif ch == '"':
            in_quote = not in_quote
    return in_quote


def paragraph_sequences(
    text: str, sentences: Sequence[Sentence], select: set[int] | None = None
) -> list[tuple[list[Token], list[list[str]], list[int]]]:
    """Tokens, feature lists and sentence numbers for each tagging sequence of ``text``.

    A sequence is a paragraph (training), or with ``select`` a run of consecutive selected
    sentences of one paragraph. Quotation state (inside an open curly or straight quote) is
    tracked across the whole text, skipped sentences included, so a quote running over
    several sentences or paragraphs is visible to the tagger.
    """
    cues = cue_lexicon()
    seqs = []
    in_quote = False
    done = 0  # text offset up to which quotation state is known
    for run in _runs(text, sentences, select):
        first = sentences[run[0]]
        if first.start > done:
            in_quote = _quote_flip(text[done:first.start], in_quote) if select is not None else in_quote
        toks: list[Token] = []
        sids: list[int] = []
        for sn in run:
            s = sentences[sn]
            t = tokenize(text, s.start, s.end)
            toks.extend(t)
            sids.extend([sn] * len(t))
        done = sentences[run[-1]].end
        n = len(toks)
        if not n:
            continue
        words = [text[a:b] for a, b in toks]
        stat = [_static(w) for w in words]
        low = [x[0] for x in stat]
        shp = [x[1] for x in stat]
        is_cue = [lw in cues for lw in low]
        # Quotation state before each token.
        qstate = []
        for w in words:
            if w in _OPEN_Q and w != "’":
                in_quote = True
                qstate.append(2)
            elif w in "”»":
                qstate.append(3)
                in_quote = False
            elif w == '"':
                qstate.append(3 if in_quote else 2)
                in_quote = not in_quote
            else:
                qstate.append(1 if in_quote else 0)
        # Nearest cue word to the left / right inside the same sentence.
        left = [-1] * n
        last = -1
        for i in range(n):
            if i and sids[i] != sids[i - 1]:
                last = -1
            left[i] = last
            if is_cue[i]:
                last = i
        right = [-1] * n
        last = -1
        for i in range(n - 1, -1, -1):
            if i < n - 1 and sids[i] != sids[i + 1]:
                last = -1
            right[i] = last
            if is_cue[i]:
                last = i
        cap = [x in ("Xx", "X") for x in shp]
        sent_has_cue: set[int] = {sids[i] for i in range(n) if is_cue[i]}
        sent_has_q: set[int] = {sids[i] for i in range(n) if qstate[i] >= 2}
        seen_colon = False
        feats: list[list[str]] = []
        for i in range(n):
            sid = sids[i]
            st = stat[i]
            if i:
                prev = stat[i - 1]
                f = [*st[2], prev[3][0], "b-=" + prev[0] + "|" + st[0],
                     stat[i - 2][3][2] if i > 1 else "w-2=<s>"]
                if sids[i - 1] != sid:
                    seen_colon = False
            else:
                f = [*st[2], "w-1=<s>", "w-2=<s>"]
            if i + 1 < n:
                nxt = stat[i + 1]
                f += (nxt[3][1], "b+=" + st[0] + "|" + nxt[0], stat[i + 2][3][3] if i + 2 < n else "w+2=</s>")
            else:
                f += ("w+1=</s>", "w+2=</s>")
            f.append("sh3=" + (shp[i - 1] if i else "<s>") + shp[i] + (shp[i + 1] if i + 1 < n else "</s>"))
            lc = left[i]
            rc = right[i]
            lb = (_DIST_BUCKETS[i - lc] if i - lc < 12 else 6) if lc >= 0 else 9
            rb = (_DIST_BUCKETS[rc - i] if rc - i < 12 else 6) if rc >= 0 else 9
            # Quotation state and distances to the nearest cue words, as one conjunction.
            f.append(_CTX[qstate[i]][lb][rb])
            if lc >= 0:
                f.append("lcw=" + low[lc])
            if rc >= 0:
                f.append("rcw=" + low[rc])
            fl = 0
            if cap[i] and ((i and cap[i - 1]) or (i + 1 < n and cap[i + 1])):
                fl |= 1
            if seen_colon:
                fl |= 2
            if words[i] == ":":
                seen_colon = True
            if sid not in sent_has_cue:
                fl |= 4
            if sid in sent_has_q:
                fl |= 8
            if i == 0 or sids[i - 1] != sid:
                fl |= 16
            if i + 1 == n or sids[i + 1] != sid:
                fl |= 32
            f.append(_FL[fl])
            feats.append(f)
        seqs.append((toks, feats, sids))
    return seqs


def default_model_path() -> Path:
    """Path of the packaged model file."""
    return Path(str(resources.files("provenance.extract").joinpath("models", MODEL_NAME)))


class AttributionTagger:
    """A loaded CRF model that tags paragraphs with BIO labels.

    Args:
        model_path: The ``.crfsuite`` file; defaults to the packaged model.
    """

    def __init__(self, model_path: Path | str | None = None) -> None:
        import pycrfsuite  # a small C extension; imported here so the module loads without it

        self.model_path = Path(model_path) if model_path else default_model_path()
        self._tagger = pycrfsuite.Tagger()
        # attribution_decoder.EmissionModel, built on first use; False when it cannot be.
        self._emission_model: Any = None
        if self.model_path.suffix == ".xz":  # stored compressed: a third of the size
            # crfsuite reads the buffer in place: keep a reference for the tagger's lifetime.
            self._model_bytes = lzma.decompress(self.model_path.read_bytes())
            self._tagger.open_inmemory(self._model_bytes)
        else:
            self._tagger.open(str(self.model_path))

    def tag(
        self, text: str, sentences: Sequence[Sentence], *, prefilter: bool = True, crfsuite: bool = False
    ) -> list[tuple[str, int, int, int]]:
        """Labelled spans ``(label, start, end, sentence_no)`` in text order.

        Args:
            text: Article text.
            sentences: Its sentence spans.
            prefilter: Tag only ``candidate_sentences`` (a quotation mark, a colon or a
                candidate cue word): same spans in practice, a fifth less work.
            crfsuite: Score with crfsuite itself (string features, one look-up each) instead
                of the cached emission tables of ``attribution_decoder``: the same labels,
                several times slower; for tests and training checks.

        Returns:
            Maximal runs of one label (SRC, CUE or CON), each inside one sentence.
        """
        if not crfsuite and self._emission_model is not False:
            from provenance.extract import attribution_decoder as dec

            if self._emission_model is None:
                try:
                    # Tagger.info() dumps the model to a temporary file and parses it.
                    self._emission_model = dec.EmissionModel(self._tagger.info(), self._tagger.labels())
                except (RuntimeError, OSError) as exc:  # e.g. no disk space for that file
                    log.warning("cannot read the attribution model's weights (%s); tagging with crfsuite, "
                                "same labels, slower", exc)
                    self._emission_model = False
            if self._emission_model:
                return dec.tag_runs(self._emission_model, text, sentences, gate=prefilter)
        spans: list[tuple[str, int, int, int]] = []
        select = candidate_sentences(text, sentences) if prefilter else None
        for toks, feats, sids in paragraph_sequences(text, sentences, select):
            if not toks:
                continue
            labels = self._tagger.tag(feats)
            spans.extend(spans_from_labels(toks, labels, sids))
        return spans


def spans_from_labels(
    toks: Sequence[Token], labels: Sequence[str], sids: Sequence[int]
) -> list[tuple[str, int, int, int]]:
    """Collapse BIO labels into (label, start, end, sentence_no) runs (split at sentence ends)."""
    out: list[tuple[str, int, int, int]] = []
    cur: list[object] | None = None
    for (a, b), lab, sid in zip(toks, labels, sids):
        if lab == "O":
            cur = None
            continue
        bio, _, typ = lab.partition("-")
        if cur is not None and cur[0] == typ and bio == "I" and cur[3] == sid:
            cur[2] = b
            out[-1] = (typ, cur[1], b, sid)  # type: ignore[assignment]
        else:
            cur = [typ, a, b, sid]
            out.append((typ, a, b, sid))
    return out


@lru_cache(maxsize=1)
def default_tagger() -> AttributionTagger | None:
    """The packaged tagger, or None (with a warning, once) when the model file or
    python-crfsuite is missing: attributions then come from the structural rules alone."""
    path = default_model_path()
    if not path.exists():
        log.warning("attribution model %s is missing; using rules only (lower recall)", path)
        return None
    try:
        return AttributionTagger(path)
    except ImportError:
        log.warning("python-crfsuite is not installed; attributions use rules only (lower recall)")
        return None


_LAST: dict[str, list[tuple[str, int, int, int]]] = {}
_ENABLED = [True]


def use_model(enabled: bool) -> None:
    """Switch the tagger on (default) or off for this process.

    Off, ``extract_attributions`` uses its structural rules alone (``rule_attributions``):
    about five times cheaper, for bulk runs where speed matters more than recall (see
    docs/attributions.md for both sets of figures).
    """
    _ENABLED[0] = enabled
    _LAST.clear()


def tag_article(text: str, sentences: Sequence[Sentence]) -> list[tuple[str, int, int, int]]:
    """Tagged runs of ``text`` with the packaged model, memoised for the last article.

    ``extract_actors`` (names among the sources) and ``extract_attributions`` both need the
    tags of the same article; the one-entry memo keeps it to one tagging pass.

    Returns:
        ``(label, start, end, sentence_no)`` runs; empty when no model is available.
    """
    if not _ENABLED[0]:
        return []
    hit = _LAST.get(text)
    if hit is not None:
        return hit
    tagger = default_tagger()
    spans = tagger.tag(text, sentences, prefilter=PREFILTER) if tagger is not None and text else []
    _LAST.clear()
    _LAST[text] = spans
    return spans
