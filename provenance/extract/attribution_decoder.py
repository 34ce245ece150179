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
from typing import NamedTuple

import numpy as np

from provenance.extract import attribution_jit as jit
from provenance.extract import attribution_tagger as at
from provenance.extract.attribution_types import (
    _LCW,
    _RCW,
    _WM1,
    _WM2,
    _WP1,
    _WP2,
    EmissionModel,
)
from provenance.models import Sentence

log = logging.getLogger(__name__)

#: Use the compiled kernels (``attribution_jit``, numba) for the emissions and the Viterbi;
#: off, or without numba, the numpy code below (same labels, about twice the tagging time).
USE_JIT = jit.AVAILABLE
if not jit.AVAILABLE:
    log.warning("numba is not installed: attribution tagging uses its numpy path (same labels, slower)")

_NEWLINE = re.compile("\n")
#: ``attribution_tagger._TOKEN`` as a capturing split, with possessive quantifiers: nothing
#: follows the repeated group in its alternative, so the first match is the greedy one and
#: the tokens are the same; the engine just stops saving backtracking points (~12 % faster).
#: ``tests/test_attribution_decoder.py`` checks the two give the same tokens.
_SPLIT = re.compile(r"(\w++(?:[’'.\-]\w++)*+|[^\w\s])")
_DIST = np.array((*at._DIST_BUCKETS, 6), dtype=np.int64)


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
