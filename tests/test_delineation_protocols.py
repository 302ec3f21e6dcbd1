"""Delineation protocols: QTDB layout on a hand-made record, ECGSYN truth, noise, scoring."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geoecg.evaluation.delineation import (
    criterion_scores,
    score_annotated_beats,
    score_waves,
    split_records,
    summarise_scores,
)
from geoecg.features import delineate
from geoecg.features.delineation import FIDUCIALS
from geoecg.features.delineation_protocols import ecgsyn_truth, noise_robustness, qtdb_protocol
from geoecg.simulate import synthesize_ecg
from geoecg.simulate.wave_truth import ecgsyn_wave_times

COL = {f: i for i, f in enumerate(FIDUCIALS)}


def _clean(fs, hr, duration_s=10.0, **kw):
    return synthesize_ecg(fs=fs, duration_s=duration_s, hr_bpm=hr, hrv_lf=0.0, hrv_hf=0.0,
                          baseline_mv=0.0, random_state=0, **kw)  # fmt: skip


@pytest.mark.parametrize("hr", [45, 75, 110])
def test_ecgsyn_truth_matches_the_generator(hr):
    """R, P and T peaks of the truth are the spatial-magnitude maxima of the generated strip."""
    fs = 500.0
    t = ecgsyn_wave_times(fs=fs, duration_s=10.0, hr_bpm=hr)
    mag = np.linalg.norm(_clean(fs, hr), axis=0)
    # R exact; slow P and T come a few ms early (the model's 1 s baseline relaxation)
    # (at 110 bpm the previous T's tail runs into the P: its magnitude peak is not the P's)
    for col, tol in (("R_peak", 1), ("P_peak", 4), ("T_peak", 4)):
        for v in t[col].to_numpy() if (col != "P_peak" or hr < 100) else ():
            lo = int(v) - 25
            assert abs(lo + np.argmax(mag[lo : lo + 51]) - v) <= tol, (col, v)
    w = t["QRS_off"] - t["QRS_on"]
    assert np.all(np.diff(t[["P_on", "P_peak", "P_off"]].to_numpy(), axis=1) > 0)
    assert np.all(w > 0) and np.all(t["T_off"] > t["T_peak"])
    wide = ecgsyn_wave_times(fs=fs, duration_s=10.0, hr_bpm=hr, qrs_width=1.5)
    assert np.all(wide["QRS_off"] - wide["QRS_on"] > w.iloc[0])  # wider QRS, wider truth
    with pytest.raises(ValueError, match="level"):
        ecgsyn_wave_times(fs=fs, duration_s=1.0, hr_bpm=60, level=1.5)


def test_delineate_against_ecgsyn_truth():
    """Convention-free points (R, T peak) within a few ms; every beat found once."""
    rows = ecgsyn_truth(hrs=(60, 90), widths=(1.0,), noises_mv=(0.0,))
    for r in rows:
        assert r["QRS_on"]["se"] == 100.0 and r["QRS_on"]["ppv"] == 100.0
        assert abs(r["T_peak"]["mean_ms"]) < 10 and r["T_peak"]["sd_ms"] < 5
        assert abs(r["QRS_off"]["mean_ms"]) < 30 and not r["overlap"]


def _write_qtdb(folder, fs=250.0, hr=70):
    """A two-lead 'QTDB' record (ECGSYN leads II and V5) with q1c marks on 5 beats."""
    import wfdb

    x = _clean(fs, hr, duration_s=20.0)[[1, 10]].T
    wfdb.wrsamp("sel900", fs=fs, units=["mV", "mV"], sig_name=["MLII", "V5"], p_signal=x,
                fmt=["16", "16"], write_dir=str(folder))  # fmt: skip
    t = ecgsyn_wave_times(fs=fs, duration_s=20.0, hr_bpm=hr).iloc[3:8].round().astype(int)
    sample, symbol = [], []
    for _, b in t.iterrows():
        for wave, pk in (("P", "p"), ("QRS", "N"), ("T", "t")):
            on, mid, off = (b[f"{wave}_on"], b["R_peak" if wave == "QRS" else f"{wave}_peak"],
                            b[f"{wave}_off"])  # fmt: skip
            sample += [on, mid, off]
            symbol += ["(", pk, ")"]
    # wfdb.wrann accepts letters-only extensions: write "qc", then give it the QTDB name
    wfdb.wrann("sel900", "qc", np.array(sample), symbol, write_dir=str(folder))
    (folder / "sel900.qc").rename(folder / "sel900.q1c")
    return t


def test_qtdb_protocol_on_a_hand_made_record(tmp_path):
    from geoecg.io import QTDB

    t = _write_qtdb(tmp_path)
    db = QTDB(tmp_path)
    assert db.records() == ["sel900"]
    rec = db.read("sel900")
    assert rec.signal.shape[0] == 2 and rec.fs == 250.0 and rec.leads == ("MLII", "V5")
    assert len(rec.waves) == 15
    res = qtdb_protocol(db)
    assert res["QRS_on"]["n"] == 5 and res["QT"]["n"] == 5 and res["QRS_on"]["se"] == 100.0
    # the same QT errors computed by hand from delineate on the same strip
    d = delineate(rec.signal, rec.fs).samples
    errs = []
    for _, b in t.iterrows():
        k = np.nanargmin(np.abs(d[:, COL["R_peak"]] - b["R_peak"]))
        qt = d[k, COL["T_off"]] - d[k, COL["QRS_on"]]
        errs.append((qt - (b["T_off"] - b["QRS_on"])) * 1000 / 250)
    assert res["QT"]["mae_ms"] == pytest.approx(np.mean(np.abs(errs)))
    assert res["QT"]["mae_ms"] < 60  # boundary convention of the truth differs (see docs)
    with pytest.raises(FileNotFoundError, match="QT-database"):
        QTDB(tmp_path / "nothing")


def _q1c_beats(fs, rr_s, t_after_s=0.26):
    """q1c-style reference rows (P, QRS, T per beat at the given RRs) and a perfect detection."""
    rows, det, r = [], [], 200
    fid = ["P_on", "P_peak", "P_off", "QRS_on", "R_peak", "QRS_off", "T_on", "T_peak", "T_off"]
    for rr in rr_s:
        p, t = r - round(0.12 * fs), r + round(t_after_s * fs)
        rows += [("q1c", "P", p - 10, p, p + 10), ("q1c", "QRS", r - 12, r, r + 12),
                 ("q1c", "T", t - 25, t, t + 25)]  # fmt: skip
        det.append([p - 10, p, p + 10, r - 12, r, r + 12, t - 25, t, t + 25])
        r += round(rr * fs)
    w = pd.DataFrame(rows, columns=["lead", "wave", "onset", "peak", "offset"])
    return w, np.array(det, float), fid


@pytest.mark.parametrize("rr_s", [[1.0] * 5, [0.46] * 5, [0.375] * 5, [0.8, 0.8, 0.4, 0.8, 0.8]])
def test_qtdb_scoring_keeps_each_t_with_its_own_beat(rr_s):
    """A perfect detection scores zero error at 60, 130 and 160 bpm and after a premature beat:
    a T peak later than half the RR belongs to the QRS before it, a P to the QRS after it (the
    beats were once split at the RR midpoints, which gave every T at 130 bpm to the next beat:
    T offset and QT errors of one RR)."""
    fs = 250.0
    w, det, fid = _q1c_beats(fs, rr_s)
    s = score_annotated_beats(w, det, fs, fiducials=fid)
    for key in ("P_on", "P_peak", "P_off", "QRS_on", "QRS_off", "T_on", "T_peak", "T_off", "QT"):
        assert s[key].tp == len(rr_s) and s[key].fn == 0, key
        assert np.all(s[key].errors_ms == 0.0), (key, s[key].errors_ms)


def test_qtdb_scoring_of_biphasic_t_and_unmarked_waves():
    """q1c marks as read from the file: a biphasic T ``( t t )`` gives the onset of its first
    lobe and the offset of its second; a T without onset and a beat without P are scored on
    the marks there are; an unannotated detected beat takes no reference mark."""
    from geoecg.io.ludb import parse_wave_annotations

    fs = 250.0
    sample = [90, 100, 110, 188, 200, 212, 240, 260, 290, 320,  # P, QRS, biphasic T
              388, 400, 412, 470, 490,                            # QRS, T peak + offset
              588, 600, 612, 660, 680, 700]  # fmt: skip            # QRS, T (no P)
    symbol = ["(", "p", ")", "(", "N", ")", "(", "t", "t", ")",
              "(", "N", ")", "t", ")",
              "(", "N", ")", "(", "t", ")"]  # fmt: skip
    rows = parse_wave_annotations(sample, symbol)
    w = pd.DataFrame(rows, columns=["wave", "onset", "peak", "offset"]).assign(lead="q1c")
    fid = ["P_on", "P_peak", "P_off", "QRS_on", "R_peak", "QRS_off", "T_on", "T_peak", "T_off"]
    det = np.array([[90, 100, 110, 188, 200, 212, 240, 260, 320],
                    [np.nan, np.nan, np.nan, 388, 400, 412, 450, 470, 490],
                    [np.nan, np.nan, np.nan, 1000, 1010, 1020, np.nan, np.nan, np.nan],
                    [np.nan, np.nan, np.nan, 588, 600, 612, 660, 680, 700]])  # fmt: skip
    det = det[[0, 1, 3, 2]]  # detections need not be in time order
    s = score_annotated_beats(w, det, fs, fiducials=fid)
    assert (s["P_on"].tp, s["P_on"].fn) == (1, 0)  # only the first beat has a P
    assert (s["T_on"].tp, s["T_off"].tp, s["T_peak"].tp) == (2, 3, 3)
    assert np.all(s["T_off"].errors_ms == 0.0) and np.all(s["T_on"].errors_ms == 0.0)
    assert s["T_peak"].errors_ms.tolist() == [0.0, 0.0, 0.0]  # the first lobe's peak
    assert s["QT"].tp == 3 and np.all(s["QT"].errors_ms == 0.0)


def test_qtdb_reader_keeps_beats_of_every_label(tmp_path):
    """q1c QRS peaks keep the source database's beat label (A, B, N, Q, V): every one is a
    QRS (they were once dropped, and with them the beat), and each T stays with its beat."""
    import wfdb

    from geoecg.io.ludb import read_wave_annotations

    labels = ["N", "V", "N", "A", "B", "Q"]
    sample, symbol, det = [], [], []
    for k, lab in enumerate(labels):
        r = 100 + 200 * k
        sample += [r - 12, r, r + 12, r + 50, r + 65, r + 90]
        symbol += ["(", lab, ")", "(", "t", ")"]
        det.append([r - 12, r, r + 12, r + 50, r + 65, r + 90])
    # wfdb.wrann accepts letters-only extensions: write "qc", then give it the QTDB name
    wfdb.wrann("sel0", "qc", np.array(sample), symbol, write_dir=str(tmp_path))
    (tmp_path / "sel0.qc").rename(tmp_path / "sel0.q1c")
    w = read_wave_annotations(tmp_path / "sel0", "q1c")
    assert (w["wave"] == "QRS").sum() == 6 and (w["wave"] == "T").sum() == 6
    fid = ["QRS_on", "R_peak", "QRS_off", "T_on", "T_peak", "T_off"]
    s = score_annotated_beats(w, np.array(det, float), 250.0, fiducials=fid)
    for key in ("QRS_on", "T_on", "T_off", "QT"):
        assert s[key].tp == 6 and np.all(s[key].errors_ms == 0.0), key


class _FakeLUDB:
    """LUDB-like adapter over one ECGSYN strip whose reference is the exact truth."""

    def __init__(self, fs=500.0, hr=72):
        self.fs = fs
        self.x = _clean(fs, hr)
        t = ecgsyn_wave_times(fs=fs, duration_s=10.0, hr_bpm=hr).round().astype(int)
        rows = []
        for ld in ("ii", "v5"):
            for _, b in t.iterrows():
                rows += [(ld, "P", b["P_on"], b["P_peak"], b["P_off"]),
                         (ld, "QRS", b["QRS_on"], b["R_peak"], b["QRS_off"]),
                         (ld, "T", b["T_on"], b["T_peak"], b["T_off"])]  # fmt: skip
        self.waves = pd.DataFrame(rows, columns=["lead", "wave", "onset", "peak", "offset"])

    def read(self, name):
        return type("R", (), {"signal": self.x[[1, 10]], "fs": self.fs, "waves": self.waves})


def test_noise_robustness_degrades_with_snr():
    db = _FakeLUDB()
    rng = np.random.default_rng(1)
    noise = {"white": rng.standard_normal((2, 20000))}
    rows = noise_robustness(db, ["x"], noise, [30.0, -6.0], leads=("ii", "v5"))
    by = {(r["snr_db"], r["fiducial"]): r for r in rows}
    assert by[(30.0, "QRS_on")]["se"] == 100.0
    assert by[(30.0, "QRS_on")]["sd_ms"] <= by[(-6.0, "QRS_on")]["sd_ms"] or (
        by[(-6.0, "QRS_on")]["se"] < 100.0
    )
    assert {r["noise"] for r in rows} == {"white"} and len(rows) == 10


def test_scoring_helpers():
    assert split_records(["1", "3", "5", "7", "11"], "test") == ["3", "7"]
    with pytest.raises(ValueError, match="split"):
        split_records(["1"], "train")
    w = pd.DataFrame({"lead": ["ii"] * 2, "wave": ["QRS", "QRS"], "onset": [90, 590],
                      "peak": [100, 600], "offset": [140, 640]})  # fmt: skip
    det = np.full((3, len(FIDUCIALS)), np.nan)
    det[:, COL["QRS_on"]] = [95, 580, 900]  # the third is outside the annotated span
    tab = summarise_scores([score_waves(w, det, 1000.0, fiducials=FIDUCIALS, leads=["ii"])])
    a = tab["QRS_on"]["all"]
    assert (a["tp"], a["fp"], a["fn"]) == (2, 0, 0) and a["mean_ms"] == pytest.approx(-2.5)
    assert tab["P_on"]["all"]["tp"] == 0
    # annotated-beats protocol: an unmatched beat counts as a miss
    det2 = np.full((1, len(FIDUCIALS)), np.nan)
    det2[0, COL["R_peak"]], det2[0, COL["QRS_on"]] = 101, 92
    s = score_annotated_beats(w, det2, 1000.0, fiducials=FIDUCIALS)
    assert (s["QRS_on"].tp, s["QRS_on"].fn) == (1, 1) and s["QT"].tp == 0


def test_criterion_scores_known_auc():
    v = np.array([130.0, 125.0, 90.0, 100.0, 95.0, np.nan])
    pos = np.array([1, 1, 0, 0, 0, 1], bool)
    r = criterion_scores(v, pos, ~pos, meets=v >= 120, n_boot=200)
    assert r["auc"] == 1.0 and r["n_pos_measured"] == 2 and r["n_neg_measured"] == 3
    assert r["meets_pct"] == 100.0 and r["meets_low"] < 100.0
    r2 = criterion_scores(-v, pos, ~pos, sign=-1.0, n_boot=200)
    assert r2["auc"] == 1.0 and np.isnan(r2["meets_pct"])


def test_default_keeps_a_long_p_wave_long():
    """ECGSYN at 40 bpm widens the P wave: the global P offset stays near the exact truth
    (a pull towards the P peak, rule D, read it 46 ms short here and was removed)."""
    fs, hr = 500.0, 40
    t = ecgsyn_wave_times(fs=fs, duration_s=10.0, hr_bpm=hr).round().astype(int)
    x = _clean(fs, hr)
    d = delineate(x, fs).samples
    pk = d[:, COL["R_peak"]]
    rows = [np.nanargmin(np.abs(pk - r)) for r in t["R_peak"]]
    err = np.nanmedian(d[rows, COL["P_off"]] - t["P_off"].to_numpy()) * 1000 / fs
    assert abs(err) <= 15.0, err
