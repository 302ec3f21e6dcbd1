"""``geoecg bench reconstruct`` on PTB-XL folders other than the shared subset (session 25).

Issue 21 asks for the bench on "any full PTB-XL a user points to". On 24bcc87: a record with a
flat lead stopped the run with the reconstructor's error after the inner-CV fits (naming the
record by its position in the training array, advising an option the bench lacks); a folder
without records in ``strat_fold`` 9-10 printed a table of NaN with exit status 0; a download
of the 500-Hz release only ended in scikit-learn's "n_splits=3 greater than the number of
samples"; a folder with one MI patient ended after the real-12 fits ("need at least 2
classes"). Now unusable records are left out and named by ``ecg_id``, the others are one
error naming the folder and the counts, before any fit. Every folder here is written with
``wfdb.wrsamp``: no shared data, except the last test (the shared subset has no unusable
record, so its figures are unchanged).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import wfdb

from geoecg.cli import main
from geoecg.leads._bench_checks import unusable_records
from geoecg.leads.protocol import reconstruction_benchmark

FS = 100
N_SAMPLES = 10 * FS
PTBXL_LEADS = ["I", "II", "III", "AVR", "AVL", "AVF", "V1", "V2", "V3", "V4", "V5", "V6"]


def _record(rng):
    """12 leads (mV, 10 s at 100 Hz): beats of three dipole components, limb relations exact."""
    t = np.arange(N_SAMPLES) / FS
    rr = rng.uniform(0.7, 1.1)
    phase = (t % rr) - 0.3
    beat = np.exp(-0.5 * (phase / 0.02) ** 2) + 0.3 * np.exp(-0.5 * ((phase - 0.25) / 0.06) ** 2)
    comps = np.vstack([beat, np.gradient(beat) * 20, 0.5 * beat - 0.2 * np.roll(beat, 3)])
    comps += 0.01 * rng.standard_normal(comps.shape)
    i, ii = rng.normal([1.0, 0.2, 0.1], 0.1) @ comps, rng.normal([0.8, -0.3, 0.3], 0.1) @ comps
    limb = [i, ii, ii - i, -(i + ii) / 2, i - ii / 2, ii - i / 2]
    chest = rng.normal(0.0, 0.6, (6, 3)) @ comps
    return np.vstack([*limb, chest])


def _folder(root, n=30, *, folds=None, mi=(), zero=(), releases=(100,)):
    """A PTB-XL folder of ``n`` records (ecg_id 1..n, one patient each, strat_fold 1..10 in
    turn unless ``folds``); ``mi``: ecg_ids labelled MI (the others NORM); ``zero``: (ecg_id,
    lead position) set to 0 mV."""
    rng = np.random.default_rng(0)
    rows = []
    for k in range(1, n + 1):
        x = _record(rng)
        for e, lead in zero:
            if e == k:
                x[lead] = 0.0
        for fs in releases:
            sub = root / f"records{fs}" / "00000"
            sub.mkdir(parents=True, exist_ok=True)
            sig = x if fs == FS else np.repeat(x, fs // FS, axis=1)
            wfdb.wrsamp(
                f"{k:05d}_{'lr' if fs == FS else 'hr'}",
                fs=fs,
                units=["mV"] * 12,
                sig_name=PTBXL_LEADS,
                p_signal=sig.T,
                fmt=["16"] * 12,
                adc_gain=[1000.0] * 12,
                baseline=[0] * 12,
                write_dir=str(sub),
            )
        rows.append(
            {
                "ecg_id": k,
                "patient_id": 100.0 + k,
                "age": 40 + k,
                "sex": k % 2,
                "scp_codes": "{'IMI': 100.0}" if k in mi else "{'NORM': 100.0}",
                "strat_fold": (k - 1) % 10 + 1 if folds is None else folds[k - 1],
                "filename_lr": f"records100/00000/{k:05d}_lr",
                "filename_hr": f"records500/00000/{k:05d}_hr",
            }
        )
    pd.DataFrame(rows).to_csv(root / "ptbxl_database.csv", index=False)
    pd.DataFrame(
        {"diagnostic": [1, 1], "diagnostic_class": ["NORM", "MI"]},
        index=pd.Index(["NORM", "IMI"]),
    ).to_csv(root / "scp_statements.csv")
    return root


class _NoStage:  # the checks come before any stage
    def __init__(self):
        self.results = {}

    def stage(self, name, fn):  # pragma: no cover - reached only when a check is missing
        raise AssertionError(f"stage {name!r} ran before the folder was checked")


def test_unusable_records_names_each_record_and_why():
    t = np.arange(N_SAMPLES) / FS
    X = np.stack([_record(np.random.default_rng(s)) for s in range(6)])
    X[1, 9] = np.nan  # V4 with a NaN sample
    X[2, 7] = 0.0  # V2 off
    X[3, 0] = 0.4  # lead I a constant offset
    X[4, 10] = 0.5 + 1e-3 * t  # V5 a slow ramp: flat only after the 0.5-40 Hz band-pass
    X[5] = 0.0  # nothing recorded
    assert X[4, 10].std() > 1e-3  # (not flat as read)
    want = {1: "NaN or inf", 2: "flat V2", 3: "flat I", 4: "flat V5", 5: "flat all 12 leads"}
    assert unusable_records(X, FS) == want
    assert unusable_records(X[[0]], FS) == {}


def test_records_with_flat_leads_are_left_out_and_named(tmp_path):
    # ecg_id 3 (strat_fold 3, training) has V2 off, ecg_id 19 (strat_fold 9, test) lead I
    root = _folder(tmp_path / "ptbxl", zero=[(3, 7), (19, 0)])
    out = tmp_path / "rec.json"
    cmd = ["bench", "reconstruct", "--data", str(root), "--sources", "I,II,V3"]
    rc = main([*cmd, "--methods", "population", "--downstream", "", "--json", str(out)])
    assert rc == 0  # 24bcc87: rc 2 after the fits ("flat target leads in records 2 (V2)")
    res = json.loads(out.read_text())
    assert res["excluded_records"] == {"3": "flat V2", "19": "flat I"}
    assert res["n_records"] == 28
    row = res["reconstruction"]["I,II,V3|population"]
    assert (row["n_train"], row["n_test"]) == (23, 5) and np.isfinite(row["mean_r"])


def test_the_downstream_stage_gets_the_same_records(monkeypatch, tmp_path):
    import geoecg.leads.protocol as lp

    mi = set(range(2, 31, 2))  # 15 MI patients, 15 NORM
    root = _folder(tmp_path / "ptbxl", mi=mi, zero=[(4, 8)])  # ecg_id 4 (MI): V3 off
    seen = {}

    def down(X, y, groups, covs, subsets, **kw):
        seen.update(X=X, y=y, groups=groups, covs=covs)
        return {"real12": {"auc": 0.5, "auc_ci": [0.0, 1.0]}}

    monkeypatch.setattr(lp, "subset_auc_comparison", down)
    res = reconstruction_benchmark(root, [], [], ["I,II,V3"], sink=_Sink(), fs=FS)
    assert res["excluded_records"] == {"4": "flat V3"}
    assert len(seen["X"]) == len(seen["y"]) == len(seen["groups"]) == len(seen["covs"]) == 29
    assert 104 not in seen["groups"] and seen["y"].sum() == 14
    assert unusable_records(seen["X"], FS) == {}


class _Sink:
    def __init__(self):
        self.results = {}

    def stage(self, name, fn):
        self.results[name] = fn()


@pytest.mark.parametrize(
    "case, match",
    [
        ("no_test_folds", r"0 records in folds 9-10"),
        ("two_patients", r"at least 3 patients\) .* hold 2 patients \(2 records\) in folds 1-8"),
        ("only_500_hz", r"holds no 100-Hz PTB-XL record .* 30 records of the 500-Hz release"),
        ("one_mi_patient", r"at least 5 patients of each class .* 29 NORM and 1 MI patients"),
    ],
)
def test_a_folder_the_protocol_cannot_split_is_one_error_before_any_fit(tmp_path, case, match):
    root = tmp_path / "ptbxl"
    root.mkdir()
    subsets = []
    if case == "no_test_folds":
        _folder(root, folds=[(k % 8) + 1 for k in range(30)])
    elif case == "two_patients":
        _folder(root, n=12, folds=[1, 2] + [9] * 10)
    elif case == "only_500_hz":
        _folder(root, releases=(500,))
    else:
        _folder(root, mi={7})
        subsets = ["I,II,V3"]
    with pytest.raises(ValueError, match=match):
        reconstruction_benchmark(root, ["I,II,V3"], ["population"], subsets, sink=_NoStage(), fs=FS)


def test_on_the_command_line_it_is_one_line(tmp_path, capsys):
    root = _folder(tmp_path / "ptbxl", mi={7})
    rc = main(["bench", "reconstruct", "--data", str(root), "--sources", "I", "--n-boot", "20"])
    err = capsys.readouterr().err
    assert rc == 2 and "Traceback" not in err
    assert err.startswith(f"geoecg bench reconstruct: error: {root}: the NORM-vs-MI stage needs")


def test_the_shared_subset_has_no_unusable_record(ptbxl_dir):
    from geoecg.io import PTBXL

    db = PTBXL(ptbxl_dir)
    X, _ = db.load(db.available(100), fs=100)
    assert len(X) >= 500 and unusable_records(X, FS) == {}


def test_the_records_are_read_and_band_passed_once(monkeypatch, tmp_path):
    """Session 26: the downstream stage takes the NORM/MI records from the records already
    read (it re-read the folder with ``load_task`` and ran the unusable-records checks on it
    again), and the reconstruction stage the band-pass the checks made (it band-passed the
    records a second time); the arrays the stages get are the same as before."""
    import geoecg.datasets.ptbxl_tasks as tasks
    import geoecg.leads.protocol as lp
    from geoecg.io import PTBXL
    from geoecg.signal import bandpass

    mi = set(range(2, 31, 2))
    root = _folder(tmp_path / "ptbxl", mi=mi, zero=[(4, 8), (19, 0)])  # 4 (MI, fold 4), 19
    want_down = tasks.load_task(root, "NORM-vs-MI")  # what the downstream stage used to read
    X_all, meta = PTBXL(root).load(PTBXL(root).available(100), fs=100)
    seen = {}

    def rec(X, train, pid, sources, methods, **kw):
        seen["Xb"] = X
        return {}

    def down(X, y, groups, covs, subsets, **kw):
        seen["down"] = (X, y, groups, covs)
        return {}

    def no_second_read(*a, **k):
        raise AssertionError("the folder is read a second time")

    import geoecg.signal

    filtered = []
    real_bandpass = geoecg.signal.bandpass

    def counted(X, *a, **k):
        filtered.append(len(X))
        return real_bandpass(X, *a, **k)

    monkeypatch.setattr(tasks, "load_task", no_second_read)
    monkeypatch.setattr(geoecg.signal, "bandpass", counted)
    monkeypatch.setattr(lp, "reconstruction_report", rec)
    monkeypatch.setattr(lp, "subset_auc_comparison", down)
    res = reconstruction_benchmark(root, ["I,II,V3"], ["population"], ["I,II,V3"], sink=_Sink())
    assert res["excluded_records"] == {"4": "flat V3", "19": "flat I"}
    assert filtered == [30]  # one band-pass of the folder's records (was 30, 28 and 28)
    keep = ~meta.index.isin([4, 19])
    assert np.array_equal(seen["Xb"], bandpass(X_all[keep], FS, 0.5, 40.0, order=2))
    ok = np.ones(len(want_down[0]), dtype=bool)
    ok[list(unusable_records(want_down[0], FS))] = False
    for got, want in zip(seen["down"], want_down, strict=True):
        assert np.array_equal(got, want[ok])
    assert len(seen["down"][0]) == 28


def test_unusable_records_from_a_given_band_pass():
    from geoecg.leads._bench_checks import bandpassed

    rng = np.random.default_rng(0)
    X = np.stack([_record(rng) for _ in range(5)])
    X[1, 3] = 0.0
    X[2, 0, 5] = np.nan
    X[3, 7] = 1.0  # constant: flat raw and band-passed
    F = bandpassed(X, FS)
    assert np.isnan(F[2]).all() and np.isfinite(F[[0, 1, 3, 4]]).all()
    assert unusable_records(X, FS, filtered=F) == unusable_records(X, FS)
    assert unusable_records(X, FS) == {1: "flat aVR", 2: "NaN or inf", 3: "flat V2"}
