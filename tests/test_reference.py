"""Reference series: the t4p daily JSON, a plain CSV, and one-line errors for bad files."""

from __future__ import annotations

import json

import pytest
from conftest import shared_path

from provenance.errors import ReferenceSeriesError
from provenance.match.reference import ReferenceIndex, load_reference


def _t4p(tmp_path, days):
    p = tmp_path / "casualties_daily.json"
    p.write_text(json.dumps([{"report_date": d, "report_source": "mohtel", "killed_cum": k, "injured_cum": i,
                              "ext_killed_cum": k} for d, k, i in days]), encoding="utf-8")
    return p


def test_t4p_json_reads_reported_cumulative_values(tmp_path):
    ref = load_reference(_t4p(tmp_path, [("2023-10-29", 8005, 20242), ("2023-10-30", 8309, 21048)]))
    killed = ref[(ref["metric"] == "killed") & (ref["group"] == "people")]
    assert list(killed["value"]) == [8005.0, 8309.0]
    assert set(ref["place"]) == {"Gaza"}


def test_nearest_report_explains_the_seed_figure(tmp_path):
    days = [("2023-10-28", 7703, 0), ("2023-10-29", 8005, 0), ("2023-10-30", 8309, 0), ("2023-10-31", 8525, 0),
            ("2023-11-01", 8805, 0)]
    idx = ReferenceIndex(load_reference(_t4p(tmp_path, days)), max_lag_days=3, max_lead_days=1)
    hit = idx.lookup("killed", "people", None, "palestinian", "2023-10-31", 8300, 8300, None, "more_than")
    assert (hit.value, hit.date, hit.lag_days, hit.matches) == (8309.0, "2023-10-30", 1, True)
    assert idx.lookup("killed", "people", "Israel", "israeli", "2023-10-31", 1400, 1400, None, "more_than") is None


def test_csv_series(tmp_path):
    p = tmp_path / "ref.csv"
    p.write_text("date,metric,place,value\n2023-10-30,killed,Gaza,\"8,309\"\n2023-10-31,killed,Gaza,8525\n", "utf-8")
    ref = load_reference(p)
    assert list(ref["value"]) == [8309.0, 8525.0]


@pytest.mark.parametrize("content, message", [
    (None, "not found. Check the path given to --reference"),
    ("date,value\n2023-10-30,1\n", "has no column metric, place. Give a CSV with columns date, metric, place, value"),
    ("[1, 2]", "is not a JSON array of daily reports. Give the t4p casualties_daily.json or a CSV"),
    ("[{\"x\": 1", "is not valid JSON (line 1). Give the t4p casualties JSON or a CSV"),
    ("date,metric,place,value\nnot a date,killed,Gaza,1\n", "has no usable rows. It needs dates and numeric values"),
])
def test_unreadable_reference_gives_one_line(tmp_path, content, message):
    p = tmp_path / ("ref.json" if content and content.startswith("[") else "ref.csv")
    if content is not None:
        p.write_text(content, encoding="utf-8")
    with pytest.raises(ReferenceSeriesError) as e:
        load_reference(p)
    assert str(e.value) == f"reference file {p}: {message}" or str(e.value).startswith(f"reference file {p}: {message}")
    assert "\n" not in str(e.value)


def test_real_t4p_file():
    ref = load_reference(shared_path("t4p-casualties", "casualties_daily.json"))
    idx = ReferenceIndex(ref, 3, 0.02, max_lead_days=1)
    hit = idx.lookup("killed", "people", "Gaza", "palestinian", "2023-10-31", 8300, 8300, None, "more_than")
    assert hit is not None and hit.date == "2023-10-30" and hit.value == 8309
