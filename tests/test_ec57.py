"""EC57 gross beat statistics (bxb definitions) and their line in ``geoecg bench beats``."""

import json

import numpy as np
import pytest

from geoecg.evaluation import ec57_gross
from geoecg.evaluation.aami import aami_report

AAMI = ("N", "S", "V", "F", "Q")


def _slow_reference(y_true, y_pred) -> dict:
    """Beat by beat, from the EC57/bxb rules as words: a VEB true positive is a V beat called
    V; a V beat called anything else is a missed VEB; a beat called V is a false VEB only if it
    is an N or S beat (fusion and unclassifiable beats called V are not errors). SVEB: an S
    beat called S is found; any other call of an S beat misses it; an N, V or F beat called S
    is a false SVEB (a Q beat called S is not)."""
    c = {"V": [0, 0, 0], "S": [0, 0, 0]}  # tp, fn, fp
    for r, a in zip(y_true, y_pred, strict=True):
        for cls, false_from in (("V", "NS"), ("S", "NVF")):
            if r == cls and a == cls:
                c[cls][0] += 1
            elif r == cls:
                c[cls][1] += 1
            elif a == cls and r in false_from:
                c[cls][2] += 1
    return c


def test_hand_computed_matrix():
    # rows reference N S V F Q, columns predicted N S V F Q
    cm = [
        [90, 2, 3, 0, 0],
        [1, 8, 1, 0, 0],
        [0, 1, 9, 2, 1],
        [0, 3, 4, 1, 0],
        [0, 5, 1, 0, 0],
    ]
    g = ec57_gross(cm)
    # VEB: TP 9; FN = Vn + Vs + Vf + Vq = 0 + 1 + 2 + 1; FP = Nv + Sv = 3 + 1 (Fv 4, Qv 1 not)
    assert (g["V"]["tp"], g["V"]["fn"], g["V"]["fp"]) == (9, 4, 4)
    assert g["V"]["se"] == pytest.approx(900 / 13) and g["V"]["ppv"] == pytest.approx(900 / 13)
    assert g["V"]["f1"] == pytest.approx(100 * 18 / 26)
    # SVEB: TP 8; FN = Sn + Sv + Sf + Sq = 1 + 1; FP = Ns + Vs + Fs = 2 + 1 + 3 (Qs 5 not)
    assert (g["S"]["tp"], g["S"]["fn"], g["S"]["fp"]) == (8, 2, 6)
    assert g["S"]["ppv"] == pytest.approx(800 / 14)
    # the per-class figures of the full matrix count Fv and Qv against V
    y = [r for i, r in enumerate(AAMI) for j, a in enumerate(AAMI) for _ in range(cm[i][j])]
    p = [a for i, r in enumerate(AAMI) for j, a in enumerate(AAMI) for _ in range(cm[i][j])]
    rep = aami_report(y, p)
    assert rep["classes"]["V"]["ppv"] == pytest.approx(900 / 18)
    assert rep["ec57"] == g


def test_matches_the_beat_by_beat_reference_on_random_labels():
    rng = np.random.default_rng(0)
    for trial in range(20):
        y = rng.choice(list(AAMI), 500, p=[0.6, 0.1, 0.15, 0.1, 0.05])
        p = np.where(rng.random(500) < 0.6, y, rng.choice(list(AAMI), 500))
        g = aami_report(y, p)["ec57"]
        ref = _slow_reference(y.tolist(), p.tolist())
        for cls in ("V", "S"):
            assert [g[cls]["tp"], g[cls]["fn"], g[cls]["fp"]] == ref[cls], (trial, cls)


def test_label_order_and_empty_classes():
    cm = np.zeros((5, 5), int)
    cm[0, 0] = 10
    g = ec57_gross(cm)
    assert np.isnan(g["V"]["se"]) and np.isnan(g["V"]["ppv"]) and np.isnan(g["V"]["f1"])
    order = ["Q", "F", "V", "S", "N"]
    cm2 = np.zeros((5, 5), int)
    cm2[2, 2], cm2[1, 2], cm2[4, 2] = 7, 5, 1  # Vv, Fv, Nv
    g2 = ec57_gross(cm2, order)
    assert (g2["V"]["tp"], g2["V"]["fp"]) == (7, 1)


def test_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match="square"):
        ec57_gross(np.zeros((5, 4)))
    with pytest.raises(ValueError, match="missing"):
        ec57_gross(np.zeros((3, 3)), ["N", "S", "V"])
    with pytest.raises(ValueError, match="non-negative"):
        ec57_gross(-np.ones((5, 5)))


@pytest.mark.realdata
def test_ec57_line_on_real_records(mitdb_dir, tmp_path, capsys):
    """208 holds most of DS1's fusion beats: the EC57 gross line is printed and written, and
    equals :func:`ec57_gross` of the confusion matrix."""
    from geoecg.cli import main

    out = tmp_path / "beats.json"
    args = ["bench", "beats", "--data", str(mitdb_dir), "--protocol", "ds1-cv",
            "--records", "119,208", "--n-estimators", "10", "--cache",
            str(tmp_path / "cache"), "--json", str(out)]  # fmt: skip
    assert main(args) == 0
    assert "EC57 gross" in capsys.readouterr().out
    r = json.loads(out.read_text())

    # a class never predicted has +P NaN, which the JSON writes as null: compare NaN-aware
    def nan_for_null(d):
        return {k: nan_for_null(v) if isinstance(v, dict) else (np.nan if v is None else v)
                for k, v in d.items()}  # fmt: skip

    np.testing.assert_equal(nan_for_null(r["ec57"]), ec57_gross(r["confusion"], r["labels"]))
    assert r["classes"]["F"]["n"] > 300
