"""Token tagger for attribution spans: source, cue and content as a BIO sequence.

A linear-chain CRF (python-crfsuite) over the tokens of one paragraph. PolNeAR's annotations
are univocal (each token has one role in at most one attribution), so a tag sequence
``B-SRC I-SRC B-CUE B-CON I-CON ...`` carries them; ``attributions.py`` turns tagged spans
into attributions and resolves sources. Features are lexical (word, suffix, shape, a window
of two words), the learned cue lexicon (``lexicon/cues.tsv``), quotation state carried
across sentences, and the position relative to the nearest cue word in the sentence.

The model file ``models/attributions.crfsuite.xz`` (crfsuite format, xz-compressed) is written by ``scripts/train_attributions.py``
from PolNeAR's train split (see ``docs/attributions.md``).
"""

from __future__ import annotations

import lzma
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

from provenance.models import Sentence

MODEL_NAME = "attributions.crfsuite.xz"
#: Words that head a cue at least this often in train count as cue words for the
#: structural features (nearest cue to the left / right).
CUE_RATIO = 0.2
LABELS = ("SRC", "CUE", "CON")

_TOKEN = re.compile(r"\w+(?:[’'.\-]\w+)*|[^\w\s]")
_OPEN_Q = "“‘«"
_CLOSE_Q = "”’»"
_PRONOUNS = frozenset(
    "he she they it we i you his her their its our my your him them us who which".split()
)
_DIST_BUCKETS = (0, 1, 2, 3, 3, 4, 4, 4, 5, 5, 5, 5)

Token = tuple[int, int]
_QS = tuple("qs=%d" % i for i in range(4))
_LC = tuple("lc=%d" % i for i in range(7))
_RC = tuple("rc=%d" % i for i in range(7))


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


@lru_cache(maxsize=200_000)
def _static(w: str) -> tuple[str, str, tuple[str, ...], tuple[str, str, str, str]]:
    """Per-word-type features: (lower form, shape, own features, window strings).

    The window strings (``w-1=``, ``w+1=``, ``w-2=``, ``w+2=`` with this word) are built once
    per word type, so tagging a token costs list look-ups rather than string building.
    """
    lw = w.lower().replace("’", "'")
    shape = _shape(w)
    feats = ["w=" + lw, "sh=" + shape]
    if len(lw) > 3:
        feats.append("s3=" + lw[-3:])
        feats.append("p4=" + lw[:4])
        feats.append("lm=" + _lemma(lw))
    if len(lw) > 2:
        feats.append("s2=" + lw[-2:])
    row = cue_table().get(lw)
    if row is not None:
        n, ratio, _ = row
        feats.append("cr=%d" % min(4, int(ratio * 5)))
        feats.append("cuef=" + ("hi" if n >= 100 else "mid" if n >= 20 else "lo"))
        if lw in cue_lexicon():
            feats.append("cue")
    if lw in _PRONOUNS:
        feats.append("pron")
    if w in '"' + _OPEN_Q + _CLOSE_Q:
        feats.append("q")
    return lw, shape, tuple(feats), ("w-1=" + lw, "w+1=" + lw, "w-2=" + lw, "w+2=" + lw)


def _paragraphs(text: str, sentences: Sequence[Sentence]) -> list[list[Sentence]]:
    """Group sentences into paragraphs (a newline between two sentences starts a new one)."""
    out: list[list[Sentence]] = []
    for s in sentences:
        if out and "\n" not in text[out[-1][-1].end:s.start]:
            out[-1].append(s)
        else:
            out.append([s])
    return out


