"""Cohort extraction on a MIMIC-IV-ECG-layout tree built from the shared PTB-XL records."""

from __future__ import annotations

import glob
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from geoecg.cohort import (
    FEATURE_SETS,
    TangentSet,
    extract_features,
    open_source,
    read_features,
    resolve_feature_sets,
)
from geoecg.cohort.layout import mimic_layout_from_ptbxl
from geoecg.features import detect_rpeaks, hrv_features
from geoecg.io import read_record
from geoecg.io.fast import read_signal

N_TREE = 240  # records in the MIMIC-layout tree
FEATS = ["rpeaks", "hrv", "sqi", "covariance"]


def _rewrite_dat(d: Path, study: int, fn) -> None:
    dat = d / f"{study}.dat"
    raw = np.fromfile(dat, dtype="<i2").reshape(-1, 12)
    dat.unlink()
    fn(raw.copy()).astype("<i2").tofile(dat)


def _flat_v3(a):
    a[:, 8] = 0
    return a


def break_records(root: Path, df: pd.DataFrame) -> dict[int, str]:
    """Break four records (truncated, missing signal, flat V3, 250 Hz header)."""
    kinds = {}
    for kind, (_, r) in zip(
        ("truncated", "missing", "flat", "fs"), df.iloc[[3, 7, 11, 15]].iterrows(), strict=True
    ):
        d = root / Path(r["path"]).parent
        study = int(r["study_id"])
        kinds[study] = kind
        if kind == "truncated":
            _rewrite_dat(d, study, lambda a: a[: a.shape[0] // 2])
        elif kind == "missing":
            (d / f"{study}.dat").unlink()
        elif kind == "flat":
            _rewrite_dat(d, study, _flat_v3)
        else:
            hea = d / f"{study}.hea"
            lines = hea.read_text().splitlines(keepends=True)
            head = lines[0].split()
            head[2] = "250"
            hea.write_text(" ".join(head) + "\n" + "".join(lines[1:]))
    return kinds


@pytest.fixture(scope="module")
def mimic_tree(ptbxl_dir, tmp_path_factory):
    root = tmp_path_factory.mktemp("mimic")
    df = mimic_layout_from_ptbxl(ptbxl_dir, root, N_TREE)
    kinds = break_records(root, df)
    return root, df, kinds


@pytest.fixture(scope="module")
def mimic_run(mimic_tree, tmp_path_factory):
    root, df, kinds = mimic_tree
    out = tmp_path_factory.mktemp("run")
    res = extract_features(root, FEATS, out=out, fs=100, chunk_size=64, progress=False)
    return out, res


def test_fast_reader_equals_read_record(
    ptbxl_dir, cinc2017_dir, mitdb_dir, nstdb_dir, ludb_dir, svdb_dir
):
    import wfdb

    paths = sorted(glob.glob(str(ptbxl_dir / "records100/00000/*.hea")))[:8]
    paths += sorted(glob.glob(str(ptbxl_dir / "records500/00000/*.hea")))[:3]
    paths += sorted(glob.glob(str(cinc2017_dir / "*.hea")))[:8]  # format 16+24 in .mat
    paths += [str(mitdb_dir / "101.hea"), str(mitdb_dir / "207.hea")]  # format 212
    paths += sorted(glob.glob(str(nstdb_dir / "*.hea")))[:2]  # 212, noise stress
    paths += sorted(glob.glob(str(svdb_dir / "*.hea")))[:2]  # 212, 128 Hz
    paths += sorted(glob.glob(str(ludb_dir / "**/*.hea"), recursive=True))[:2]  # 16, baseline
    assert len(paths) >= 27
    for h in paths:
        a = read_signal(h[:-4])
        b = read_record(h[:-4], annotator=None)
        assert a.fs == b.fs and a.lead_names == b.lead_names
        assert a.signal.shape == b.signal.shape
        # equal bit for bit, NaN included
        assert np.array_equal(a.signal.view(np.int64), np.asarray(b.signal).view(np.int64)), h
        w = wfdb.rdrecord(h[:-4])  # the reference itself (these databases store mV)
        assert all(u.lower() == "mv" for u in w.units), h
        assert np.array_equal(a.signal.view(np.int64), w.p_signal.T.copy().view(np.int64)), h


def test_source_detection(ptbxl_dir, cinc2017_dir, mitdb_dir, mimic_tree):
    root, df, _ = mimic_tree
    src = open_source(root)
    assert src.kind == "mimic-iv-ecg"
    refs = src.refs()
    assert [r.record_id for r in refs] == [str(s) for s in df["study_id"]]
    assert [r.patient_id for r in refs] == [str(s) for s in df["subject_id"]]
    assert open_source(ptbxl_dir).kind == "ptbxl"
    assert open_source(cinc2017_dir).kind == "cinc2017"
    assert open_source(mitdb_dir).kind == "mitdb"
    assert open_source(f"wfdb:{ptbxl_dir / 'records100'}").kind == "wfdb"
    meta = open_source(root).metadata()
    assert meta.loc[str(df["study_id"].iloc[5]), "machine_rr_interval"] == df["ecg_id"].iloc[5]
    with pytest.raises(ValueError, match="kind must be one of"):
        open_source(root, kind="holter")
    with pytest.raises(FileNotFoundError):
        open_source(root / "nope")


def test_one_row_per_record_and_error_rows(mimic_tree, mimic_run):
    root, df, kinds = mimic_tree
    out, res = mimic_run
    feats = read_features(out)
    assert res.n_records == N_TREE and len(feats) == N_TREE
    assert feats["record_id"].tolist() == [str(s) for s in df["study_id"]]
    assert feats["patient_id"].tolist() == [str(s) for s in df["subject_id"]]
    bad = feats.set_index("record_id")["error"]
    expected = {
        "truncated": "unreadable",
        "missing": "unreadable",
        "flat": "flat or empty lead(s) ['V3']",
        "fs": "sampling rate 250 Hz",
    }
    for study, kind in kinds.items():
        assert expected[kind] in bad[str(study)], (kind, bad[str(study)])
    assert bad.notna().sum() == len(kinds)
    fcols = [c for c in feats.columns if c.startswith(("hrv_", "sqi_", "cov_"))]
    errs = feats["error"].notna()
    assert feats.loc[errs, fcols].isna().all().all()
    assert feats.loc[~errs, "n_beats"].gt(3).all()
    # machine measurements joined on study_id, record list columns too
    assert (feats["machine_rr_interval"] == df["ecg_id"]).all()
    assert feats["ecg_time"].tolist() == df["ecg_time"].tolist()


def test_values_equal_library_calls(mimic_tree, mimic_run):
    root, df, kinds = mimic_tree
    out, _ = mimic_run
    feats = read_features(out).set_index("record_id")
    for k in (0, 1, 50):
        study = str(df["study_id"].iloc[k])
        sig = read_signal(root / df["path"].iloc[k])
        # MIMIC lead order (I II III aVR aVF aVL ...) from PTB-XL's (... AVR AVL AVF ...)
        low = [n.lower() for n in sig.lead_names]
        order = [low.index(n) for n in ("i", "ii", "iii", "avr", "avf", "avl")]
        order += list(range(6, 12))
        x = sig.signal[order]
        peaks = detect_rpeaks(x, 100.0).indices
        assert feats.loc[study, "n_beats"] == peaks.size
        h = hrv_features(rpeaks=peaks, fs=100.0)
        got = feats.loc[study, ["hrv_RMSSD", "hrv_SDNN", "hrv_MeanNN"]].to_numpy(float)
        np.testing.assert_array_equal(got, [h["RMSSD"], h["SDNN"], h["MeanNN"]])
        # covariance columns follow the MIMIC lead names
        assert "cov_aVF_aVL" in feats.columns and "cov_V6_V6" in feats.columns


def test_units_in_parquet_metadata(mimic_run):
    out, _ = mimic_run
    part = sorted(out.glob("part-*.parquet"))[0]
    schema = pq.read_schema(part)
    unit = {f.name: (f.metadata or {}).get(b"unit", b"").decode() for f in schema}
    assert unit["hrv_RMSSD"] == "ms" and unit["hrv_pNN50"] == "%"
    assert unit["heart_rate_bpm"] == "bpm" and unit["cov_I_II"] == "mV^2"
    assert unit["fs"] == "Hz" and unit["sqi_kSQI"] == "1"
    meta = json.loads(schema.metadata[b"geoecg_cohort"])
    assert meta["features"][0][0] == "rpeaks"
    feats = read_features(out)
    assert feats.attrs["units"]["hrv_HRMean"] == "bpm"
    # pandas reads the folder directly (manifest and metadata files are ignored)
    assert len(pd.read_parquet(out)) == len(feats)


def test_rerun_does_nothing_and_other_settings_refused(mimic_tree, mimic_run):
    root, _, _ = mimic_tree
    out, _ = mimic_run
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.parquet")}
    res = extract_features(root, FEATS, out=out, fs=100, chunk_size=64, progress=False)
    assert res.n_parts_computed == 0 and res.n_records_computed == 0
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.parquet")} == before
    with pytest.raises(ValueError, match="other settings"):
        extract_features(root, ["rpeaks"], out=out, fs=100, chunk_size=64, progress=False)


def test_limit_records_and_growth(mimic_tree, tmp_path):
    root, df, _ = mimic_tree
    ids = [str(s) for s in df["study_id"].iloc[[20, 2, 9]]]
    extract_features(root, ["rpeaks"], out=tmp_path / "r", fs=100, records=ids, progress=False)
    got = read_features(tmp_path / "r")["record_id"].tolist()
    assert got == sorted(ids, key=lambda s: int(s))  # source order
    out = tmp_path / "lim"
    r1 = extract_features(
        root, ["rpeaks"], out=out, fs=100, chunk_size=10, limit=25, progress=False
    )
    assert r1.n_records == 25 and r1.n_parts == 3
    first = {p.name: p.read_bytes() for p in sorted(out.glob("part-*.parquet"))[:2]}
    r2 = extract_features(
        root, ["rpeaks"], out=out, fs=100, chunk_size=10, limit=40, progress=False
    )
    assert r2.n_parts_computed == 2  # the two full chunks are kept, the partial one redone
    assert {p: (out / p).read_bytes() for p in first} == first
    feats = read_features(out)
    assert len(feats) == 40 and feats["record_id"].is_unique
    with pytest.raises(KeyError, match="not in the source"):
        extract_features(root, ["rpeaks"], out=tmp_path / "x", records=["123"], progress=False)


def test_bad_arguments(mimic_tree, tmp_path):
    root, _, _ = mimic_tree
    with pytest.raises(ValueError, match="unknown feature set"):
        extract_features(root, ["hrv", "qrs-magic"], out=tmp_path, progress=False)
    with pytest.raises(ValueError, match="backend"):
        extract_features(root, ["hrv"], out=tmp_path, backend="spark", progress=False)
    with pytest.raises(ValueError, match="chunk_size"):
        extract_features(root, ["hrv"], out=tmp_path, chunk_size=0, progress=False)
    with pytest.raises(ValueError, match="limit"):
        extract_features(root, ["hrv"], out=tmp_path, limit=0, progress=False)
    assert set(FEATURE_SETS) >= {
        "rpeaks",
        "hrv",
        "sqi",
        "noise",
        "af",
        "morphology",
        "covariance",
        "tangent",
    }
    with pytest.raises(ValueError, match="symmetric"):
        TangentSet(reference=np.ones((2, 3)))


def test_every_feature_set_on_real_records(ptbxl_dir, tmp_path):
    names = [n for n in FEATURE_SETS if n != "tangent"]
    ref = np.diag(np.full(12, 0.01))
    sets = resolve_feature_sets(names) + [TangentSet(reference=ref)]
    res = extract_features(ptbxl_dir, sets, out=tmp_path, limit=12, progress=False)
    feats = read_features(tmp_path)
    assert res.n_errors_computed == 0 and feats["error"].isna().all()
    for prefix in ("hrv_", "sqi_", "noise_", "af_", "morph_", "median_beat_", "cov_", "tan_"):
        block = feats.filter(regex=f"^{prefix}")
        assert block.shape[1] > 0 and np.isfinite(block.to_numpy()).any(axis=1).all(), prefix
    # tangent at R of the covariance C: upper(logm(R^-1/2 C R^-1/2)), diagonal = log eig
    from pyriemann.geometry.tangentspace import tangent_space

    cov_cols = [c for c in feats.columns if c.startswith("cov_")]
    iu = np.triu_indices(12)
    C = np.zeros((len(feats), 12, 12))
    C[:, iu[0], iu[1]] = feats[cov_cols].to_numpy()
    C = C + np.triu(C, 1).transpose(0, 2, 1)
    t = feats[[c for c in feats.columns if c.startswith("tan_")]].to_numpy()
    np.testing.assert_allclose(t, tangent_space(C, ref, metric="riemann"), rtol=1e-9, atol=1e-9)
    assert (feats["sex"].notna()).all()  # PTB-XL metadata joined


def test_cli_extract(mimic_tree, tmp_path, capsys):
    from geoecg.cli import main

    root, df, _ = mimic_tree
    ids = tmp_path / "ids.txt"
    ids.write_text("\n".join(str(s) for s in df["study_id"].iloc[:6]))
    argv = [
        "extract",
        str(root),
        "--features",
        "rpeaks,hrv",
        "--out",
        str(tmp_path / "o"),
        "--fs",
        "100",
        "--records",
        f"@{ids}",
        "--no-progress",
        "--json",
        str(tmp_path / "s.json"),
    ]
    assert main(argv) == 0
    s = json.loads((tmp_path / "s.json").read_text())
    assert s["n_records_computed"] == 6
    assert main(argv) == 0
    assert "already done" in capsys.readouterr().out
    assert len(read_features(tmp_path / "o")) == 6


def test_dask_missing_is_one_clear_sentence(mimic_tree, tmp_path, monkeypatch):
    root, _, _ = mimic_tree
    for name in ("dask", "distributed", "dask.distributed"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match=r"backend='dask' needs .*geoecg\[dask\]"):
        extract_features(root, ["rpeaks"], out=tmp_path, backend="dask", progress=False)


def _block_mean_band_twin(x, k, fs):
    """NumPy/SciPy twin of the band kernel: strided block sums / k, then sosfilt in steady
    state at the first sample (scipy.signal directly, not the library helper)."""
    from scipy import signal as sps

    n = (x.shape[1] // k) * k
    acc = x[:, 0:n:k].copy()
    for j in range(1, k):
        acc += x[:, j:n:k]
    y = acc / k if k > 1 else acc
    sos = sps.butter(2, [0.5, min(40.0, 0.45 * fs / k)], btype="bandpass", fs=fs / k, output="sos")
    zi = sps.sosfilt_zi(sos)
    return sps.sosfilt(sos, y, axis=-1, zi=zi[:, None, :] * y[:, 0][None, :, None])[0]


@pytest.mark.parametrize("n_leads", [1, 3, 12])
@pytest.mark.parametrize("fs", [500.0, 250.0, 100.0, 360.0, 1000.0])
def test_band_kernel_equals_numpy_twin(fs, n_leads, rng):
    from geoecg._kernels.band import block_mean_sosfilt
    from geoecg.cohort.feature_sets import RecordData, _sos

    k = max(1, int(fs // 100))
    x = np.cumsum(rng.normal(size=(n_leads, 1003)), axis=1) * 0.05
    sos, zi = _sos(fs / k, 0.5, 40.0)
    y = np.empty((n_leads, 1003 // k))
    assert block_mean_sosfilt(x=x, block=k, sos=sos, zi=zi, out=y)
    assert np.array_equal(y, _block_mean_band_twin(x, k, fs))  # bit for bit
    # a NaN (or an infinite) sample: the kernel says so and RecordData takes the NaN-aware path
    for bad in (np.nan, np.inf):
        x[-1, 10] = bad
        assert not block_mean_sosfilt(x=x, block=k, sos=sos, zi=zi, out=y)
    x[-1, 10] = np.nan
    band, rate = RecordData(x, fs, tuple("abcdefghijkl"[:n_leads]), 0).band_decimated
    assert rate == fs / k and band.shape == (n_leads, 1003 // k)


def test_streaming_chunk_equals_per_record_sets(ptbxl_dir):
    """The chunk releases each signal after its per-record sets; the rows equal calling
    every set on each record alone (signal kept)."""
    from geoecg.cohort._chunk import RunConfig, compute_features
    from geoecg.cohort.feature_sets import RecordData
    from geoecg.features import hrv_features_batch

    # In a fresh checkout the first HRV call runs the kernels as plain Python while numba
    # compiles them; on a machine where NumPy's SIMD log/exp differ from the C library's
    # (AVX-512) one value may then differ from the compiled run by an ulp. More rows than
    # a first call computes as Python make it wait for the machine code.
    rr = np.random.default_rng(0).normal(800.0, 40.0, (9, 300))
    hrv_features_batch(list(rr))

    paths = sorted(glob.glob(str(ptbxl_dir / "records500/00000/*.hea")))[:6]
    sigs = [read_signal(h[:-4]) for h in paths]
    leads = tuple(sigs[0].lead_names)
    fsets = tuple(resolve_feature_sets(["rpeaks", "hrv", "sqi", "covariance", "tangent"]))
    cfg = RunConfig(fsets, leads, "name", 1, 500.0, "error",
                    tuple(c for f in fsets for c in f.columns(leads)), {})  # fmt: skip
    recs = [RecordData(s.signal.copy(), 500.0, leads, 1) for s in sigs]
    feats, errors = compute_features(enumerate(recs), len(recs), cfg)
    assert not errors
    assert all(r.signal is not s.signal for r, s in zip(recs, sigs, strict=True))
    with pytest.raises(ValueError, match="released"):
        recs[0].filtered  # noqa: B018 - not cached, and the signal is gone
    ref = np.vstack(
        [
            np.concatenate([f.compute_one(RecordData(s.signal, 500.0, leads, 1)) for f in fsets])
            for s in sigs
        ]
    )
    np.testing.assert_array_equal(feats, ref)


def test_neurokit2_side_by_side_runs(ptbxl_dir):
    pytest.importorskip("neurokit2")
    from geoecg.cohort.throughput import side_by_side

    paths = sorted(glob.glob(str(ptbxl_dir / "records500/00000/*.hea")))[:2]
    r = side_by_side([p[:-4] for p in paths], 500.0, FEATS, repeats=1)
    assert r["records"] == 2 and set(r["neurokit2_calls"]) == set(FEATS)
    assert r["geoecg_cpu_s_per_record"] > 0 and r["neurokit2_cpu_s_per_record"] > 0
    assert r["speedup"] == pytest.approx(
        r["neurokit2_cpu_s_per_record"] / r["geoecg_cpu_s_per_record"]
    )
