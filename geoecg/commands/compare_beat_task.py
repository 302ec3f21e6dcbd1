"""The ``mitdb-beats`` comparison task: one matrix that serves feature and signal models.

Each row is one beat: its morphology/RR features (:func:`geoecg.features.beat_features`)
followed by its QRS-centred window (both leads, flattened). The classical pipeline keeps the
feature columns, the neural one reshapes the window columns back into ``(n_leads, width)``,
so both see exactly the same beats and, through :func:`~geoecg.evaluation.compare`, the same
patient-wise folds.
"""

from __future__ import annotations

from functools import partial

import numpy as np
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

__all__ = ["load_beat_task", "feature_columns", "window_columns"]

CLASSES = ("N", "S", "V", "F")


def feature_columns(X, n_features: int) -> np.ndarray:
    """The feature part of a beat-task matrix."""
    return np.asarray(X)[:, :n_features]


def window_columns(X, n_features: int, n_leads: int) -> np.ndarray:
    """The beat windows of a beat-task matrix, shape ``(n_beats, n_leads, width)``."""
    W = np.asarray(X)[:, n_features:]
    return W.reshape(len(W), n_leads, -1)


def _record_rows(name, folder, max_n: int, window_ms: float, rng):
    from ..features import beat_features, segment_beats
    from ..io import beat_annotations, read_mitdb
    from ..signal import bandpass

    rec = read_mitdb(name, folder)
    names = [n.upper() for n in rec.lead_names]
    first = names.index("MLII") if "MLII" in names else 0
    order = [first] + [i for i in range(rec.n_leads) if i != first]
    sig = bandpass(rec.signal[order[:2]], rec.fs, 0.5, 40.0)
    beats = beat_annotations(rec.annotations)
    beats = beats[beats["aami"].isin(CLASSES)]
    peaks = beats["sample"].to_numpy()
    labels = beats["aami"].to_numpy()
    F = beat_features(sig, peaks, rec.fs, prefilter=False).values
    W = segment_beats(sig, peaks, rec.fs, size_ms=window_ms).beats
    W = np.nan_to_num(W.reshape(len(W), -1))
    keep = np.ones(len(labels), bool)
    is_n = np.flatnonzero(labels == "N")
    if max_n and is_n.size > max_n:
        keep[rng.choice(is_n, is_n.size - max_n, replace=False)] = False
    return np.hstack([F, W])[keep], labels[keep], F.shape[1], sig.shape[0]


def load_beat_task(data_dir, *, quick: bool = False, max_records=None, max_n_per_record=300,
                   window_ms: float = 600.0, random_state: int = 0):
    """Build the ``mitdb-beats`` task on the non-paced records present.

    Parameters
    ----------
    data_dir : path-like
        MIT-BIH folder (or a parent holding ``mitdb/``).
    quick : bool
        Tiny models (tests).
    max_records : int, optional
        Use only the first records.
    max_n_per_record : int, default 300
        Keep at most this many N beats per record (seeded), all S, V and F beats. Training
        *and* test beats are thinned alike, so class balance differs from the full record.
    window_ms : float, default 600
        Fixed beat window, centred on the R-peak.
    random_state : int

    Returns
    -------
    Task
    """
    from ..io import mitdb_dir, mitdb_records, patient_groups
    from .tasks import Task

    folder = mitdb_dir(data_dir)
    records = mitdb_records(folder, "non-paced")
    if max_records is not None:
        records = records[:max_records]
    rng = np.random.default_rng(random_state)
    rows, ys, groups = [], [], []
    n_feat = n_leads = 0
    for r in records:
        X, y, n_feat, n_leads = _record_rows(r, folder, max_n_per_record, window_ms, rng)
        rows.append(X)
        ys.append(y)
        groups += [patient_groups([r])[0]] * len(y)
    X = np.vstack(rows)
    y = np.concatenate(ys)
    from ..estimators import HeartbeatClassifier

    feats = FunctionTransformer(partial(feature_columns, n_features=n_feat))
    est = {
        "beat features + xgboost": make_pipeline(
            feats,
            HeartbeatClassifier(n_estimators=20 if quick else 150, random_state=random_state),
        )
    }
    from .._optional import missing

    if not missing("torch"):
        from ..neural import ResNet1DClassifier

        windows = FunctionTransformer(partial(window_columns, n_features=n_feat, n_leads=n_leads))
        kw = ({"filters": (8, 8), "kernel_sizes": (5, 3), "epochs": 2} if quick
              else {"filters": (32, 64, 64), "epochs": 30, "patience": 4})
        est["ResNet1D on beat windows"] = make_pipeline(
            windows, ResNet1DClassifier(stem_stride=1, random_state=random_state, **kw)
        )
    notes = (f"AAMI N/S/V/F beats of {len(records)} non-paced records at reference positions; "
             f"at most {max_n_per_record} N beats per record; patient-wise folds")
    return Task("mitdb-beats", X, y, np.asarray(groups), 360.0, est,
                ("f1_macro", "balanced_accuracy", "auroc"), notes)
