"""geoecg.evaluation.tables: the one per-class table writer, checked against scikit-learn."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from geoecg.evaluation.tables import (
    ClassTable,
    class_table,
    class_table_from_confusion,
    count_table,
    detection_rates,
)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_class_table_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    labels = ["N", "S", "V", "F", "Q"]
    y = rng.choice(labels, 300, p=[0.6, 0.15, 0.15, 0.05, 0.05])
    p = np.where(rng.random(300) < 0.7, y, rng.choice(labels, 300))
    t = class_table(y, p, labels)
    prec, rec, f1, sup = precision_recall_fscore_support(y, p, labels=labels, zero_division=0)
    np.testing.assert_allclose(t.rows["se"].to_numpy(), 100 * rec)
    np.testing.assert_allclose(t.rows["ppv"].to_numpy(), 100 * prec)
    np.testing.assert_allclose(t.rows["f1"].to_numpy(), 100 * f1)
    np.testing.assert_array_equal(t.rows["n"].to_numpy(), sup)
    np.testing.assert_array_equal(t.confusion.to_numpy(), confusion_matrix(y, p, labels=labels))
    assert t.ec57 is not None and set(t.ec57) == {"V", "S"}  # AAMI labels -> EC57 beside
    assert t.summary["accuracy %"] == pytest.approx(100 * np.mean(y == p))


def test_class_table_no_ec57_for_other_labels_and_nan_rates():
    t = class_table(["a", "a"], ["a", "a"], ["a", "b"])
    assert t.ec57 is None
    assert math.isnan(t.rows.loc["b", "se"]) and math.isnan(t.rows.loc["b", "ppv"])
    d = t.to_dict()
    assert d["classes"]["b"]["se"] is None
    json.dumps(d)  # JSON-ready


def test_format_lists_every_row_and_the_confusion():
    t = class_table(["N", "S", "V", "F", "Q"], ["N", "S", "V", "V", "Q"], title="demo")
    text = t.format()
    assert text.splitlines()[0] == "demo"
    assert "EC57 gross" in text and "confusion" in text
    assert str(t) == text
    for c in "NSVFQ":
        assert any(line.strip().startswith(c) for line in text.splitlines())


def test_count_table_and_detection_rates():
    t = count_table({"100": {"tp": 9, "fp": 1, "fn": 1}, "101": {"tp": 0, "fp": 0, "fn": 0}})
    assert t.confusion is None
    assert t.rows.loc["100", "se"] == pytest.approx(90.0)
    assert math.isnan(t.rows.loc["101", "f1"])
    assert "100" in t.format(digits=3, index_name="record")
    r = detection_rates(3, 1, 0)
    assert (r["se"], r["ppv"]) == (100.0, 75.0)
    assert r["f1"] == pytest.approx(200 * 3 / 7)


def test_frozen():
    t = class_table([1, 2], [1, 2])
    assert isinstance(t, ClassTable)
    with pytest.raises(AttributeError):
        t.title = "x"


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: class_table([1, 2], [1]), "same length"),
        (lambda: class_table(["a"], ["b"], ["a"]), "not in labels"),
        (lambda: class_table_from_confusion([[1, 2]], ["a", "b"]), "square"),
        (lambda: class_table_from_confusion([[1, -2], [0, 1]], ["a", "b"]), "non-negative"),
        (lambda: count_table({}), "non-empty"),
        (lambda: detection_rates(-1, 0, 0), "tp must be"),
        (lambda: detection_rates(1, 0.5, 0), "fp must be"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_cinc_header_names_the_gated_records():
    """geoecg bench af's header: a held-out run whose quality gate called test records "~"
    prints their count, the first five names and the first reason (session 21)."""
    from geoecg.evaluation.tables import _cinc_header_lines

    src = {"path": "/d/REFERENCE-v3.csv", "column": None}
    out = {"mode": "fit on A, scored on B", "label_files": {"train": src, "test": src}}
    assert len(_cinc_header_lines(out)) == 3  # no gated_records: no gate line
    assert len(_cinc_header_lines({**out, "gated_records": []})) == 3
    gated = [{"record": f"B{i:05d}", "reason": "flat lead"} for i in range(7)]
    line = _cinc_header_lines({**out, "gated_records": gated})[-1]
    assert line.startswith("  quality gate: 7 test record(s) called '~' (no measurable ECG): ")
    assert "B00000, B00001, B00002, B00003, B00004 ..." in line and "B00005" not in line
    assert "(B00000: flat lead; all in --json)" in line
    one = _cinc_header_lines({**out, "gated_records": gated[:1]})[-1]
    assert ": B00000 (B00000: flat lead" in one and "..." not in one