def paragraph_sequences(
    text: str, sentences: Sequence[Sentence]
) -> list[tuple[list[Token], list[list[str]], list[int]]]:
    """Tokens, feature lists and sentence numbers for each paragraph of ``text``.

    Quotation state (inside an open curly or straight quote) is tracked across the whole text,
    so a quote running over several sentences or paragraphs is visible to the tagger.
    """
    cues = cue_lexicon()
    seqs = []
    in_quote = False
    sent_no = 0
    for para in _paragraphs(text, sentences):
        toks: list[Token] = []
        sids: list[int] = []
        for s in para:
            t = tokenize(text, s.start, s.end)
            toks.extend(t)
            sids.extend([sent_no] * len(t))
            sent_no += 1
        n = len(toks)
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
        caprun = [False] * n
        for i in range(n):
            if shp[i] in ("Xx", "X") and ((i and shp[i - 1] in ("Xx", "X")) or (i + 1 < n and shp[i + 1] in ("Xx", "X"))):
                caprun[i] = True
        colon_before = [False] * n
        seen_colon = False
        for i in range(n):
            if i and sids[i] != sids[i - 1]:
                seen_colon = False
            colon_before[i] = seen_colon
            if words[i] == ":":
                seen_colon = True
        sent_has_cue: dict[int, bool] = {}
        sent_has_q: dict[int, bool] = {}
        for i in range(n):
            if is_cue[i]:
                sent_has_cue[sids[i]] = True
            if qstate[i] >= 2:
                sent_has_q[sids[i]] = True
        feats: list[list[str]] = []
        for i in range(n):
            f = list(stat[i][2])
            if i:
                f.append(stat[i - 1][3][0])
                f.append("b-=" + low[i - 1] + "|" + low[i])
                f.append(stat[i - 2][3][2] if i > 1 else "w-2=<s>")
            else:
                f.extend(("w-1=<s>", "w-2=<s>", "pstart"))
            if i + 1 < n:
                f.append(stat[i + 1][3][1])
                f.append("b+=" + low[i] + "|" + low[i + 1])
                f.append(stat[i + 2][3][3] if i + 2 < n else "w+2=</s>")
            else:
                f.extend(("w+1=</s>", "w+2=</s>"))
            f.append("sh3=" + (shp[i - 1] if i else "<s>") + shp[i] + (shp[i + 1] if i + 1 < n else "</s>"))
            f.append(_QS[qstate[i]])
            if i == 0 or sids[i] != sids[i - 1]:
                f.append("sstart")
            if i == n - 1 or sids[i] != sids[i + 1]:
                f.append("send")
            lc = left[i]
            rc = right[i]
            if lc >= 0:
                d = i - lc
                f.append(_LC[_DIST_BUCKETS[d] if d < 12 else 6])
                f.append("lcw=" + low[lc])
                f.append("lcn=" + (low[lc + 1] if lc + 1 < n else "</s>"))
            else:
                f.append("nolc")
            if rc >= 0:
                d = rc - i
                f.append(_RC[_DIST_BUCKETS[d] if d < 12 else 6])
                f.append("rcw=" + low[rc])
            else:
                f.append("norc")
            if caprun[i]:
                f.append("caprun")
            if colon_before[i]:
                f.append("aftcolon")
            if not sent_has_cue.get(sids[i]):
                f.append("snocue")
            if sent_has_q.get(sids[i]):
                f.append("sq")
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
        if self.model_path.suffix == ".xz":  # stored compressed: a third of the size
            # crfsuite reads the buffer in place: keep a reference for the tagger's lifetime.
            self._model_bytes = lzma.decompress(self.model_path.read_bytes())
            self._tagger.open_inmemory(self._model_bytes)
        else:
            self._tagger.open(str(self.model_path))

    def tag(self, text: str, sentences: Sequence[Sentence]) -> list[tuple[str, int, int, int]]:
        """Labelled spans ``(label, start, end, sentence_no)`` in text order.

        Args:
            text: Article text.
            sentences: Its sentence spans.

        Returns:
            Maximal runs of one label (SRC, CUE or CON), each inside one sentence.
        """
        spans: list[tuple[str, int, int, int]] = []
        for toks, feats, sids in paragraph_sequences(text, sentences):
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
    """The packaged tagger, or None when the model file or pycrfsuite is missing."""
    try:
        path = default_model_path()
        if not path.exists():
            return None
        return AttributionTagger(path)
    except ImportError:
        return None


_LAST: dict[str, list[tuple[str, int, int, int]]] = {}


def tag_article(text: str, sentences: Sequence[Sentence]) -> list[tuple[str, int, int, int]]:
    """Tagged runs of ``text`` with the packaged model, memoised for the last article.

    ``extract_actors`` (names among the sources) and ``extract_attributions`` both need the
    tags of the same article; the one-entry memo keeps it to one tagging pass.

    Returns:
        ``(label, start, end, sentence_no)`` runs; empty when no model is available.
    """
    hit = _LAST.get(text)
    if hit is not None:
        return hit
    tagger = default_tagger()
    spans = tagger.tag(text, sentences) if tagger is not None and text else []
    _LAST.clear()
    _LAST[text] = spans
    return spans
