"""``provenance claimreview``: schema.org ClaimReview JSON-LD for a claim cluster."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from provenance.cli import app
from provenance.cli._common import fail, user_errors
from provenance.report.claimreview import claim_review


@app.command("claimreview")
@user_errors
def claimreview_cmd(
    cluster_id: Annotated[str, typer.Argument(metavar="CLUSTER_ID", help="A cluster_id from the run's claims.csv.",
                                              show_default=False)],
    rating: Annotated[str, typer.Option("--rating", help="Your verdict in words, e.g. \"Misleading\".",
                                        show_default=False)],
    url: Annotated[str, typer.Option("--url", help="URL of your published fact-check.", show_default=False)],
    run: Annotated[Path, typer.Option("--run", help="Run folder (provenance run --out) holding the cluster.",
                                      show_default=False)],
    by: Annotated[str, typer.Option("--by", help="Organisation publishing the fact-check.",
                                    show_default=False)],
    date: Annotated[str | None, typer.Option("--date", help="Publication date of the fact-check "
                                                "(YYYY-MM-DD; today when omitted).", show_default=False)] = None,
    claim: Annotated[str | None, typer.Option("--claim", help="The claim as your fact-check words it "
                                                 "(default: the cluster's representative claim).",
                                                 show_default=False)] = None,
    rating_value: Annotated[int | None, typer.Option("--rating-value", help="Numeric rating, with --best "
                                                        "and --worst.", show_default=False)] = None,
    best: Annotated[int | None, typer.Option("--best", help="Best value of the rating scale.",
                                                show_default=False)] = None,
    worst: Annotated[int | None, typer.Option("--worst", help="Worst value of the rating scale.",
                                                 show_default=False)] = None,
    out: Annotated[str, typer.Option("--out", "-o", help="File to write, or - for stdout.")] = "-",
) -> None:
    """Export schema.org ClaimReview JSON-LD for one claim cluster of a run.

    The claim, its author as the outlets attributed it, every appearance (each article's outlet,
    URL, headline and date) and the first appearance come from the run; the rating, URL and
    publisher are yours. Paste the output into a <script type="application/ld+json"> element.

    Examples:
        provenance claimreview c0a1b2c3 --rating "Misleading" --url https://factcheck.example/dam-toll --by "Example Fact Check" --run reports/sample
    """
    if not url.startswith(("http://", "https://")):
        raise fail(f"--url {url} is not a web address. Give the fact-check's URL, starting with https://.")
    if date is not None:
        try:
            dt.date.fromisoformat(date)
        except ValueError:
            raise fail(f"--date {date} is not a date. Use YYYY-MM-DD.") from None
    doc = claim_review(run, cluster_id, rating=rating, review_url=url, reviewer=by,
                       date_published=date or dt.date.today().isoformat(), rating_value=rating_value,
                       best_rating=best, worst_rating=worst, claim_text=claim)
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if out == "-":
        typer.echo(text, nl=False)
        return
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail(f"cannot write {out}: {exc.strerror}. Choose a writable --out.") from None
