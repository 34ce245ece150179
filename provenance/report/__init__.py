"""Reports: CSV (or Parquet) tables, the settings used, and the HTML report; DataFrames in, files out."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from provenance.config import dump_config
from provenance.errors import OutputError
from provenance.frames import release_memory
from provenance.report.csvfile import write_csv

# Tables written to every run folder, in this order; others follow alphabetically.
ORDER = ("articles", "rejected", "claims", "figures", "attributions", "dates", "actors")
#: Tables the HTML page does not read (``report.html.render_html``): ``write_report(release=True)``
#: drops them once written (0.13 GB on ABP, held through the page otherwise).
UNREAD_BY_PAGE = ("dates", "actors")


def _umask() -> int:
    """The process umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()


def atomic_write(path: Path, write: Callable[[str], None]) -> None:
    """Write via a temporary file in the same folder, then rename, so a reader never sees half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes the file private; a report is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def prepare_out_dir(out: str | Path) -> Path:
    """Create the output folder, or raise OutputError saying why it cannot be used."""
    p = Path(out)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create output folder {p}: {exc.strerror}. Choose a writable --out.") from exc
    if not os.access(p, os.W_OK):
        raise OutputError(f"output folder {p} is not writable. Choose a writable --out.")
    return p


def write_table(df: pd.DataFrame, path: Path, fmt: str = "csv", bom: bool = False) -> Path:
    """Write one table atomically: CSV (UTF-8, optional BOM, no index; ``csvfile.write_csv``) or Parquet."""
    if fmt == "parquet":
        target = path.with_suffix(".parquet")
        atomic_write(target, lambda tmp: _plain_strings(df).to_parquet(tmp, index=False))
        return target
    target = path.with_suffix(".csv")
    atomic_write(target, lambda tmp: write_csv(df, tmp, bom))  # the bytes of df.to_csv, a slice at a time
    return target


def _plain_strings(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its shared-string categoricals (``frames.SHARED_COLUMNS``) as the string
    columns they stand for, so a Parquet file has the schema it had before they were shared;
    the other columns are not copied."""
    cats = {c: df[c].dtype.categories.dtype for c in df.columns
            if isinstance(df[c].dtype, pd.CategoricalDtype) and isinstance(df[c].dtype.categories.dtype, pd.StringDtype)}
    return df.astype(cats) if cats and df.columns.is_unique else df


def write_report(
    frames: dict[str, pd.DataFrame], out: str | Path, config: dict[str, Any], fmt: str = "csv",
    release: bool = False,
) -> list[Path]:
    """Write every table, the settings used, and the HTML report into ``out``.

    The memory each table's writing freed is handed back to the system as it goes
    (``frames.release_memory``), so the page is not built on top of it.

    Args:
        frames: Table name -> DataFrame.
        out: The run folder.
        config: Settings of the run (written as settings.toml).
        fmt: ``csv`` or ``parquet``.
        release: Delete the tables the page does not read (``UNREAD_BY_PAGE``) from
            ``frames`` once written: for a caller that needs only their row counts after
            (``pipeline.run(keep_frames=False)``, the command line), and no other thread reads
            ``frames`` meanwhile.

    Returns:
        Paths written.

    Raises:
        OutputError: The folder cannot be created or written.
    """
    out_dir = prepare_out_dir(out)
    bom = bool(config.get("report", {}).get("csv_bom", False))
    written: list[Path] = []
    names = [n for n in ORDER if n in frames] + sorted(n for n in frames if n not in ORDER)
    try:
        for name in names:
            written.append(write_table(frames[name], out_dir / name, fmt, bom))
            if release and name in UNREAD_BY_PAGE:
                del frames[name]
            release_memory()
        settings = out_dir / "settings.toml"
        text = dump_config(config)

        def write_settings(tmp: str) -> None:
            Path(tmp).write_text(text, encoding="utf-8")

        atomic_write(settings, write_settings)
        written.append(settings)
        from provenance.report.html import write_html  # imported here: html imports atomic_write from us

        written.append(write_html(frames, out_dir, config))
    except OSError as exc:
        raise OutputError(f"cannot write to {out_dir}: {exc.strerror}. Free space or choose another --out.") from exc
    return written
