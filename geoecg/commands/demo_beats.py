"""Demo step: beat segmentation, templates per class, STAR augmentation and a beat classifier."""

from __future__ import annotations

from pathlib import Path

__all__ = ["TITLE", "run_demo"]

TITLE = "Heartbeats: QRS-centred beats, templates, STAR augmentation, AAMI classifier"


def run_demo(out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from ..datasets import sample_record_path
    from ..estimators import HeartbeatClassifier
    from ..evaluation.aami import aami_report
    from ..features import beat_features, segment_beats, star_augment
    from ..io import beat_annotations, read_record
    from ..signal import bandpass
    from ..viz import plot_beat_templates, plot_star_strip

    rec = read_record(sample_record_path("mitdb_119"))
    x = bandpass(rec.signal, rec.fs, 0.5, 40.0)
    ba = beat_annotations(rec.annotations)
    peaks = ba["sample"].to_numpy()
    labels = ba["aami"].to_numpy()
    seg = segment_beats(x, peaks, rec.fs)
    names, counts = np.unique(labels, return_counts=True)
    by_class = dict(zip(names.tolist(), counts.tolist(), strict=True))
    print(
        f"   mitdb_119 excerpt: {len(seg)} beats {by_class}"
        f", data-driven window {seg.size_ms:.0f} ms (trimmed mean RR over 10-s windows)"
    )
    fig = plot_beat_templates(seg, labels, lead_name=rec.lead_names[0])
    fig.savefig(out / "beats_templates_mitdb_119.png", dpi=100)
    plt.close(fig)
    aug = star_augment(x, peaks, variant="fixed")
    fig = plot_star_strip(x[:, : int(12 * rec.fs)], _crop(aug, int(12 * rec.fs)), rec.fs,
                          peaks[peaks < int(12 * rec.fs)], lead_name=rec.lead_names[0])  # fmt: skip
    fig.savefig(out / "beats_star_mitdb_119.png", dpi=100)
    plt.close(fig)
    table = beat_features(x, peaks, rec.fs, prefilter=False)
    half = peaks < x.shape[1] // 2
    clf = HeartbeatClassifier(n_estimators=50, random_state=0).fit(table.values[half], labels[half])
    rep = aami_report(labels[~half], clf.predict(table.values[~half]))
    v = rep["classes"]["V"]
    print(
        f"   {table.values.shape[1]} features per beat; trained on the first 2.5 min, tested on "
        f"the last 2.5 min of the SAME record (intra-record, optimistic): V Se {v['se']:.1f} %, "
        f"+P {v['ppv']:.1f} %, accuracy {rep['accuracy']:.1f} %"
    )


def _crop(result, n):
    from dataclasses import replace

    return replace(result, signal=result.signal[:, :n], rpeaks=result.rpeaks[result.rpeaks < n])
