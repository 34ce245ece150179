"""The README's first commands are the ones CI and new users run."""

from __future__ import annotations

import re

from conftest import REPO


def _bash_blocks(text: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", text, flags=re.DOTALL)


def test_readme_opens_with_two_setup_commands_and_ci_runs_the_test_one() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first = _bash_blocks(readme)[0].strip().splitlines()
    assert len(first) == 2, first
    install_run, tests = first
    assert "pip install" in install_run and "provenance run corpora/sample --out reports/sample" in install_run
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines(), f"{tests!r} is not a line of .ci/run"


def test_sample_corpus_readme_says_articles_are_illustrative() -> None:
    text = (REPO / "corpora" / "sample" / "README.md").read_text(encoding="utf-8")
    assert "illustrative" in text.lower()
