"""Build provenance/ingest/outlets.csv from the outlets named in ../shared/data.

The registry holds facts only (outlet names, domains, agency codes). Names seen in the data are
grouped under one canonical name by the curated merges in CURATED (an outlet's several spellings
across datasets) and by a shared registered domain. Rerun after adding datasets:

    python scripts/build_outlet_registry.py ../shared/data > provenance/ingest/outlets.csv
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

# canonical name -> (domains, aliases, agency codes). Aliases are spellings seen in the data.
CURATED: dict[str, tuple[list[str], list[str], list[str]]] = {
    "Radio Habana Cuba": (["radiohc.cu"], ["RHC", "Radio Havana Cuba"], ["RHC"]),
    "The New York Times": (["nytimes.com"], ["New York Times", "New York Times - News", "New York Times (News)",
                                              "New York Times (Opinion)", "New York Times - Opinion", "NYT", "nyt", "NYTimes"], []),
    "The Washington Post": (["washingtonpost.com"], ["Washington Post", "WaPo", "wp", "WP"], []),
    "The Wall Street Journal": (["wsj.com"], ["Wall Street Journal", "WSJ", "wsj", "Wall Street Journal - News",
                                              "Wall Street Journal - Editorial", "Wall Street Journal (News)"], []),
    "The Associated Press": (["apnews.com", "ap.org"], ["Associated Press", "AP", "AP News", "the associated press"], ["AP"]),
    "Reuters": (["reuters.com"], ["Reuters.com", "Thomson Reuters"], ["Reuters"]),
    "Agence France-Presse": (["afp.com"], ["AFP", "France 24 / AFP"], ["AFP"]),
    "BBC": (["bbc.com", "bbc.co.uk"], ["BBC.com", "BBC News", "BBC Online News", "BBC News Online"], ["BBC"]),
    "CNN": (["cnn.com"], ["CNN (Web News)", "CNN - Editorial", "CNN (Online News)", "CNN International"], []),
    "Fox News": (["foxnews.com"], ["Fox Online News", "Fox News (Online News)", "Fox News Opinion", "FOX News"], []),
    "NPR": (["npr.org"], ["NPR Online News", "NPR News", "NPR (Online News)"], []),
    "Al Jazeera English": (["aljazeera.com"], ["Al Jazeera", "Al Jazeera English"], []),
    "Anadolu Agency": (["aa.com.tr"], ["Anadolu Agency | English", "Anadolu Agency", "anadolu agency | english"], ["AA"]),
    "Xinhua": (["xinhuanet.com", "news.cn"], ["Xinhua News Agency", "Xinhua English"], ["Xinhua"]),
    "WAFA": (["wafa.ps", "english.wafa.ps"], ["WAFA News Agency", "Palestinian News & Info Agency"], ["WAFA"]),
    "The Times of Israel": (["timesofisrael.com"], ["Times of Israel"], []),
    "The Guardian": (["theguardian.com"], ["Guardian", "The Guardian (UK)"], []),
    "USA TODAY": (["usatoday.com"], ["USA Today"], []),
    "Politico": (["politico.com"], ["POLITICO"], []),
    "The Hill": (["thehill.com"], [], []),
}


def domain_of(url: str) -> str | None:
    """Registered-ish domain of a URL (drops www. and m.)."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return None
    for prefix in ("www.", "m.", "edition.", "amp.", "english.", "en."):
        host = host.removeprefix(prefix)
    if not host or host.endswith("news.google.com") or "." not in host:
        return None
    return host


def seen(data: Path) -> dict[str, set[str]]:
    """Outlet name -> domains it appears with, across the datasets."""
    out: dict[str, set[str]] = defaultdict(set)
    for f in sorted((data / "gaza-news").glob("*.txt")):
        with f.open(encoding="utf-8") as fh:
            for line in fh:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 4 and parts[0][:2].isdigit():
                    d = domain_of(parts[3])
                    out[parts[1].strip()].update([d] if d else [])
    abp = data / "abp" / "abp_articles.jsonl.gz"
    if abp.exists():
        with gzip.open(abp, "rt", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                name = (row.get("source") or "").strip()
                d = domain_of(row.get("url") or "") or domain_of("http://" + (row.get("source_url") or "").strip("/"))
                if name:
                    out[name].update([d] if d else [])
    for f in sorted((data / "neus" / "data" / "raw_crawled").glob("*.jsonl")):
        with f.open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                for item in (row.get("news") or {}).values():
                    name = (item.get("newsSource") or "").strip()
                    d = domain_of(item.get("newsLink") or "")
                    if name:
                        out[name].update([d] if d else [])
    return out


def main(data: Path) -> None:
    """Write the registry CSV to stdout."""
    names = seen(data)
    alias_to_canon: dict[str, str] = {}
    rows: dict[str, dict[str, set[str]]] = {}
    for canon, (domains, aliases, codes) in CURATED.items():
        rows[canon] = {"domains": set(domains), "aliases": set(aliases), "codes": set(codes)}
        for a in [canon, *aliases]:
            alias_to_canon[a.lower()] = canon
    domain_to_canon = {d: c for c, r in rows.items() for d in r["domains"]}
    for name in sorted(names):
        doms = names[name]
        canon = alias_to_canon.get(name.lower())
        if canon is None:
            # Not merged by domain: ABP lists columnists as sources with their paper's URL,
            # and a person is not an alias of a paper. A domain belongs to one outlet only.
            canon = name
        row = rows.setdefault(canon, {"domains": set(), "aliases": set(), "codes": set()})
        if name != canon:
            row["aliases"].add(name)
        if canon not in CURATED:
            for d in sorted(doms):
                if d not in domain_to_canon:
                    domain_to_canon[d] = canon
                    row["domains"].add(d)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["name", "domains", "aliases", "agency_codes"])
    for canon in sorted(rows, key=str.lower):
        r = rows[canon]
        w.writerow([canon, ";".join(sorted(r["domains"])), ";".join(sorted(r["aliases"] - {canon})),
                    ";".join(sorted(r["codes"]))])


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data"))
