"""One compiled call from an article's token types to its labelled runs (the tagger's fast path).

``attribution_decoder.emissions``, ``viterbi`` and ``label_runs`` each take a few compiled
kernels (``attribution_jit``) and a dozen small numpy calls per article; on news articles
(~1,000 tokens) the calls' own overhead was about a tenth of the tagging time. ``decode``
runs the same kernels' code back to back in one compiled function: the token properties,
the paragraph breaks, token selection (``select_tokens``), the emission scores
(``emission_scores``), the Viterbi of every run (``viterbi_chains``) and the label runs. The
arithmetic is the same code, so the labels and runs are identical (``tests/
test_attribution_decoder.py`` checks them against the step-by-step path on PolNeAR dev).

Only used when numba is available (``attribution_decoder.USE_JIT``).
"""

from __future__ import annotations

import numpy as np

from provenance.extract.attribution_jit import _njit, emission_scores, select_tokens, viterbi_chains


@_njit
def decode(codes, starts, ends, tid_all, props_table, s_start, s_end, gate, own, static, row_map,  # type: ignore[no-untyped-def]
           pair_keys, pair_lo, dist, ints, trans, idle, kind, inside):
    """Labelled runs of one article, as ``attribution_decoder.label_runs`` of the decoded tokens.

    Args:
        codes: (chars,) code points of the text (newlines mark paragraph breaks).
        starts, ends: (tokens,) spans of all tokens of the text.
        tid_all: (tokens,) their word-type ids; ``props_table[tid]``: the type's properties.
        s_start, s_end: (sentences,) sentence spans.
        gate: tag only sentences with a gate word.
        own ... ints: ``attribution_jit.emission_scores``'s tables.
        trans: (labels, labels) transitions; ``idle``: ``attribution_decoder._idle_scores``
            of at least the longest run's length.
        kind: (labels,) 0 O, 1 SRC, 2 CUE, 3 CON; ``inside``: (labels,) an ``I-`` label.

    Returns:
        (type, start, end, sentence) arrays of the runs, type 1 SRC, 2 CUE, 3 CON.
    """
    n_all = len(starts)
    nsent = len(s_start)
    props_all = np.empty((n_all, props_table.shape[1]), dtype=np.int64)
    for i in range(n_all):
        props_all[i, :] = props_table[tid_all[i], :]
    # Paragraph breaks: a newline between a sentence and the one before it.
    para = np.ones(nsent, dtype=np.bool_)
    for j in range(1, nsent):
        brk = False
        for p in range(s_end[j - 1], s_start[j]):
            if codes[p] == 10:
                brk = True
                break
        para[j] = brk
    keep, sid, rid, qs = select_tokens(starts, props_all, s_start, s_end, para, gate)
    n = len(keep)
    tid = np.empty(n, dtype=np.int64)
    props = np.empty((n, props_all.shape[1]), dtype=np.int64)
    for m in range(n):
        tid[m] = tid_all[keep[m]]
        props[m, :] = props_all[keep[m], :]
    em = emission_scores(tid, props, sid, rid, qs, own, static, row_map, pair_keys, pair_lo, dist, ints)
    # Viterbi chains: the runs (consecutive equal run numbers).
    nc = 0
    for m in range(n):
        if m == 0 or rid[m] != rid[m - 1]:
            nc += 1
    cstart = np.empty(nc, dtype=np.int64)
    clen = np.empty(nc, dtype=np.int64)
    c = -1
    for m in range(n):
        if m == 0 or rid[m] != rid[m - 1]:
            c += 1
            cstart[c] = m
            clen[c] = 0
        clen[c] += 1
    labels = viterbi_chains(trans, em, cstart, clen, idle) if n else np.zeros(0, dtype=np.int64)
    # Runs: a run starts at a B- label, a change of type or of sentence; it ends before an O.
    k = np.empty(n, dtype=np.int64)
    for m in range(n):
        k[m] = kind[labels[m]]
    nr = 0
    for m in range(n):
        if k[m] > 0 and not (m > 0 and inside[labels[m]] and k[m] == k[m - 1] and sid[m] == sid[m - 1]):
            nr += 1
    typ = np.empty(nr, dtype=np.int64)
    a = np.empty(nr, dtype=np.int64)
    b = np.empty(nr, dtype=np.int64)
    s = np.empty(nr, dtype=np.int64)
    r = -1
    for m in range(n):
        if k[m] == 0:
            continue
        if not (m > 0 and inside[labels[m]] and k[m] == k[m - 1] and sid[m] == sid[m - 1]):
            r += 1
            typ[r] = k[m]
            a[r] = starts[keep[m]]
            s[r] = sid[m]
        b[r] = ends[keep[m]]
    return typ, a, b, s
