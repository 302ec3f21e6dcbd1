"""Rhythm-context helpers of ``geoecg bench beats`` (``--feature-set context``/``context-af``,
``--keep-premature-n`` and ``--af-gate``)."""

from __future__ import annotations

import numpy as np

__all__ = [
    "AF_GATE_COLUMN",
    "CONTEXT_PRE_COLUMN",
]

#: Column of ``ctx_pre_hmed`` (rr_pre over the +-2.5 min median) in the rhythm context.
CONTEXT_PRE_COLUMN = 4

#: Column of ``ctx_af_COSEn`` in the AF context (``--af-gate``).
AF_GATE_COLUMN = 0


def _af_gates(train_tables, test_tables):
    """AF gate threshold fitted on the training tables (their AFIB/AFL rhythm labels) and
    the gated beats of each test table (``ctx_af_COSEn`` above it)."""
    from ..features.beat_context import af_gate_threshold

    thr = af_gate_threshold(
        np.concatenate([t["ctx_af"][:, AF_GATE_COLUMN] for t in train_tables]),
        np.concatenate([t["af"] for t in train_tables]),
    )
    gates = [np.nan_to_num(t["ctx_af"][:, AF_GATE_COLUMN], nan=-np.inf) > thr for t in test_tables]
    return thr, gates


def gate_decisions(P, classes, gate, mode="next") -> np.ndarray:
    """Class index per beat (rows of ``P``, columns = ``classes``) under the AF gate.

    ``mode="N"``: a gated beat whose most probable class is S is called N (AAMI labels a
    supraventricular beat conducted in atrial fibrillation/flutter as N), other decisions are
    unchanged; ``"next"``: the S probability of a gated beat is ignored, so it takes its most
    probable other class (N, or V/F/Q). Without a gate: plain argmax.
    """
    P = np.asarray(P, dtype=np.float64)
    classes = list(classes)
    if mode not in ("N", "next"):
        raise ValueError(f"af gate mode must be 'N' or 'next', got {mode!r}")
    if gate is None or not np.any(gate) or "S" not in classes:
        return np.argmax(P, axis=1)
    s = classes.index("S")
    if mode == "next" or "N" not in classes:
        Q = P.copy()
        Q[gate, s] = -np.inf
        return np.argmax(Q, axis=1)
    pred = np.argmax(P, axis=1)
    pred[np.asarray(gate, dtype=bool) & (pred == s)] = classes.index("N")
    return pred


def _gated_predict(clf, X, gate, mode="next"):
    """``clf.predict`` where beats with ``gate`` True cannot be called S (``--af-gate``;
    see :func:`gate_decisions` for ``mode``)."""
    if gate is None or not gate.any() or "S" not in clf.classes_.tolist():
        return clf.predict(X)
    P = clf.predict_proba(X)
    if clf.decision_scale:
        P = P * np.asarray([float(clf.decision_scale.get(c, 1.0)) for c in clf.classes_.tolist()])
    return clf.classes_[gate_decisions(P, clf.classes_.tolist(), gate, mode)]


class _Bagged:
    """Mean class probabilities of several fitted :class:`HeartbeatClassifier` s (``--n-bags``;
    each fitted on its own N-beat subsample and xgboost seed). Same ``classes_``,
    ``decision_scale``, ``predict_proba``/``predict``/``set_params`` as one classifier."""

    def __init__(self, members):
        self.members = list(members)
        self.classes_ = self.members[0].classes_
        if any(m.classes_.tolist() != self.classes_.tolist() for m in self.members):
            raise ValueError("bagged classifiers were fitted on different class sets")
        self.decision_scale = None

    def set_params(self, decision_scale=None):
        self.decision_scale = decision_scale
        return self

    def predict_proba(self, X):
        return np.mean([m.predict_proba(X) for m in self.members], axis=0)

    def predict(self, X):
        P = self.predict_proba(X)
        if self.decision_scale:
            P = P * np.asarray([float(self.decision_scale.get(c, 1.0))
                                for c in self.classes_.tolist()])
        return self.classes_[np.argmax(P, axis=1)]


def _add_context(table: dict, name: str, folder) -> dict:
    """The table with the rhythm context of its beats (``ctx``, not cached: RR only).

    The reference beat positions are read again (with the same filtering as
    :func:`_record_table`), so caches written before this feature stay usable.
    """
    from ..features.af import af_beat_labels
    from ..features.beat_context import af_context_features, rhythm_context_features
    from ..io import beat_annotations, read_mitdb

    rec = read_mitdb(name, folder)
    peaks = beat_annotations(rec.annotations)["sample"].to_numpy()
    peaks = peaks[(peaks >= 0) & (peaks < rec.signal.shape[1])]
    if peaks.size != table["y"].size:
        raise ValueError(f"record {name}: {peaks.size} beats, cached table has {table['y'].size}")
    ctx = rhythm_context_features(peaks, rec.fs).values
    out = dict(table)
    out["af"] = af_beat_labels(rec.annotations, peaks, positive=("AFIB", "AFL"))
    out["ctx"] = ctx
    out["ctx_af"] = af_context_features(peaks, rec.fs).values
    return out


def _append_context(table: dict, af: bool = False) -> dict:
    """``--feature-set context``: the rhythm context appended to the reference features
    (``context-af``, ``af=True``: and the AF likeness of the rhythm around each beat)."""
    out = dict(table)
    out["X"] = np.hstack([table["X"], table["ctx"]] + ([table["ctx_af"]] if af else []))
    return out


def _per_class(y_true, y_pred) -> dict:
    """Reference count, predicted count and true positives of S and V (one fold)."""
    return {
        c: [
            int((y_true == c).sum()),
            int((y_pred == c).sum()),
            int(((y_true == c) & (y_pred == c)).sum()),
        ]
        for c in ("S", "V")
    }
