"""The fast decoder (cached emission tables + batched Viterbi) gives crfsuite's labels."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import shared_path

from provenance.extract import attribution_decoder as dec
from provenance.extract import attribution_jit as jit
from provenance.extract import attribution_tagger as at
from provenance.extract import attribution_types
from provenance.extract.sentences import split_sentences


@pytest.fixture(scope="module")
def tagger() -> at.AttributionTagger:
    t = at.default_tagger()
    if t is None:
        pytest.skip("no attribution model or python-crfsuite")
    return t


def _dev_texts(n: int) -> list[str]:
    paths = sorted(shared_path("polnear", "data", "dev", "text").glob("*.txt"))
    return [p.read_text("utf-8") for p in paths[:n]]


def test_emissions_are_the_sum_of_the_string_feature_weights(tagger: at.AttributionTagger) -> None:
    tagger.tag("Warm-up.", split_sentences("Warm-up."))
    model = tagger._emission_model
    for text in _dev_texts(6):
        sents = split_sentences(text)
        toks = dec.emissions(model, text, sents, gate=False)
        ref = [
            sum((model.weights.get(f, model.zero) for f in feats), np.zeros(len(model.labels)))
            for _, seq, _ in at.paragraph_sequences(text, sents)
            for feats in seq
        ]
        assert len(ref) == len(toks.scores)
        assert np.allclose(np.array(ref), toks.scores, atol=1e-9)


def test_type_feature_rows_are_the_static_features(tagger: at.AttributionTagger) -> None:
    """``_type_features`` finds the rows of ``_static``'s own features (those the model has,
    in order) without building the strings; own rows are the same floats either way."""
    tagger.tag("Warm-up.", split_sentences("Warm-up."))
    model = tagger._emission_model
    words = sorted({text[a:b] for text in _dev_texts(8) for a, b in at.tokenize(text)})
    words += ["’", "'", '"', "“", "‘", "»", "It’s", "HE", "ÉTÉ", "İstanbul", "ﬁnal", "Said", "according"]
    feats, counts, props = model._type_features(words)
    assert len(counts) == len(words) and len(props) == 7 * len(words)
    ends = np.cumsum(counts)
    for i, w in enumerate(words):
        expected = [r for r in (model._wrow.get(f, 0) for f in at._static(w)[2]) if r]
        assert feats[ends[i] - counts[i]:ends[i]] == expected, w
    fresh = dec.EmissionModel(tagger._tagger.info(), tagger._tagger.labels())
    fresh._add_types(words)
    ids = [fresh._types[w] for w in words]
    ref = np.array([sum((model.weights.get(f, model.zero) for f in at._static(w)[2]), np.zeros(len(model.labels)))
                    for w in words])
    assert np.array_equal(fresh._own[ids], ref)


def test_fast_tags_equal_crfsuite_tags_on_dev(tagger: at.AttributionTagger) -> None:
    # Without the sentence gate the two paths see the same sequences: the labels must be
    # identical. (With it they differ in 7 of 384 dev + ABP articles: the fast gate reads
    # tokens and counts every quotation mark, the reference one reads [a-z]+ words.)
    for text in _dev_texts(25):
        sents = split_sentences(text)
        assert tagger.tag(text, sents, prefilter=False) == tagger.tag(text, sents, prefilter=False, crfsuite=True)


@pytest.mark.parametrize("use_jit", [False, True])
@pytest.mark.parametrize("seed", range(8))
def test_viterbi_finds_the_best_path(seed: int, use_jit: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if use_jit and not jit.AVAILABLE:
        pytest.skip("numba is not installed")
    monkeypatch.setattr(dec, "USE_JIT", use_jit)
    rng = np.random.default_rng(seed)
    nl = 3
    trans = rng.normal(size=(nl, nl))
    lengths = [1, 4, 2, 5, 3]
    chain = np.repeat(np.arange(len(lengths)), lengths)
    em = rng.normal(size=(len(chain), nl))
    got = dec.viterbi(trans, em, chain)
    start = 0
    for n in lengths:
        e = em[start:start + n]
        best = max(
            itertools.product(range(nl), repeat=n),
            key=lambda p: sum(e[i, y] for i, y in enumerate(p)) + sum(trans[a, b] for a, b in itertools.pairwise(p)),
        )
        assert tuple(got[start:start + n]) == best
        start += n


def test_type_cache_is_bounded(tagger: at.AttributionTagger, monkeypatch: pytest.MonkeyPatch) -> None:
    model = tagger._emission_model
    monkeypatch.setattr(attribution_types, "TYPE_CACHE_SIZE", 50)
    text = _dev_texts(1)[0]
    sents = split_sentences(text)
    a = dec.emissions(model, text, sents)
    assert len(model._types) <= 50 + len(text.split()) * 2
    b = dec.emissions(model, text, sents)
    assert np.array_equal(a.scores, b.scores)
    model.clear_types()


def test_full_type_cache_keeps_the_common_types(tagger: at.AttributionTagger, monkeypatch: pytest.MonkeyPatch) -> None:
    # A full cache keeps the types seen in two articles or more, under new ids (their rows
    # moved): the scores must be those of an unbounded cache, by both look-ups.
    model = tagger._emission_model
    texts = _dev_texts(12)
    sents = [split_sentences(t) for t in texts]
    model.clear_types()
    want = [dec.emissions(model, t, s).scores for t, s in zip(texts, sents)]
    monkeypatch.setattr(attribution_types, "TYPE_CACHE_SIZE", 600)
    for use_jit in (True, False) if jit.AVAILABLE else (False,):
        monkeypatch.setattr(dec, "USE_JIT", use_jit)
        model.clear_types()
        kept_the = False
        for t, s, w in zip(texts, sents, want):
            before = len(model._types)
            got = dec.emissions(model, t, s).scores
            assert np.array_equal(got, w)
            if len(model._types) < before:  # made room: "the" occurs in every article
                kept_the = kept_the or "the" in model._types
            assert len(model._types) <= 600 + len(t.split()) * 2
        assert kept_the
        words = list(model._types)
        assert [model._types[w] for w in words] == list(range(len(words)))
        df = dict(zip(words, model._df[:len(words)].tolist()))
        model._make_room(600)
        assert "the" in model._types and 0 < len(model._types) <= 300
        assert all(df[w] >= 2 for w in model._types)
    model.clear_types()


@pytest.mark.skipif(not jit.AVAILABLE, reason="numba is not installed")
def test_compiled_type_lookup_gives_the_string_ids(tagger: at.AttributionTagger) -> None:
    # type_ids_at (hash table over code points) must give each token the id its string has
    # in _types: through table growth, after clear_types, after a direct _types.clear(),
    # and with non-ASCII and astral characters.
    model = tagger._emission_model
    texts = _dev_texts(12) + ["Café “naïve” 𝒳-ray’s İstanbul — ok.", "\ud800 lone surrogate"]
    for reset in (None, model.clear_types, model._types.clear):
        if reset is not None:
            reset()
        for text in texts:
            codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            starts, ends = jit.token_spans(codes, jit.ASCII_CLASS, *jit.char_classes(codes))
            ids = model.type_ids_at(text, codes, starts, ends)
            words = [text[a:b] for a, b in zip(starts.tolist(), ends.tolist())]
            assert ids.tolist() == [model._types[w] for w in words]
            assert np.array_equal(ids, model.type_ids(words))
    assert model._hashed == len(model._types) and len(model._hkeys) >= 2 * model._hashed


def test_falls_back_to_crfsuite_when_the_weights_cannot_be_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tagger.info() writes a temporary file: with no disk space the tagger must still work.
    t = at.AttributionTagger()

    class NoSpace:
        def __init__(self, inner: object) -> None:
            self.inner = inner

        def __getattr__(self, name: str) -> object:
            return getattr(self.inner, name)

        def info(self) -> None:
            raise RuntimeError("Can't close file")  # what pycrfsuite raises on a full disk

    monkeypatch.setattr(t, "_tagger", NoSpace(t._tagger))
    text = _dev_texts(1)[0]
    sents = split_sentences(text)
    assert t.tag(text, sents) == t.tag(text, sents, crfsuite=True)
    assert t._emission_model is False


def test_compiled_kernels_equal_the_numpy_path_on_dev(tagger: at.AttributionTagger, monkeypatch: pytest.MonkeyPatch) -> None:
    # The numba kernels repeat the numpy path's floating-point operations in the same order:
    # tokens, runs, scores and labels must be bit-for-bit the same (gate on and off).
    if not jit.AVAILABLE:
        pytest.skip("numba is not installed")
    tagger.tag("Warm-up.", split_sentences("Warm-up."))
    model = tagger._emission_model
    for text in _dev_texts(30):
        sents = split_sentences(text)
        for gate in (True, False):
            monkeypatch.setattr(dec, "USE_JIT", False)
            ref = dec.emissions(model, text, sents, gate=gate)
            ref_labels = dec.viterbi(model.trans, ref.scores, ref.run)
            monkeypatch.setattr(dec, "USE_JIT", True)
            got = dec.emissions(model, text, sents, gate=gate)
            assert all(np.array_equal(a, b) for a, b in zip(ref, got))
            assert np.array_equal(dec.viterbi(model.trans, got.scores, got.run), ref_labels)


def test_split_pattern_gives_the_tagger_tokens() -> None:
    # _SPLIT is _TOKEN with possessive quantifiers (faster): the same tokens.
    plain = dec.re.compile("(" + at._TOKEN.pattern + ")")
    for text in [*_dev_texts(20), "U.S. officials' “don’t-care” a.b. -x- __ 3.5-4 ’tis l'état ..."]:
        assert dec._SPLIT.split(text) == plain.split(text)


def test_compiled_tokenizer_gives_the_tagger_tokens() -> None:
    # token_spans classifies characters with str.isalnum/isspace, the definitions re uses for
    # \w and \s: the same spans as _TOKEN on news text and on every code point.
    if not jit.AVAILABLE:
        pytest.skip("numba is not installed")
    every = "".join(map(chr, range(0x110000)))
    for text in [*_dev_texts(20), "U.S. officials' “don’t-care” a.b. -x- __ 3.5-4 ’tis l'état ...", every, "", "a"]:
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        starts, ends = jit.token_spans(codes, jit.ASCII_CLASS, *jit.char_classes(codes))
        assert list(zip(starts.tolist(), ends.tolist())) == [m.span() for m in at._TOKEN.finditer(text)]


def test_fused_decode_gives_the_step_by_step_runs_on_dev(tagger: at.AttributionTagger) -> None:
    """``tag_runs`` (one compiled call after the type look-up) = emissions, viterbi, label_runs."""
    if not dec.USE_JIT:
        pytest.skip("numba is not installed")
    tagger.tag("Warm-up.", split_sentences("Warm-up."))
    model = tagger._emission_model
    texts = _dev_texts(40) + ["", "No sentence.", "\n\n“Quoted” he said.\nShe said: “yes.”"]
    for text in texts:
        sents = split_sentences(text)
        for gate in (True, False):
            toks = dec.emissions(model, text, sents, gate=gate)
            want = dec.label_runs(toks, dec.viterbi(model.trans, toks.scores, toks.run), model.labels)
            assert dec.tag_runs(model, text, sents, gate=gate) == want
