"""The downstream part of ``geoecg bench reconstruct`` on real PTB-XL records.

:func:`geoecg.leads.protocol.subset_auc_comparison` answers: how much NORM-vs-MI AUC does the
tangent-space pipeline lose on a lead subset (b), and on 12 leads reconstructed from it (c),
against the 12 real leads (a)? Here on 60 records (30 MI, 30 NORM, drawn with a fixed
seed), 5 patient-grouped folds, 20 bootstrap resamples. The eight independent leads
(I, II, V1-V6) determine the other four exactly (Einthoven, Goldberger), so (c) from them
must score what (a) scores.
"""

from __future__ import annotations

import numpy as np
import pytest

EIGHT = ("I", "II", "V1", "V2", "V3", "V4", "V5", "V6")


@pytest.fixture(scope="module")
def comparison(ptbxl_dir):
    from geoecg.datasets.ptbxl_tasks import load_task
    from geoecg.leads.protocol import subset_auc_comparison

    X, y, groups, covs = load_task(ptbxl_dir, "NORM-vs-MI")
    rng = np.random.default_rng(0)
    idx = np.sort(
        np.r_[
            rng.choice(np.flatnonzero(y == 1), 30, replace=False),
            rng.choice(np.flatnonzero(y == 0), 30, replace=False),
        ]
    )
    lines = []
    res = subset_auc_comparison(
        X[idx],
        y[idx],
        groups[idx],
        covs[idx],
        [EIGHT, ("I",)],
        fs=100.0,
        seed=0,
        n_boot=20,
        log=lines.append,
        progress=False,
    )
    return res, lines


def _check_scored(entry, paired):
    assert 0.0 <= entry["auc"] <= 1.0
    low, high = entry["auc_ci"]
    assert low <= entry["auc"] <= high
    if paired:
        dlow, dhigh = entry["diff_ci"]
        assert dlow <= entry["diff_vs_real12"] <= dhigh


@pytest.mark.slow
def test_keys_ranges_and_chosen_settings(comparison):
    from geoecg.leads.protocol import DOWNSTREAM_GRID

    res, lines = comparison
    assert list(res) == ["real12", ",".join(EIGHT), "I"]
    assert set(res["real12"]) == {"auc", "auc_ci"}
    _check_scored(res["real12"], paired=False)
    # the 12 real leads separate MI from NORM on 60 records (the full task scores ~0.9)
    assert res["real12"]["auc"] > 0.75
    grid_keys = [set(g) for g in DOWNSTREAM_GRID]
    for name, n in ((",".join(EIGHT), 8), ("I", 1)):
        e = res[name]
        assert set(e) == {"n_leads", "subset", "reconstructed12", "chosen"}
        assert e["n_leads"] == n
        for part in ("subset", "reconstructed12"):
            _check_scored(e[part], paired=True)
            # the paired difference's estimate is the difference of the two AUCs
            assert e[part]["diff_vs_real12"] == pytest.approx(
                e[part]["auc"] - res["real12"]["auc"], abs=1e-12
            )
        # one inner-CV choice per outer fold, each a point of the registered grid
        assert len(e["chosen"]) == 5
        for ch in e["chosen"]:
            assert set(ch) in grid_keys and ch["n_taps"] == 2
    # one log line for (a) and one per subset
    assert len(lines) == 3 and "real 12" in lines[0]


@pytest.mark.slow
def test_eight_independent_leads_reconstruct_the_real12_score(comparison):
    res, _ = comparison
    a = res["real12"]["auc"]
    c = res[",".join(EIGHT)]["reconstructed12"]
    # III, aVR, aVL, aVF are linear in I and II: the reconstructed 12 leads rank the test
    # records as the real ones do (one swapped MI/NORM pair would move the AUC by 1/900)
    assert c["auc"] == pytest.approx(a, abs=2.5e-3)
    assert abs(c["diff_vs_real12"]) <= 2.5e-3
    # lead I alone carries less than the eight leads (0.81 vs 0.86 on these records)
    assert res["I"]["subset"]["auc"] < res[",".join(EIGHT)]["subset"]["auc"]
