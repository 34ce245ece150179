"""The extractions payload: an article's exact table rows as zstd-compressed JSON.

Payloads are written with zstd (store schema 2); those of older stores, zlib-compressed, are
read as well: the two are told apart by the frame's first bytes (zstd's magic number).

Kept apart from ``db`` so that the process deriving the query tables (``store.derive``) needs
neither pandas nor the matching code.

The JSON is written and read by orjson (7x faster than ``json`` both ways on ABP rows), and by
``json`` wherever the two could differ, so that ``decode`` gives exactly the object ``json``
gives, for payloads written by either: orjson writes NaN and infinities as ``null`` (rows
holding a non-finite float, or a nested container, are written by ``json``), refuses integers
beyond 64 bits, non-string keys and types ``json`` would not write (``json`` then writes them,
or raises as it always did), and reads integers beyond 64 bits as floats (a payload holding a
run of 19 digits is read by ``json``).
"""

from __future__ import annotations

import json
import threading
import zlib
from itertools import chain, compress, repeat
from operator import is_
from typing import Any

import orjson
import zstandard

Rows = dict[str, list[dict[str, Any]]]

#: Values SQLite binds as they are (anything else goes in as JSON, ``schema.sql_value``).
PLAIN = (str, int, float, bool, type(None))
_PLAIN_TYPES = frozenset(PLAIN)
#: Key ``strip`` adds to a row whose sentence text is left out (restored from the article text).
FROM_TEXT = "__sentence_from_text__"
#: Key of the object a tuple value is tagged with, so that it comes back as a tuple.
TUPLE = "__tuple__"


def strip(rows: Rows, text: str) -> Rows:
    """Rows ready for JSON: the sentence text each child row repeats is dropped (restored from
    ``text`` on load) and tuples are tagged so they come back as tuples; key order is kept."""
    out: Rows = {}
    for table, rs in rows.items():
        slim = []
        for r in rs:
            ss = r.get("sentence_start")
            from_text = ("sentence" in r and isinstance(ss, int)
                         and r["sentence"] == text[ss:r["sentence_end"]])
            # Most rows hold plain values only: their types are checked at C speed.
            plain = _PLAIN_TYPES.issuperset(map(type, r.values()))
            tuples = [] if plain else [k for k, v in r.items() if isinstance(v, tuple)]
            if not from_text and not tuples:
                slim.append(r)
                continue
            s = dict(r)  # same key order
            for k in tuples:
                s[k] = {TUPLE: list(r[k])}
            if from_text:
                s["sentence"] = None
                s[FROM_TEXT] = True
            slim.append(s)
        out[table] = slim
    return out


def unstrip(rows: Rows, text: str) -> Rows:
    """The inverse of ``strip``."""
    for rs in rows.values():
        for r in rs:
            if not _PLAIN_TYPES.issuperset(map(type, r.values())):  # at C speed: most rows are plain
                for k, v in r.items():
                    if isinstance(v, dict) and set(v) == {TUPLE}:
                        r[k] = tuple(v[TUPLE])
            if r.pop(FROM_TEXT, False):
                r["sentence"] = text[r["sentence_start"]:r["sentence_end"]]
    return rows


# Anything orjson does not write as ``json`` would reaches ``default`` (None: refused).
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
_CONTAINERS = frozenset((list, tuple, dict))
# Digits to b"1", every other byte to b"0": a run of 19 digits is then a substring.
_DIGITS = bytes(0x31 if 0x30 <= b <= 0x39 else 0x30 for b in range(256))
_DIGIT_RUN = b"1" * 19


def _floats(rows: Rows) -> list[float] | None:
    """The float values of the rows' cells, or None when a cell holds a container (not looked into).

    C-level maps over every cell: 0.06 ms per ABP article."""
    values = list(chain.from_iterable(map(dict.values, chain.from_iterable(rows.values()))))
    types = list(map(type, values))
    if not _CONTAINERS.isdisjoint(types):
        return None
    return list(compress(values, map(is_, types, repeat(float))))


#: zstd level of the payloads: on ABP rows level 1 writes 12% less than zlib's level 1, in a
#: third of its time, and reads back in about a third of zlib's.
ZSTD_LEVEL = 1
#: The first bytes of a zstd frame (a zlib stream starts with 0x78).
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
# zstd contexts are reused (making one per payload costs more than compressing it) but are not
# safe to share between threads: one per thread.
_local = threading.local()


def _compressor() -> zstandard.ZstdCompressor:
    c: zstandard.ZstdCompressor | None = getattr(_local, "c", None)
    if c is None:
        c = _local.c = zstandard.ZstdCompressor(level=ZSTD_LEVEL)
    return c


def _decompressor() -> zstandard.ZstdDecompressor:
    d: zstandard.ZstdDecompressor | None = getattr(_local, "d", None)
    if d is None:
        d = _local.d = zstandard.ZstdDecompressor()
    return d


def decompress(payload: bytes) -> bytes:
    """The JSON of a payload, zstd- (schema 2) or zlib-compressed (schema 1)."""
    if payload[:4] == ZSTD_MAGIC:
        return _decompressor().decompress(payload)
    return zlib.decompress(payload)


def encode(rows: Rows) -> bytes:
    """The rows payload: compact JSON, zstd-compressed (a sixth of the size, for little time).

    ``json.loads`` reads it as ``decode`` does (once ``decompress``-ed).
    """
    text = None
    try:
        floats = _floats(rows)
    except TypeError:  # not a table of row dicts: json writes whatever it is
        floats = None
    total = sum(floats) if floats is not None else 0.0
    # orjson writes NaN and infinities as null (``json`` as NaN and Infinity): rows holding one
    # (their sum is then not finite; an overflow of finite ones merely sends them to ``json``),
    # or a container not looked into, are written by ``json``.
    if floats is not None and total - total == 0:
        try:
            text = orjson.dumps(rows, option=_ORJSON_OPTIONS)
        except orjson.JSONEncodeError:  # an integer beyond 64 bits, a non-str key, another type
            text = None
    if text is None:
        text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"), check_circular=False).encode("utf-8")
    return _compressor().compress(text)


def decode(payload: bytes | str) -> Rows:
    """The inverse of ``encode`` (plain JSON text is read too): the object ``json.loads`` gives."""
    if isinstance(payload, str):
        rows: Rows = json.loads(payload)
        return rows
    text = decompress(payload)
    # orjson reads an integer outside [-2**63, 2**64) as a float: such a token has 19 digits or
    # more, and so the payload holding it (or merely a string holding 19 digits in a row, 22 in
    # 15,000 ABP payloads) is read by ``json``. Found at C speed: 0.03 ms per ABP payload.
    if text.translate(_DIGITS).find(_DIGIT_RUN) < 0:
        try:
            rows = orjson.loads(text)
            return rows
        except orjson.JSONDecodeError:  # NaN, Infinity, 1e400, a lone surrogate: json reads them
            pass
    rows = json.loads(text.decode("utf-8"))
    return rows


__all__ = ["FROM_TEXT", "PLAIN", "TUPLE", "ZSTD_LEVEL", "ZSTD_MAGIC", "Rows", "decode", "decompress", "encode",
           "strip", "unstrip"]
