"""The command line as a user meets it: help for every command, documented in docs/cli.md, data
to stdout and messages to stderr, table conventions, and one exact line for each mistake.

(``run`` and ``extract`` exit codes and their own errors are in test_cli_run.py.)
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import typer
from conftest import REPO
from report_frames import matched_frames
from typer.testing import CliRunner

from provenance.cli import app
from provenance.config import defaults, load_config
from provenance.report import write_report

runner = CliRunner()
COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
DOCS = REPO / "docs" / "cli.md"
SAMPLE = REPO / "corpora" / "sample"
TAG = re.compile(r"\[\[(.*?)\|(figure|cue|source|date|actor)\]\]", re.DOTALL)


def _err(res) -> str:  # type: ignore[no-untyped-def]
    return res.stderr.strip()


# --- help and docs ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(name: str) -> None:
    res = runner.invoke(app, [name, "--help"])
    assert res.exit_code == 0, res.output
    assert f"Usage: provenance {name}" in res.output
    doc = typer.main.get_command(app).commands[name].help  # type: ignore[attr-defined]
    assert doc and doc.strip(), f"{name} has a docstring"
    assert "Examples:" in doc, f"{name} shows an example in its help"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_in_docs(name: str) -> None:
    text = DOCS.read_text("utf-8")
    assert f"\n## provenance {name}\n" in text, f"docs/cli.md has no section for `provenance {name}` " \
        "(regenerate: python scripts/gen_cli_docs.py)"
    assert f"Usage: provenance {name}" in text


def test_top_level_help_lists_every_command() -> None:
    res = runner.invoke(app, ["--help"])
    assert res.exit_code == 0
    for name in COMMANDS:
        assert re.search(rf"\b{name}\b", res.output)


# --- show --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run")
    write_report(matched_frames(), out, load_config())
    return out


def test_show_file_row_plain_text_keeps_the_article() -> None:
    res = runner.invoke(app, ["show", f"{SAMPLE / 'broadcasts.csv'}#1"])
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert out.startswith("Opposition says dam toll is 340, far above official figure\nRadio Lumen · 2024-03-06")
    body = pd.read_csv(SAMPLE / "broadcasts.csv").loc[0, "text"]
    shown = TAG.sub(r"\1", out)
    assert " ".join(body.split()) in " ".join(shown.split()), "the text, tags removed, is the article unchanged"
    for section in ("dates (", "figures (", "attributions (", "actors ("):
        assert section in out


def test_show_json_is_the_extract_contract() -> None:
    res = runner.invoke(app, ["show", str(SAMPLE / "broadcasts.csv"), "--row", "2", "--format", "json"])
    assert res.exit_code == 0, res.output
    obj = json.loads(res.stdout)
    assert obj["outlet"] == "The Evening Ledger"
    assert {"article_id", "text", "dates", "figures", "attributions", "actors"} <= set(obj)


def test_show_by_article_id_from_a_run(run_dir: Path) -> None:
    arts = pd.read_csv(run_dir / "articles.csv")
    row = arts[arts["outlet"] == "Radio Lumen"].iloc[0]
    for ref in (row["article_id"], row["article_id"][:8]):
        res = runner.invoke(app, ["show", ref, "--run", str(run_dir)])
        assert res.exit_code == 0, res.output
        assert f"Radio Lumen · 2024-03-06 · {row['article_id']}" in res.stdout


def test_show_finds_relative_sources_from_another_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    (project / "corpus").mkdir(parents=True)
    shutil.copy(SAMPLE / "meridian-2024-03-05.txt", project / "corpus")
    monkeypatch.chdir(project)
    assert runner.invoke(app, ["run", "corpus", "--out", "reports/r"]).exit_code == 0
    article_id = pd.read_csv(project / "reports/r/articles.csv").loc[0, "article_id"]
    assert pd.read_csv(project / "reports/r/articles.csv").loc[0, "source"] == "corpus/meridian-2024-03-05.txt"
    monkeypatch.chdir(tmp_path)  # elsewhere: the relative source is found beside the run's ancestors
    res = runner.invoke(app, ["show", article_id, "--run", "project/reports/r"])
    assert res.exit_code == 0, res.output
    assert f"Meridian Wire Service · 2024-03-05 · {article_id}" in res.stdout
    (project / "corpus/meridian-2024-03-05.txt").unlink()
    res = runner.invoke(app, ["show", article_id, "--run", "project/reports/r"])
    assert res.exit_code == 2
    assert _err(res) == (f"Error: article {article_id} came from corpus/meridian-2024-03-05.txt, which is not there "
                         "now. Run show from the folder the run started in.")


@pytest.mark.parametrize("args, message", [
    (["show", "0123abcd"],
     ("Error: 0123abcd is not a file. Give a file, or an article id with --run DIR (the folder `provenance run "
     "--out` wrote).")),
    (["show", "0123abcd", "--run", "{tmp}"],
     "Error: no articles table in {tmp}. Give the folder `provenance run --out` wrote."),
    (["show", "{sample}/broadcasts.csv", "--row", "9"],
     "Error: {sample}/broadcasts.csv has no article at row 9. Rows are numbered from 1, the header excluded."),
    (["show", "{sample}"], "Error: {sample} is a folder. Give one file, or an article id with --run."),
    (["show", "{table}", "--text-col", "body"],
     "Error: column 'body' (--text-col) is not in {table}. Its columns are: who, words."),
    (["show", "{table}"],
     ("Error: {table} holds no article: no text column (looked for text, body, content_original, full_text, "
     "article_text, article, content, sentence, story, maintext); name it with --text-col. Fix the file or the "
     "column options.")),
])
def test_show_user_mistakes(tmp_path: Path, args: list[str], message: str) -> None:
    table = tmp_path / "t.csv"
    table.write_text("who,words\nReuters,Three people died.\n", encoding="utf-8")
    subst = {"{tmp}": str(tmp_path), "{sample}": str(SAMPLE), "{table}": str(table)}

    def fill(s: str) -> str:
        for k, v in subst.items():
            s = s.replace(k, v)
        return s

    res = runner.invoke(app, [fill(a) for a in args])
    assert res.exit_code == 2
    assert _err(res) == fill(message)
    assert "Traceback" not in res.output


def test_show_unknown_article_id(run_dir: Path) -> None:
    res = runner.invoke(app, ["show", "ffffffffffff", "--run", str(run_dir)])
    assert res.exit_code == 2
    assert _err(res) == f"Error: no article ffffffffffff in {run_dir}. Copy an article_id from its articles table."


# --- outlets and actors ------------------------------------------------------------------------

def test_outlets_csv_to_stdout() -> None:
    res = runner.invoke(app, ["outlets", "bbc", "--format", "csv"])
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert lines[0] == "name,domains,aliases,agency_codes"
    assert any(line.startswith("BBC,") for line in lines)
    assert res.stderr == ""


def test_outlets_add_then_list(tmp_path: Path) -> None:
    mine = tmp_path / "my-outlets.csv"
    res = runner.invoke(app, ["outlets", "--outlets", str(mine), "--add", "Radio Lumen", "--domain",
                              "radiolumen.example", "--code", "RL", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert mine.read_text("utf-8") == "name,domains,aliases,agency_codes\nRadio Lumen,radiolumen.example,,RL\n"
    assert json.loads(res.stdout.splitlines()[0])["name"] == "Radio Lumen"
    assert _err(res) == f"added Radio Lumen to {mine}"
    res = runner.invoke(app, ["outlets", "lumen", "--outlets", str(mine), "--format", "csv"])
    assert "Radio Lumen,radiolumen.example,,RL" in res.stdout


def test_actors_add_then_list(tmp_path: Path) -> None:
    mine = tmp_path / "my-actors.csv"
    res = runner.invoke(app, ["actors", "--actors", str(mine), "--add", "Civic Front", "--type", "organisation",
                              "--alias", "the opposition Civic Front", "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert mine.read_text("utf-8").splitlines() == ["canonical,type,aliases,affiliation",
                                                    "Civic Front,organisation,the opposition Civic Front,"]
    assert "Civic Front,organisation,the opposition Civic Front," in res.stdout


@pytest.mark.parametrize("args, message", [
    (["outlets", "--add", "X"],
     "Error: --add needs --outlets FILE, the registry file to add to. Name a CSV file (created if missing)."),
    (["outlets", "--domain", "x.example"],
     "Error: --domain, --alias and --code describe an outlet to add. Give --add NAME too."),
    (["outlets", "--outlets", "{missing}"],
     "Error: cannot read outlet file {missing}: No such file or directory. Check the path."),
    (["outlets", "--outlets", "{notreg}", "--add", "X"],
     ("Error: outlet file {notreg} does not start with a 'name,domains,aliases,agency_codes' header. Add to a "
     "registry file of that shape, or a new file.")),
    (["actors", "--add", "X"],
     "Error: --add needs --actors FILE, the registry file to add to. Name a CSV file (created if missing)."),
    (["actors", "--actors", "{new}", "--add", "X", "--type", "party"],
     ("Error: unknown actor type 'party'. Use one of: person, organisation, government, armed_group, ministry, "
     "agency, media, other.")),
    (["actors", "--actors", "{missing}"],
     "Error: cannot read actor file {missing}: No such file or directory. Check the path."),
    (["actors", "--alias", "y"], "Error: --alias and --affiliation describe an actor to add. Give --add NAME too."),
])
def test_registry_user_mistakes(tmp_path: Path, args: list[str], message: str) -> None:
    notreg = tmp_path / "notes.csv"
    notreg.write_text("date,toll\n", encoding="utf-8")
    subst = {"{missing}": str(tmp_path / "missing.csv"), "{notreg}": str(notreg), "{new}": str(tmp_path / "n.csv")}

    def fill(s: str) -> str:
        for k, v in subst.items():
            s = s.replace(k, v)
        return s

    res = runner.invoke(app, [fill(a) for a in args])
    assert res.exit_code == 2
    assert _err(res) == fill(message)


@pytest.mark.parametrize("option, what", [("--outlets", "outlet"), ("--config", "settings"), ("--actors", "actor")])
def test_run_user_file_not_utf8_is_an_error_not_a_crash(tmp_path: Path, option: str, what: str) -> None:
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("name,domains\nLe Caf\u00e9,cafe.example\n".encode("latin-1"))
    res = runner.invoke(app, ["run", str(SAMPLE / "broadcasts.csv"), "--out", str(tmp_path / "out"), "--workers", "1",
                              option, str(bad)])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert res.exit_code == 2
    assert _err(res) == f"Error: cannot read {what} file {bad}: not UTF-8 text. Check the path."


@pytest.mark.parametrize("name", ["outlets", "actors", "show"])
def test_bad_format_is_usage_error(name: str) -> None:
    args = [name, "--format", "xlsx"] + ([str(SAMPLE / "broadcasts.csv")] if name == "show" else [])
    res = runner.invoke(app, args)
    assert res.exit_code == 2


# --- run: streams and table conventions ---------------------------------------------------------

@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("sample") / "run"
    res = runner.invoke(app, ["run", str(SAMPLE), "--out", str(out), "--workers", "1"])
    return out, res


def test_run_data_to_stdout_messages_to_stderr(sample_run: tuple[Path, object]) -> None:
    out, res = sample_run
    assert res.exit_code == 0, res.output  # type: ignore[attr-defined]
    assert res.stdout == ""  # type: ignore[attr-defined]
    assert f"provenance run -> {out}" in res.stderr  # type: ignore[attr-defined]
    assert re.search(r"articles\s+│\s+5", res.stderr)  # type: ignore[attr-defined]


def test_run_quiet_is_silent(tmp_path: Path) -> None:
    res = runner.invoke(app, ["run", str(SAMPLE / "broadcasts.csv"), "--out", str(tmp_path), "--quiet",
                              "--workers", "1"])
    assert res.exit_code == 0
    assert res.stdout == "" and res.stderr == ""


def test_run_csv_conventions(sample_run: tuple[Path, object]) -> None:
    """UTF-8 without BOM by default, no index column, ISO dates, a report.html beside the tables."""
    out, _ = sample_run
    assert (out / "report.html").exists() and (out / "settings.toml").exists()
    for csv in out.glob("*.csv"):
        raw = csv.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), csv.name
        raw.decode("utf-8")
        header = raw.split(b"\n", 1)[0].decode()
        assert header and not header.startswith(","), f"{csv.name} has an index column"
        assert "Unnamed" not in header
    arts = pd.read_csv(out / "articles.csv", dtype=str)
    assert arts["published"].str.fullmatch(r"\d{4}-\d{2}-\d{2}(T[\d:]+)?").all()


def test_run_bom_and_parquet(tmp_path: Path) -> None:
    res = runner.invoke(app, ["run", str(SAMPLE / "broadcasts.csv"), "--out", str(tmp_path / "b"), "--bom",
                              "--quiet", "--workers", "1"])
    assert res.exit_code == 0
    assert (tmp_path / "b" / "articles.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    res = runner.invoke(app, ["run", str(SAMPLE / "broadcasts.csv"), "--out", str(tmp_path / "p"), "--format",
                              "parquet", "--quiet", "--workers", "1"])
    assert res.exit_code == 0
    assert not list((tmp_path / "p").glob("*.csv"))
    assert len(pd.read_parquet(tmp_path / "p" / "articles.parquet")) == 2
    assert (tmp_path / "p" / "report.html").exists()


def test_run_unreadable_reference_file(tmp_path: Path) -> None:
    if "reference" not in defaults().get("match", {}):
        pytest.skip("this build has no reference check (match.reference)")
    cfg = tmp_path / "settings.toml"
    missing = tmp_path / "casualties.json"
    cfg.write_text(f'[match.reference]\npath = "{missing}"\n', encoding="utf-8")
    res = runner.invoke(app, ["run", str(SAMPLE / "broadcasts.csv"), "--out", str(tmp_path / "r"), "--config",
                              str(cfg), "--quiet", "--workers", "1"])
    assert res.exit_code == 2
    # (the message's closing full stop is the matcher's to settle; everything else is exact)
    assert _err(res).rstrip(".") == f"Error: reference file {missing}: not found. Check the path given to --reference"
