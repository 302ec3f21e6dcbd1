"""Demo step: screen the embedded MIT-BIH 201 excerpt for atrial fibrillation."""

from __future__ import annotations

from pathlib import Path

TITLE = "AF screening from RR intervals (COSEn detector, MIT-BIH 201 excerpt)"


def run_demo(out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np

    from ..datasets import sample_record_path
    from ..estimators.af import COSEnDetector
    from ..estimators.af_screening import screen_af, synthetic_rr
    from ..features.af import af_beat_labels
    from ..io import read_record, rhythm_episodes
    from ..viz import plot_af_timeline

    # fitted on synthetic RR only, so the real record is never seen in training
    rr, y = synthetic_rr(4000, af_fraction=0.5, random_state=0)
    det = COSEnDetector().fit_series(rr, y)
    rec = read_record(sample_record_path("mitdb_201"))
    res = screen_af(rec.signal, rec.fs, det, min_duration_s=10.0)
    ref = af_beat_labels(rec.annotations, res.rpeaks)[1:]
    se = 100.0 * (res.af & ref).sum() / max(ref.sum(), 1)
    sp = 100.0 * (~res.af & ~ref).sum() / max((~ref).sum(), 1)
    print(f"   {len(res.rpeaks)} beats detected; COSEn threshold {det.threshold_:.2f}")
    for _, e in res.episodes.iterrows():
        print(f"   AF episode {e['start_s']:.0f}-{e['end_s']:.0f} s ({e['duration_s']:.0f} s)")
    eps = rhythm_episodes(rec.annotations, rec.n_samples, rec.fs)
    eps = eps[eps["rhythm"] == "AFIB"]
    pairs = zip(eps["start"] / rec.fs, eps["end"] / rec.fs, strict=True)
    ref_text = ", ".join(f"{a:.0f}-{b:.0f} s" for a, b in pairs)
    print(f"   reference AFIB: {ref_text}; per-beat Se {se:.1f} %, Sp {sp:.1f} %")
    truth = np.column_stack([eps["start"] / rec.fs, eps["end"] / rec.fs])
    fig = plot_af_timeline(res, truth=truth)
    fig.savefig(out / "af_timeline_mitdb_201.png", dpi=100)
