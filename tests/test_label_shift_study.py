"""Prior-shift splits (geoecg.evaluation.prior_shift) and the label-shift study runner."""

import numpy as np
import pytest

from geoecg.evaluation.prior_shift import prior_shift_split, resample_to_prior
from geoecg.sweep.label_shift import (
    LABEL_SHIFT_METHODS,
    load_label_shift_config,
    oracle_gain_recovered,
    run_label_shift_study,
)

CINC_PRIOR = {"N": 0.595, "A": 0.089, "O": 0.283, "~": 0.033}


def test_prior_shift_split_on_the_shared_cinc_layout():
    y = np.repeat(["N", "A", "O", "~"], [400, 300, 300, 200])
    tr, te = prior_shift_split(y, CINC_PRIOR, 340, random_state=0)
    assert np.intersect1d(tr, te).size == 0
    counts = {c: int((y[te] == c).sum()) for c in "NAO~"}
    assert counts == {"N": 202, "A": 30, "O": 96, "~": 11}
    tc = np.unique(y[tr], return_counts=True)[1]
    assert np.all(tc == tc[0]) and tc[0] == 189  # balanced: N has 198 left, ~ 189
    with pytest.raises(ValueError, match="only"):
        prior_shift_split(y, CINC_PRIOR, 1000)
    with pytest.raises(ValueError, match="lacks classes"):
        prior_shift_split(y, {"N": 1.0}, 10)


def test_resample_to_prior_counts():
    y = np.repeat([0, 1], [50, 5])
    i = resample_to_prior(y, [0.5, 0.5], 40, random_state=1)
    assert (y[i] == 1).sum() == 20  # with replacement
    with pytest.raises(ValueError, match="without replacement"):
        resample_to_prior(y, [0.5, 0.5], 40, replace=False)


CFG = {
    "study": {"name": "t", "seed": 1},
    "grid": {"af_prior": [0.05, 0.3], "seed": 1, "n_target": [1000]},
    "simulator": {"n_source_per_class": 300, "n_pool": 4000, "effect_y": 1.5},
}


def test_study_rows_resume_and_recovery(tmp_path):
    df = run_label_shift_study(CFG, tmp_path, progress=False)
    assert len(df) == 2 * len(LABEL_SHIFT_METHODS)
    assert np.allclose(df.loc[df["method"] == "oracle", "af_prior_error"], 0.0)
    none = df[df["method"] == "none"].set_index("af_prior")["af_prior_error"]
    em = df[df["method"] == "em"].set_index("af_prior")["af_prior_error"]
    assert np.all(em < none)  # EM beats "no shift" at 5 % and 30 %
    again = run_label_shift_study(CFG, tmp_path, progress=False)  # resumes: nothing new
    assert len(again) == len(df)
    rec = oracle_gain_recovered(df, "f1_mean")
    assert set(rec.columns) == {"em", "bbse", "rlls"}


def test_config_errors():
    with pytest.raises(ValueError, match="unknown keys"):
        load_label_shift_config({**CFG, "simulator": {"n_sorce_per_class": 3}})
    with pytest.raises(ValueError, match="af_prior"):
        load_label_shift_config({**CFG, "grid": {"af_prior": [0.0, 1.2]}})
    with pytest.raises(ValueError, match="cinc_features"):
        run_label_shift_study(CFG, "/nonexistent", sources=("cinc2017",))


def test_packaged_config_loads():
    from importlib import resources

    path = resources.files("geoecg.sweep") / "configs" / "label_shift" / "prior_shift_af.toml"
    cfg = load_label_shift_config(str(path))
    assert min(cfg["grid"]["af_prior"]) == 0.01 and max(cfg["grid"]["af_prior"]) == 0.5
    assert 1000 in cfg["grid"]["n_target"]


def test_study_resume_refuses_another_configuration(tmp_path):
    """Before (session 11): a rerun with another configuration in the same folder skipped
    every seed already stored under the old one and returned the old rows as this run's,
    and config.json was overwritten with the new configuration."""
    import json

    df = run_label_shift_study(CFG, tmp_path, progress=False)
    assert df["config_digest"].nunique() == 1
    other = {**CFG, "simulator": {**CFG["simulator"], "effect_y": 0.5}}
    with pytest.raises(ValueError, match="different sweep configuration"):
        run_label_shift_study(other, tmp_path, progress=False)
    assert json.loads((tmp_path / "config.json").read_text())["simulator"]["effect_y"] == 1.5
    # a folder written before the digest existed cannot be matched: refused as well
    import pandas as pd

    part = next((tmp_path / "results").glob("part-*.parquet"))
    pd.read_parquet(part).drop(columns="config_digest").to_parquet(part)
    with pytest.raises(ValueError, match="without a configuration digest"):
        run_label_shift_study(CFG, tmp_path, progress=False)
