"""The attribution CRF's weights as tables per word type, and the per-word-type cache.

``EmissionModel`` holds the crfsuite model's weights as tables indexed by word type, word
pair and the closed feature sets, and caches each word type's table rows (built once per
type, looked up through a hash table the compiled kernels read). ``attribution_decoder``
computes emission scores and labels from them. Moved out of ``attribution_decoder`` unchanged
(the module had passed the house style's ~600 lines).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from provenance.extract import attribution_jit as jit
from provenance.extract import attribution_tagger as at

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
