"""Fast decoding for the attribution CRF: cached emission tables and a batched Viterbi.

The tagger's features (``attribution_tagger.paragraph_sequences``) are strings, and
crfsuite scores a token by looking each one up: about 12 look-ups per token, most of the
tagging time. But every feature is a function of a word type (the word itself, or the word
one or two places away, or the nearest cue word), of a pair of adjacent words, or of a
small closed set (shape trigram, quotation state x cue distances, sentence-position flags).
So the emission score of a token is a sum of rows of a few tables, and the per-word-type
part is computed once per word type and cached: a token then costs one dictionary look-up.
The rest (token selection, the table rows of each token, the Viterbi) runs in compiled
loops (``attribution_jit``, numba) when numba is installed, else in numpy on whole arrays
(the Viterbi over all chains of an article at once, one step per position); both give the
same scores and labels bit for bit.

The scores are those of the crfsuite model (weights read with ``pycrfsuite.Tagger.info``),
so the labels are crfsuite's; a test checks that they are identical on PolNeAR dev.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from provenance.extract import attribution_jit as jit
from provenance.extract import attribution_tagger as at
from provenance.models import Sentence

log = logging.getLogger(__name__)

#: Use the compiled kernels (``attribution_jit``, numba) for the emissions and the Viterbi;
#: off, or without numba, the numpy code below (same labels, about twice the tagging time).
USE_JIT = jit.AVAILABLE
if not jit.AVAILABLE:
    log.warning("numba is not installed: attribution tagging uses its numpy path (same labels, slower)")

#: The per-word-type cache holds at most this many word types (memory bound on long bulk
#: runs: about 11 MB at this size). When full, it keeps the types found in the most articles
#: (at most half of it, each in two articles or more) and forgets the rest: on ABP most new
#: types occur once, and emptying it instead made a worker recompute the common ones after
#: every flush (359k tables built for 175k distinct types over half of ABP; 9 us each).
TYPE_CACHE_SIZE = 100_000

# Per-word-type table rows: the word's own features, then the features it gives other tokens.
_OWN, _WM1, _WP1, _WM2, _WP2, _LCW, _RCW = range(7)
_ROW_PREFIX = (None, "w-1=", "w+1=", "w-2=", "w+2=", "lcw=", "rcw=")
_SPECIAL_SHAPES = ("<s>", "</s>", "X", "Xx", "x", "d")
_NEWLINE = re.compile("\n")
#: ``attribution_tagger._TOKEN`` as a capturing split, with possessive quantifiers: nothing
#: follows the repeated group in its alternative, so the first match is the greedy one and
#: the tokens are the same; the engine just stops saving backtracking points (~12 % faster).
#: ``tests/test_attribution_decoder.py`` checks the two give the same tokens.
_SPLIT = re.compile(r"(\w++(?:[’'.\-]\w++)*+|[^\w\s])")
_DIST = np.array((*at._DIST_BUCKETS, 6), dtype=np.int64)


class EmissionModel:
    """The CRF's weights as tables indexed by word type, word pair and closed feature sets.

    Args:
        info: ``pycrfsuite.Tagger().info()`` of the model.
        labels: The model's labels, in ``pycrfsuite.Tagger().labels()`` order.
    """

    def __init__(self, info: Any, labels: Sequence[str]) -> None:
        self.labels = list(labels)
        nl = len(self.labels)
        lab = {x: i for i, x in enumerate(self.labels)}
        weights: dict[str, np.ndarray] = {}
        for (attr, label), w in info.state_features.items():
            v = weights.get(attr)
            if v is None:
                v = weights[attr] = np.zeros(nl)
            v[lab[label]] += w
        # One stacked table of the state weights (row 0: zeros, a feature the model lacks),
        # so ``_add_types`` gathers the rows of many word types at once; ``weights`` maps each
        # feature to its row (a view of the table, no copy).
        self._wrow: dict[str, int] = {attr: i + 1 for i, attr in enumerate(weights)}
        self._wtable = np.zeros((len(weights) + 1, nl))
        for attr, i in self._wrow.items():
            self._wtable[i] = weights[attr]
        weights = {attr: self._wtable[i] for attr, i in self._wrow.items()}
        self.weights = weights
        self.zero = np.zeros(nl)
        self.trans = np.zeros((nl, nl))
        for (a, b), w in info.transitions.items():
            self.trans[lab[a], lab[b]] = w
        z = self.zero
        self.bound = {k: weights.get(k, z) for k in ("w-1=<s>", "w-2=<s>", "w+1=</s>", "w+2=</s>")}
        # Lower-cased words that occur in a word-context or bigram feature get an id; the
        # context features of a word are rows of ``context`` (its id), pairs become int keys.
        lower_ids: dict[str, int] = {}
        pairs: dict[tuple[str, str], list[np.ndarray]] = {}
        ctx_feats: dict[tuple[str, int], np.ndarray] = {}
        for attr, v in weights.items():
            if attr.startswith(("b-=", "b+=")):
                a, b = _split_pair(attr[3:])
                slot = pairs.setdefault((a, b), [z, z])
                slot[0 if attr[1] == "-" else 1] = v
                lower_ids.setdefault(a, len(lower_ids))
                lower_ids.setdefault(b, len(lower_ids))
            else:
                head, eq, word = attr.partition("=")
                r = _ROW_PREFIX.index(head + eq) if eq and head + eq in _ROW_PREFIX else -1
                if r > 0:
                    ctx_feats[(word, r)] = v
                    lower_ids.setdefault(word, len(lower_ids))
        self.lower_ids = lower_ids
        self.n_lower = len(lower_ids) + 1  # the last id: a word in no such feature
        self.context = np.zeros((self.n_lower, 7, nl))
        for (word, r), v in ctx_feats.items():
            self.context[lower_ids[word], r] = v
        keys = np.array([lower_ids[a] * self.n_lower + lower_ids[b] for a, b in pairs], dtype=np.int64)
        order = np.argsort(keys)
        self.pair_keys = keys[order]
        # pair_keys[pair_lo[a]:pair_lo[a + 1]]: the pairs whose left word has lower-case id a.
        self.pair_lo = np.searchsorted(self.pair_keys, np.arange(self.n_lower + 1, dtype=np.int64) * self.n_lower)
        vecs = list(pairs.values())
        # Row 0 of each pair table: no weight (a pair the model does not know).
        self.pair_minus = np.vstack([z] + [vecs[i][0] for i in order])  # "b-=" at the right word
        self.pair_plus = np.vstack([z] + [vecs[i][1] for i in order])  # "b+=" at the left word
        # Shapes: the special ones, then every single character that occurs in a sh3 feature.
        chars = sorted({ch for attr in weights if attr.startswith("sh3=") for ch in attr[4:]} - set(_SPECIAL_SHAPES))
        self.shape_ids = {s: i for i, s in enumerate((*_SPECIAL_SHAPES, *chars))}
        self.n_shapes = len(self.shape_ids) + 1  # the last id: a character in no sh3 feature
        shapes = list(self.shape_ids)
        sh3 = np.zeros((self.n_shapes ** 3, nl))
        for i, s1 in enumerate(shapes):
            for j, s2 in enumerate(shapes):
                for k, s3 in enumerate(shapes):
                    v = weights.get("sh3=" + s1 + s2 + s3)
                    if v is not None:
                        sh3[(i * self.n_shapes + j) * self.n_shapes + k] = v
        self.sh3 = sh3
        self.ctx = np.array([[[weights.get(at._CTX[q][lb][rb], z) for rb in range(10)] for lb in range(10)] for q in range(4)])
        self.fl = np.array([weights.get(at._FL[b], z) for b in range(64)])
        # One stacked table of every static weight vector; ``emissions`` sums rows of it
        # picked by an (tokens, 11) index matrix (one gather instead of eleven).
        blocks = {
            "context": self.context.reshape(-1, nl),
            "pair_minus": self.pair_minus,
            "pair_plus": self.pair_plus,
            "sh3": self.sh3,
            "ctx": self.ctx.reshape(-1, nl),
            "fl": self.fl,
            "bound": np.vstack([self.bound[k] for k in ("w-1=<s>", "w-2=<s>", "w+1=</s>", "w+2=</s>")] + [z]),
        }
        self.offset: dict[str, int] = {}
        at_row = 0
        for name, block in blocks.items():
            self.offset[name] = at_row
            at_row += len(block)
        full = np.vstack(list(blocks.values()))
        self.zero_row = at_row - 1  # the last row of "bound": all zeros
        # Most rows are zero (word pairs and shape trigrams the model has no weight for):
        # keep the others in a compact table (fewer cache misses) and map row numbers to it.
        nonzero = np.flatnonzero(np.abs(full).sum(axis=1) > 0)
        self.row_map = np.full(len(full), len(nonzero), dtype=np.int32)
        self.row_map[nonzero] = np.arange(len(nonzero), dtype=np.int32)
        self.static = np.vstack([full[nonzero], np.zeros((1, nl))])
        off = self.offset
        #: Scalars of the compiled emission kernel (``attribution_jit.emission_scores``).
        self.jit_ints = np.array(
            [self.n_lower, self.n_shapes, self.zero_row, off["context"], off["pair_minus"], off["pair_plus"],
             off["sh3"], off["ctx"], off["fl"], off["bound"]], dtype=np.int64,
        )
        self._types: dict[str, int] = {}
        self._own = np.zeros((1024, nl))  # per word type: the sum of its own features
        self._props = np.zeros((1024, 7), dtype=np.int64)  # per word type: see _add_type
        # The same word types by code points, for the compiled lookup (``type_ids_at``):
        # type t is _tcodes[_toff[t]:_toff[t + 1]]; _hkeys is an open-addressing hash table
        # of the first _hashed types (``attribution_jit.hash_types``: hash, id, offset, length).
        self._tcodes = np.zeros(1 << 14, dtype=np.uint32)
        self._toff = np.zeros(1025, dtype=np.int64)
        self._hkeys = np.zeros((1 << 12, 4), dtype=np.uint64)
        self._hashed = 0
        self._df = np.zeros(1024, dtype=np.int32)  # per word type: articles it was seen in
        self._lex_rows: tuple[dict[str, tuple[int, ...]], dict[str, int], int, int] | None = None

    def clear_types(self) -> None:
        """Forget every word type (the tables are refilled on demand)."""
        self._types.clear()
        self._hkeys[:] = 0
        self._hashed = 0

    def _make_room(self, k: int) -> None:
        """Before looking up ``k`` tokens: when the cache could pass ``TYPE_CACHE_SIZE``, keep
        the types seen in the most articles (at most half of it, each seen twice or more, their
        counts halved) under new ids and forget the others. Ids change: call it only before a
        look-up, never within one (the kept types' tables are the same rows, moved)."""
        types = self._types
        n = len(types)
        if n + k <= TYPE_CACHE_SIZE:
            return
        if n < self._hashed or n > len(self._df):  # _types was changed directly: start afresh
            self.clear_types()
            return
        df = self._df[:n]
        top = np.argsort(-df, kind="stable")[:TYPE_CACHE_SIZE // 2]
        keep = np.sort(top[df[top] >= 2])
        words = list(types)  # insertion order is id order: ids are given in order (_add_types)
        m = len(keep)
        self._own[:m] = self._own[keep]
        self._props[:m] = self._props[keep]
        self._df[:m] = self._df[keep] >> 1
        self._df[m:] = 0
        lens = self._toff[keep + 1] - self._toff[keep]
        off = np.zeros(m + 1, dtype=np.int64)
        np.cumsum(lens, out=off[1:])
        src = np.repeat(self._toff[keep] - off[:-1], lens) + np.arange(off[-1], dtype=np.int64)
        self._tcodes[:off[-1]] = self._tcodes[src]
        self._toff[:m + 1] = off
        types.clear()
        types.update(zip([words[i] for i in keep.tolist()], range(m)))
        self._hkeys[:] = 0  # rebuilt by the next _sync_hash
        self._hashed = 0

    def _add_type(self, w: str) -> int:
        """Compute and cache the tables of one word type; returns its id (see ``_add_types``)."""
        self._add_types([w])
        return self._types[w]

    def _add_types(self, words: Sequence[str]) -> None:
        """Compute and cache the tables of new word types (distinct, none known yet).

        Properties: lower-case id (context and bigram tables), shape id, cue word, capitalised,
        colon, quotation mark (1 opening, 2 closing, 3 straight), gate word (a quotation
        mark, a colon or a candidate cue word). A type's own row is the sum of its features'
        weight rows, added in feature order (the same floats as one type at a time).
        """
        if not words:
            return
        tid0 = len(self._types)
        if tid0 < self._hashed:  # _types was emptied directly: the hash table is stale
            self._hkeys[:] = 0
            self._hashed = 0
        k = len(words)
        while tid0 + k > len(self._own):
            self._own = np.concatenate([self._own, np.zeros_like(self._own)])
            self._props = np.concatenate([self._props, np.zeros_like(self._props)])
            self._toff = np.concatenate([self._toff, np.zeros(len(self._toff) - 1, dtype=np.int64)])
        while tid0 + k > len(self._df):
            self._df = np.concatenate([self._df, np.zeros_like(self._df)])
        self._df[tid0:tid0 + k] = 0
        cps = np.frombuffer("".join(words).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        a = self._toff[tid0]
        b = a + len(cps)
        while b > len(self._tcodes):
            self._tcodes = np.concatenate([self._tcodes, np.zeros(max(b, len(self._tcodes)), dtype=np.uint32)])
        self._tcodes[a:b] = cps
        self._toff[tid0 + 1:tid0 + k + 1] = a + np.cumsum(np.fromiter(map(len, words), np.int64, k))
        feats, counts, props = self._type_features(words)
        width = max(counts)
        rows = np.zeros((k, self._own.shape[1]))
        if width:
            # idx[i, j]: the j-th feature row of word i, padded with row 0 (zeros); the
            # rows are added column by column, so each word's in its features' order.
            cnt = np.array(counts, dtype=np.int64)
            idx = np.zeros((width, k), dtype=np.int64)
            first = np.cumsum(cnt) - cnt
            idx[np.arange(len(feats)) - np.repeat(first, cnt), np.repeat(np.arange(k), cnt)] = np.array(feats, dtype=np.int64)
            for j in range(width):
                rows += np.take(self._wtable, idx[j], axis=0)
        self._own[tid0:tid0 + k] = rows
        self._props[tid0:tid0 + k] = np.array(props, dtype=np.int64).reshape(k, 7)
        types = self._types
        for i, w in enumerate(words):
            types[w] = tid0 + i

    def _type_features(self, words: Sequence[str]) -> tuple[list[int], list[int], list[int]]:
        """The weight-table rows of the features of each word (``attribution_tagger._static``'s
        own features, in its order, those the model lacks left out: their row is zeros) as
        one flat list and a count per word, and each word's seven properties (``_add_types``)
        one word after the other in one flat list.

        The feature strings are not built: the rows of the features of a lower-case form
        (cue ratio, cue, cluster) are looked up once per form in tables made on first use
        (``_lex_rows``). ``tests/test_attribution_decoder.py`` checks the rows against
        ``_static``'s features.
        """
        lex = self._lex_rows
        if lex is None:
            lex = self._lex_rows = self._make_lex_rows()
        cue_rows, clu_rows, pron_row, q_row = lex
        wget = self._wrow.get
        lower_ids, shape_ids = self.lower_ids, self.shape_ids
        no_lower, no_shape = self.n_lower - 1, self.n_shapes - 1
        cues, cands, open_q = at.cue_lexicon(), at.candidate_words(), at._OPEN_Q
        pronouns, q_chars, lemma, shape_of = at._PRONOUNS, at._Q_CHARS, at._lemma, at._shape
        feats: list[int] = []
        counts: list[int] = []
        props: list[int] = []
        add = feats.append
        for w in words:
            lw = w.lower()
            if "’" in lw:
                lw = lw.replace("’", "'")
            n0 = len(feats)
            if r := wget("w=" + lw):
                add(r)
            if len(lw) > 3:
                if r := wget("s3=" + lw[-3:]):
                    add(r)
                stem = lemma(lw)
                if stem != lw and (r := wget("lm=" + stem)):
                    add(r)
            if (t := cue_rows.get(lw)) is not None:
                feats.extend(t)
            if r := clu_rows.get(lw, 0):
                add(r)
            if pron_row and lw in pronouns:
                add(pron_row)
            if q_row and w in q_chars:
                add(q_row)
            counts.append(len(feats) - n0)
            shape = shape_of(w)
            qcode = 1 if w in open_q else 2 if w in "”»" else 3 if w == '"' else 0
            props += (
                lower_ids.get(lw, no_lower),
                shape_ids.get(shape, no_shape),
                lw in cues,
                shape in ("Xx", "X"),
                w == ":",
                qcode,
                (qcode > 0 and w != "‘") or w == ":" or lw in cands,
            )
        return feats, counts, props

    def _make_lex_rows(self) -> tuple[dict[str, tuple[int, ...]], dict[str, int], int, int]:
        """Rows of the lower-case-form features of ``attribution_tagger._static``: per cue
        table word its ``cr=`` and ``cue`` rows, per clustered word its ``c=`` row (only rows
        the model has), and the rows of ``pron`` and ``q`` (0: not in the model)."""
        wget = self._wrow.get
        cue_lex = at.cue_lexicon()
        cue_rows: dict[str, tuple[int, ...]] = {}
        for lw, (n, ratio, _h) in at.cue_table().items():
            freq = "hi" if n >= 100 else "mid" if n >= 20 else "lo"
            rows = [wget(f"cr={min(4, int(ratio * 5))}{freq}", 0)]
            if lw in cue_lex:
                rows.append(wget("cue", 0))
            cue_rows[lw] = tuple(r for r in rows if r)
        clu_rows: dict[str, int] = {}
        if at.USE_CLUSTERS:
            for lw, cl in at.word_clusters().items():
                if r := wget("c=" + cl, 0):
                    clu_rows[lw] = r
        return cue_rows, clu_rows, wget("pron", 0), wget("q", 0)

    def type_ids(self, words: Sequence[str]) -> np.ndarray:
        """Type ids of ``words``, computing the tables of new word types."""
        types = self._types
        self._make_room(len(words))
        try:
            ids = np.fromiter(map(types.__getitem__, words), np.int64, len(words))
        except KeyError:
            self._add_types([w for w in set(words) if w not in types])
            ids = np.fromiter(map(types.__getitem__, words), np.int64, len(words))
        self._df[ids] += 1  # once per type (a repeated index is written once)
        return ids

    def _sync_hash(self) -> None:
        """Enter the types added since the last call into the compiled lookup's hash table
        (rebuilt twice as large when it would get more than half full)."""
        n = len(self._types)
        if n < self._hashed:  # _types was emptied directly
            self._hkeys[:] = 0
            self._hashed = 0
        if n == self._hashed:
            return
        if 2 * n > len(self._hkeys):
            size = len(self._hkeys)
            while 2 * n > size:
                size *= 2
            self._hkeys = np.zeros((size, 4), dtype=np.uint64)
            self._hashed = 0
        jit.hash_types(self._hkeys, self._tcodes, self._toff, self._hashed, n)
        self._hashed = n

    def type_ids_at(self, text: str, codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """``type_ids`` of the tokens ``text[starts[i]:ends[i]]`` (``codes``: the code points
        of ``text``), found by the compiled hash lookup: only the word types not seen yet
        become Python strings. Same ids as ``type_ids`` on the token strings would give."""
        types = self._types
        self._make_room(len(starts))
        self._sync_hash()
        ids = jit.lookup_types(codes, starts, ends, self._hkeys, self._tcodes)
        miss = np.flatnonzero(ids < 0)
        if len(miss):
            words = [text[a:b] for a, b in zip(starts[miss].tolist(), ends[miss].tolist())]
            # New types get ids in order of first occurrence (as one at a time would).
            self._add_types([w for w in dict.fromkeys(words) if w not in types])
            ids[miss] = np.fromiter(map(types.__getitem__, words), np.int64, len(words))
            self._sync_hash()
        self._df[ids] += 1  # once per type (a repeated index is written once)
        return ids


def _split_pair(s: str) -> tuple[str, str]:
    """``"a|b"`` -> (a, b), where either word may itself be ``|``."""
    if s == "|||":
        return "|", "|"
    if s.startswith("||"):
        return "|", s[2:]
    if s.endswith("||"):
        return s[:-2], "|"
    a, _, b = s.partition("|")
    return a, b


class Tokens(NamedTuple):
    """The tagged tokens of an article, with their emission scores."""

    start: np.ndarray  #: character offset of each token
    end: np.ndarray  #: character end offset
    sentence: np.ndarray  #: sentence number
    run: np.ndarray  #: tagging-run number (consecutive selected sentences of a paragraph)
    scores: np.ndarray  #: (tokens, labels) emission scores


def _quote_states(qcode: np.ndarray) -> np.ndarray:
    """Quotation state before each token: 0 outside, 1 inside, 2 opening, 3 closing mark.

    ``qcode``: 1 an opening curly mark, 2 a closing one, 3 a straight double quote, else 0.
    """
    n = len(qcode)
    qs = np.zeros(n, dtype=np.int64)
    cur = False
    last = 0
    for p in np.flatnonzero(qcode).tolist():
        if cur and p > last:
            qs[last:p] = 1
        c = qcode[p]
        if c == 1:
            qs[p], cur = 2, True
        elif c == 2:
            qs[p], cur = 3, False
        else:
            qs[p] = 3 if cur else 2
            cur = not cur
        last = p + 1
    if cur and last < n:
        qs[last:] = 1
    return qs


def emissions(model: EmissionModel, text: str, sentences: Sequence[Sentence], *, gate: bool = True) -> Tokens:
    """Tokens and emission scores of the tagged sentences of ``text``.

    The whole text is tokenized once; with ``gate``, only sentences with a quotation mark,
    a colon or a candidate cue word (``attribution_tagger.candidate_words``) are scored, in
    runs of consecutive such sentences of one paragraph (a window feature does not reach
    across a skipped sentence). The features are those of
    ``attribution_tagger.paragraph_sequences``; the quotation state counts every mark of
    the text, skipped sentences included.
    """
    nl = len(model.labels)
    if USE_JIT:
        # Code points (lone surrogates kept as such, as ``re`` sees them) -> token spans.
        codes = jit.code_points(text)
        starts, ends = jit.token_spans(codes, jit.ASCII_CLASS, *jit.char_classes(codes))
        if not len(starts) or not sentences:
            e = np.zeros(0, dtype=np.int64)
            return Tokens(e, e, e, e, np.zeros((0, nl)))
        tid_all = model.type_ids_at(text, codes, starts, ends)
    else:
        parts = _SPLIT.split(text)  # untokenized gap, token, gap, token, ..., gap
        words = parts[1::2]
        offs = np.cumsum(np.fromiter(map(len, parts), np.int64, len(parts)))
        ends = offs[1::2]
        starts = np.ascontiguousarray(offs[0::2][: len(words)])
        if not words or not sentences:
            e = np.zeros(0, dtype=np.int64)
            return Tokens(e, e, e, e, np.zeros((0, nl)))
        tid_all = model.type_ids(words)
    props_all = np.take(model._props, tid_all, axis=0)
    s_start = np.fromiter((s.start for s in sentences), np.int64, len(sentences))
    s_end = np.fromiter((s.end for s in sentences), np.int64, len(sentences))
    if USE_JIT:
        # Paragraph breaks: a newline between a sentence and the one before it.
        # Newlines counted by binary search in their sorted offsets (not a slice per sentence).
        nlines = np.flatnonzero(codes == 10)
        para = np.ones(len(sentences), dtype=np.bool_)
        para[1:] = np.searchsorted(nlines, s_start[1:]) > np.searchsorted(nlines, s_end[:-1])
        keep, sid, rid, qs = jit.select_tokens(starts, props_all, s_start, s_end, para, gate)
        if not len(keep):
            e = np.zeros(0, dtype=np.int64)
            return Tokens(e, e, e, e, np.zeros((0, nl)))
        em = jit.emission_scores(
            tid_all[keep], np.take(props_all, keep, axis=0), sid, rid, qs, model._own, model.static, model.row_map,
            model.pair_keys, model.pair_lo, _DIST, model.jit_ints,
        )
        return Tokens(starts[keep], ends[keep], sid, rid, em)
    sid_all = np.searchsorted(s_start, starts, side="right") - 1
    valid = (sid_all >= 0) & (starts < s_end[np.maximum(sid_all, 0)])
    qs_all = _quote_states(props_all[:, 5])
    nsent = len(sentences)
    if gate:
        wanted = valid & (props_all[:, 6] > 0)
        sel = np.bincount(sid_all[wanted], minlength=nsent) > 0
    else:
        sel = np.ones(nsent, dtype=bool)
    # Paragraph breaks: a newline between a sentence and the one before it.
    nls = np.array([m.start() for m in _NEWLINE.finditer(text)], dtype=np.int64)
    para = np.ones(nsent, dtype=bool)
    if nsent > 1:
        para[1:] = np.searchsorted(nls, s_start[1:]) > np.searchsorted(nls, s_end[:-1])
    prev_sel = np.zeros(nsent, dtype=bool)
    prev_sel[1:] = sel[:-1]
    run_of_sent = np.cumsum(sel & (para | ~prev_sel)) - 1
    keep = np.flatnonzero(valid & sel[np.maximum(sid_all, 0)])
    n = len(keep)
    if not n:
        e = np.zeros(0, dtype=np.int64)
        return Tokens(e, e, e, e, np.zeros((0, nl)))
    tid = tid_all[keep]
    props = np.take(props_all, keep, axis=0)
    sid = sid_all[keep]
    rid = run_of_sent[sid]
    qs = qs_all[keep]
    off = model.offset
    idx = np.arange(n)
    cols = np.empty((11, n), dtype=np.int64)
    lid = props[:, 0]
    crow = off["context"] + lid * 7  # row of this word's context block (+ row kind)
    bnd = off["bound"]
    same_prev = np.zeros(n, dtype=bool)  # token i-1 is in the same run
    same_prev[1:] = rid[1:] == rid[:-1]
    same_prev2 = np.zeros(n, dtype=bool)
    same_prev2[2:] = rid[2:] == rid[:-2]
    same_next = np.zeros(n, dtype=bool)
    same_next[:-1] = same_prev[1:]
    same_next2 = np.zeros(n, dtype=bool)
    same_next2[:-2] = same_prev2[2:]
    # Window words: "w-1=" of the previous word, ..., or the run boundary.
    cols[0] = np.where(same_prev, np.roll(crow, 1) + _WM1, bnd)
    cols[1] = np.where(same_prev2, np.roll(crow, 2) + _WM2, bnd + 1)
    cols[2] = np.where(same_next, np.roll(crow, -1) + _WP1, bnd + 2)
    cols[3] = np.where(same_next2, np.roll(crow, -2) + _WP2, bnd + 3)
    # Word pairs: one int key per adjacent pair of the same run; "b-=" counts at the right
    # word, "b+=" at the left one.
    slot = np.zeros(n, dtype=np.int64)
    if n > 1:
        keys = lid[:-1] * model.n_lower + lid[1:]
        pos = np.minimum(np.searchsorted(model.pair_keys, keys), len(model.pair_keys) - 1)
        slot[1:] = np.where((model.pair_keys[pos] == keys) & same_prev[1:], pos + 1, 0)
    cols[4] = off["pair_minus"] + slot
    cols[5] = off["pair_plus"] + np.roll(slot, -1) * same_next
    # Shape trigram.
    shp = props[:, 1]
    ns = model.n_shapes
    left_shape = np.where(same_prev, np.roll(shp, 1), 0)  # 0 = "<s>"
    right_shape = np.where(same_next, np.roll(shp, -1), 1)  # 1 = "</s>"
    cols[6] = off["sh3"] + (left_shape * ns + shp) * ns + right_shape
    # Nearest cue word left / right in the same sentence.
    is_cue = props[:, 2].astype(bool)
    sent_first = np.ones(n, dtype=bool)
    sent_first[1:] = sid[1:] != sid[:-1]
    sstart = np.maximum.accumulate(np.where(sent_first, idx, 0))
    sent_last = np.ones(n, dtype=bool)
    sent_last[:-1] = sent_first[1:]
    send = np.minimum.accumulate(np.where(sent_last, idx, n)[::-1])[::-1]
    cue_left = np.full(n, -1, dtype=np.int64)
    cue_left[1:] = np.maximum.accumulate(np.where(is_cue, idx, -1))[:-1]
    has_left = cue_left >= sstart
    cue_right = np.full(n, n, dtype=np.int64)
    cue_right[:-1] = np.minimum.accumulate(np.where(is_cue, idx, n)[::-1])[::-1][1:]
    has_right = cue_right <= send
    lb = np.where(has_left, _DIST[np.minimum(idx - cue_left, 12)], 9)
    rb = np.where(has_right, _DIST[np.minimum(cue_right - idx, 12)], 9)
    cols[7] = off["ctx"] + (qs * 10 + lb) * 10 + rb
    cols[8] = np.where(has_left, crow[np.maximum(cue_left, 0)] + _LCW, model.zero_row)
    cols[9] = np.where(has_right, crow[np.minimum(cue_right, n - 1)] + _RCW, model.zero_row)
    # Sentence-position flags.
    cap = props[:, 3].astype(bool)
    cap_prev = np.zeros(n, dtype=bool)
    cap_prev[1:] = cap[:-1]
    cap_next = np.zeros(n, dtype=bool)
    cap_next[:-1] = cap[1:]
    fl = (cap & ((cap_prev & same_prev) | (cap_next & same_next))).astype(np.int64)
    colon = props[:, 4]
    ccum = np.cumsum(colon) - colon  # colons strictly before each token
    fl |= ((ccum - ccum[sstart]) > 0).astype(np.int64) << 1
    cue_in_sent = np.bincount(sid, weights=is_cue, minlength=nsent) > 0
    fl |= (~cue_in_sent[sid]).astype(np.int64) << 2
    q_in_sent = np.bincount(sid, weights=qs >= 2, minlength=nsent) > 0
    fl |= q_in_sent[sid].astype(np.int64) << 3
    fl |= sent_first.astype(np.int64) << 4
    fl |= sent_last.astype(np.int64) << 5
    cols[10] = off["fl"] + fl
    # np.take along axis 0 copies whole rows: three times faster than fancy indexing here.
    em = np.take(model._own, tid, axis=0) + np.take(model.static, np.take(model.row_map, cols), axis=0).sum(axis=0)
    return Tokens(starts[keep], ends[keep], sid, rid, em)


def tag_runs(model: EmissionModel, text: str, sentences: Sequence[Sentence], *, gate: bool = True) -> list[tuple[str, int, int, int]]:
    """``label_runs`` of the Viterbi labels of ``emissions``: the tagger's labelled runs.

    With ``USE_JIT``, after the type look-up everything is one compiled call
    (``attribution_fused.decode``, the same kernels' code back to back); else the steps.
    """
    if not USE_JIT:
        toks = emissions(model, text, sentences, gate=gate)
        return label_runs(toks, viterbi(model.trans, toks.scores, toks.run), model.labels)
    from provenance.extract import attribution_fused as fused

    codes = jit.code_points(text)
    starts, ends = jit.token_spans(codes, jit.ASCII_CLASS, *jit.char_classes(codes))
    if not len(starts) or not sentences:
        return []
    tid_all = model.type_ids_at(text, codes, starts, ends)
    s_start = np.fromiter((s.start for s in sentences), np.int64, len(sentences))
    s_end = np.fromiter((s.end for s in sentences), np.int64, len(sentences))
    kind, inside = _label_kinds(model.labels)
    typ, a, b, sid = fused.decode(
        codes, starts, ends, tid_all, model._props, s_start, s_end, gate, model._own, model.static, model.row_map,
        model.pair_keys, model.pair_lo, _DIST, model.jit_ints, model.trans,
        _idle_scores(model.trans, len(starts)), kind, inside,
    )
    names = ("", "SRC", "CUE", "CON")
    return list(zip(map(names.__getitem__, typ.tolist()), a.tolist(), b.tolist(), sid.tolist()))


_IDLE: dict[bytes, np.ndarray] = {}


def _idle_scores(trans: np.ndarray, length: int) -> np.ndarray:
    """Viterbi scores of a chain of zero emissions at each step (cached per transition matrix)."""
    key = trans.tobytes()
    g = _IDLE.get(key)
    if g is None or len(g) < length:
        # Grown to twice the length, from the rows already known (step t needs only t - 1):
        # the fused decoder asks for an article's token count, which grows many times.
        old = g if g is not None else np.zeros((1, trans.shape[0]))
        g = np.zeros((max(2 * length, 256), trans.shape[0]))
        g[:len(old)] = old
        for t in range(len(old), len(g)):
            g[t] = (g[t - 1][:, None] + trans).max(axis=0)
        _IDLE.clear()
        _IDLE[key] = g
    return g[:length]


def viterbi(trans: np.ndarray, em: np.ndarray, chain: np.ndarray) -> np.ndarray:
    """Best label index per token; every chain decoded independently (see ``viterbi_numpy``).

    With ``USE_JIT``, the compiled loop of ``attribution_jit.viterbi_chains`` (same
    arithmetic, same labels); else ``viterbi_numpy``.
    """
    n = len(em)
    if not USE_JIT or not n:
        return viterbi_numpy(trans, em, chain)
    first = np.ones(n, dtype=bool)
    first[1:] = chain[1:] != chain[:-1]
    starts = np.flatnonzero(first)
    lens = np.diff(np.append(starts, n))
    return jit.viterbi_chains(trans, em, starts, lens, _idle_scores(trans, int(lens.max())))


def viterbi_numpy(trans: np.ndarray, em: np.ndarray, chain: np.ndarray) -> np.ndarray:
    """Best label index per token, every chain of tokens decoded at once.

    The chains are right-aligned in one padded array, so each step is four numpy calls on
    all chains. A chain that starts at step s > 0 carries, before s, the scores a chain of
    zero emissions would have (``g``); its first emission is lowered by ``g[s]`` so that its
    score at s is exactly its emission, as if it started there.

    Args:
        trans: (labels, labels) transition weights, from row label to column label.
        em: (tokens, labels) emission scores.
        chain: (tokens,) chain number of each token, non-decreasing; chains are decoded
            independently (no transition between them).

    Returns:
        (tokens,) label indices.
    """
    n = len(em)
    if not n:
        return np.zeros(0, dtype=np.int64)
    first = np.ones(n, dtype=bool)
    first[1:] = chain[1:] != chain[:-1]
    starts = np.flatnonzero(first)
    lens = np.diff(np.append(starts, n))
    nc, nl = len(starts), em.shape[1]
    tmax = int(lens.max())
    tok_chain = np.cumsum(first) - 1
    tok_pos = np.arange(n) - starts[tok_chain] + (tmax - lens)[tok_chain]  # right-aligned
    g = _idle_scores(trans, tmax)
    pad = np.zeros((tmax, nc, nl))
    pad[tok_pos, tok_chain] = em
    pad[tok_pos[starts], np.arange(nc)] -= g[tok_pos[starts]]
    # s[c, y, a] (flat): the score of label y at this step coming from label a. Built by a
    # gather and a contiguous add, reduced along the last axis by argmax and a gather:
    # several times faster in numpy than broadcasting and max() over a middle axis.
    gather = (np.arange(nc)[:, None, None] * nl + np.arange(nl)[None, None, :] + np.zeros((1, nl, 1), dtype=np.intp)).reshape(-1)
    trt = np.tile(trans.T.reshape(-1), nc)
    base = np.arange(nc * nl) * nl
    back = np.empty((tmax, nc * nl), dtype=np.intp)
    padflat = pad.reshape(tmax, nc * nl)
    dflat = padflat[0].copy()
    for t in range(1, tmax):
        sc = dflat[gather]
        sc += trt
        arg = sc.reshape(nc * nl, nl).argmax(axis=1)
        back[t] = arg
        dflat = sc[base + arg]
        dflat += padflat[t]
    delta = dflat.reshape(nc, nl)
    lab = delta.argmax(axis=1)
    labs = np.empty((tmax, nc), dtype=np.intp)
    cbase = np.arange(nc) * nl
    for t in range(tmax - 1, 0, -1):
        labs[t] = lab
        lab = back[t][cbase + lab]
    labs[0] = lab
    return labs[tok_pos, tok_chain]


#: label names -> (type of each label: 0 O, 1 SRC, 2 CUE, 3 CON; is it an ``I-`` label)
_LABEL_KINDS: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}


def _label_kinds(names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per label: its type (0 O, 1 SRC, 2 CUE, 3 CON) and whether it is an ``I-`` label."""
    key = tuple(names)
    if key not in _LABEL_KINDS:
        _LABEL_KINDS[key] = (np.array([0 if x == "O" else 1 + ("SRC", "CUE", "CON").index(x[2:]) for x in names]),
                             np.array([x.startswith("I-") for x in names]))
    return _LABEL_KINDS[key]


def label_runs(
    toks: Tokens, labels: np.ndarray, names: Sequence[str]
) -> list[tuple[str, int, int, int]]:
    """Maximal runs of one label as ``(SRC|CUE|CON, start, end, sentence_no)``.

    As ``attribution_tagger.spans_from_labels``: a run starts at a ``B-`` label, at a change
    of type or of sentence, and ends before an ``O``.

    Args:
        toks: The decoded tokens.
        labels: Their label indices into ``names`` (``O``, ``B-SRC``, ``I-CON``, ...).
        names: The label names.
    """
    kind, inside = _label_kinds(names)
    k = kind[labels]
    n = len(k)
    if not n:
        return []
    cont = np.zeros(n, dtype=bool)
    cont[1:] = (k[1:] > 0) & inside[labels[1:]] & (k[1:] == k[:-1]) & (toks.sentence[1:] == toks.sentence[:-1])
    begin = (k > 0) & ~cont
    last = np.zeros(n, dtype=bool)
    last[:-1] = ~cont[1:]
    last[-1] = True
    last &= k > 0
    b_idx = np.flatnonzero(begin)
    e_idx = np.flatnonzero(last)
    typ = ("", "SRC", "CUE", "CON")
    return [
        (typ[t], a, b, s)
        for t, a, b, s in zip(
            k[b_idx].tolist(), toks.start[b_idx].tolist(), toks.end[e_idx].tolist(), toks.sentence[b_idx].tolist()
        )
    ]
