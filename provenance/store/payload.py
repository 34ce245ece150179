"""The extractions payload: an article's exact table rows as zlib-compressed JSON.

Kept apart from ``db`` so that the process deriving the query tables (``store.derive``) needs
neither pandas nor the matching code.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

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
            for k, v in r.items():
                if isinstance(v, dict) and set(v) == {TUPLE}:
                    r[k] = tuple(v[TUPLE])
            if r.pop(FROM_TEXT, False):
                r["sentence"] = text[r["sentence_start"]:r["sentence_end"]]
    return rows


def encode(rows: Rows) -> bytes:
    """The rows payload: compact JSON, zlib-compressed (a sixth of the size, for little time)."""
    return zlib.compress(json.dumps(rows, ensure_ascii=False, separators=(",", ":"),
                                    check_circular=False).encode("utf-8"), 1)


def decode(payload: bytes | str) -> Rows:
    """The inverse of ``encode`` (plain JSON text is read too)."""
    if isinstance(payload, bytes):
        payload = zlib.decompress(payload).decode("utf-8")
    rows: Rows = json.loads(payload)
    return rows


__all__ = ["FROM_TEXT", "PLAIN", "TUPLE", "Rows", "decode", "encode", "strip", "unstrip"]
