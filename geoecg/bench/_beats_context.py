"""Rhythm-context helpers of ``geoecg bench beats`` (``--feature-set context``/``context-af``,
``--keep-premature-n``, ``--af-gate``, ``--context-nn``, ``--morph-match`` and the
second stage of ``--stack-folds``)."""

from __future__ import annotations

import numpy as np

__all__ = [
    "AF_GATE_COLUMN",
    "CONTEXT_PRE_COLUMN",
    "STACK_HALF",
    "STACK_OFFSETS",
    "neighbour_proba_features",
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
    P = _scaled_proba(clf, X)
    return clf.classes_[gate_decisions(P, clf.classes_.tolist(), gate, mode)]


def _scaled_proba(clf, X) -> np.ndarray:
    """``clf.predict_proba(X)`` times ``clf.decision_scale`` (per class; 1 where absent)."""
    P = clf.predict_proba(X)
    if clf.decision_scale:
        P = P * np.asarray([float(clf.decision_scale.get(c, 1.0)) for c in clf.classes_.tolist()])
    return P


class _Composite:
    """``set_params(decision_scale=)`` and ``predict`` (arg-max of the scaled probabilities) of
    the composite classifiers below, as on one :class:`HeartbeatClassifier`."""

    decision_scale = None

    def set_params(self, decision_scale=None):
        self.decision_scale = decision_scale
        return self

    def predict(self, X):
        return self.classes_[np.argmax(_scaled_proba(self, X), axis=1)]


class _Bagged(_Composite):
    """Mean class probabilities of several fitted :class:`HeartbeatClassifier` s (``--n-bags``;
    each fitted on its own N-beat subsample and xgboost seed). Same ``classes_``,
    ``decision_scale``, ``predict_proba``/``predict``/``set_params`` as one classifier."""

    def __init__(self, members):
        self.members = list(members)
        self.classes_ = self.members[0].classes_
        if any(m.classes_.tolist() != self.classes_.tolist() for m in self.members):
            raise ValueError("bagged classifiers were fitted on different class sets")
        self.decision_scale = None

    def predict_proba(self, X):
        return np.mean([m.predict_proba(X) for m in self.members], axis=0)


def _first_lead(rec) -> np.ndarray:
    """The record's MLII lead (its first lead without one), mV."""
    names = [str(n).upper() for n in rec.lead_names]
    return rec.signal[names.index("MLII") if "MLII" in names else 0]


def _add_context(table: dict, name: str, folder, nn: str = "off", morph: bool = False) -> dict:
    """The table with the rhythm context of its beats (``ctx``, not cached: RR only).

    The reference beat positions are read again (with the same filtering as
    :func:`_record_table`), so caches written before this feature stay usable. ``nn``
    (``--context-nn``): ``"rhythm"``, the neighbourhood statistics of the rhythm context are
    computed on the normal-to-normal rhythm, the beats whose QRS does not match the local
    dominant template of the first lead (:func:`geoecg.features.ectopy.ectopic_beats`,
    morphology only, no labels) being moved out of the way (``ectopic`` in the table);
    ``"all"``, the AF likeness (hence the AF gate) too; ``"off"``: neither.
    ``morph=True`` (``--morph-match``): ``morph``, each beat's QRS correlation with that
    local dominant template and its peak-to-peak amplitude ratio to it (both dimensionless;
    :func:`geoecg.features.ectopy.beat_morphology_match`).
    """
    from ..features.af import af_beat_labels
    from ..features.beat_context import af_context_features, rhythm_context_features
    from ..io import beat_annotations, read_mitdb

    rec = read_mitdb(name, folder)
    peaks = beat_annotations(rec.annotations)["sample"].to_numpy()
    peaks = peaks[(peaks >= 0) & (peaks < rec.signal.shape[1])]
    if peaks.size != table["y"].size:
        raise ValueError(f"record {name}: {peaks.size} beats, cached table has {table['y'].size}")
    if nn not in ("off", "rhythm", "all"):
        raise ValueError(f"context nn must be 'off', 'rhythm' or 'all', got {nn!r}")
    ect = None
    if nn != "off":
        from ..features.ectopy import ectopic_beats

        ect = ectopic_beats(_first_lead(rec), rec.fs, peaks)
    out = dict(table)
    out["af"] = af_beat_labels(rec.annotations, peaks, positive=("AFIB", "AFL"))
    out["ctx"] = rhythm_context_features(peaks, rec.fs, ectopic=ect).values
    out["ctx_af"] = af_context_features(peaks, rec.fs,
                                        ectopic=ect if nn == "all" else None).values
    if ect is not None:
        out["ectopic"] = ect
    if morph:
        from ..features.ectopy import beat_morphology_match

        out["morph"] = np.column_stack(beat_morphology_match(_first_lead(rec), rec.fs, peaks))
    return out


def _append_context(table: dict, af: bool = False, morph: bool = False) -> dict:
    """``--feature-set context``: the rhythm context appended to the reference features
    (``context-af``, ``af=True``: and the AF likeness of the rhythm around each beat;
    ``morph=True``, ``--morph-match``: and the match with the local dominant QRS)."""
    out = dict(table)
    out["X"] = np.hstack([table["X"], table["ctx"]] + ([table["ctx_af"]] if af else [])
                         + ([table["morph"]] if morph else []))
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


def add_context_arguments(p) -> None:
    """The ``--context-nn``, ``--morph-match``, ``--stack-folds``, ``--stack-s-only`` and
    ``--no-f-calls`` options of ``geoecg bench beats``."""
    p.add_argument("--context-nn", choices=("off", "rhythm", "all"), default="off",
                   help="rhythm context on the normal-to-normal rhythm (beats whose QRS does not "
                   "match the local dominant template left out): rhythm, or all (AF stats too)")
    p.add_argument("--morph-match", action="store_true", help="context feature sets: add "
                   "each beat's QRS correlation and amplitude ratio to the local dominant template")
    p.add_argument("--stack-folds", type=int, default=0, help="second stage on neighbouring "
                   "beats' out-of-fold probabilities, K inner folds of the training patients "
                   "(0: off; not used by intra)")
    p.add_argument("--stack-s-only", action="store_true",
                   help="the second stage decides only the beats that either stage calls S")
    p.add_argument("--no-f-calls", action="store_true",
                   help="never call a beat F (its F probability is left out of the arg-max): "
                   "inter-patient, F is one patient's class (373 of DS1's 415 F beats are in "
                   "record 208, 362 of DS2's 388 in 213), so F calls are mostly wrong and take "
                   "V beats with them; F is still scored")


def _settings_note(settings: dict) -> str:
    """Summary-line note of ``--context-nn``, ``--morph-match`` and ``--stack-folds``."""
    nn = settings.get("context_nn", "off")
    return ((f" (context on the NN rhythm: {nn})" if nn != "off" else "")
            + (" + QRS match" if settings.get("morph_match") else "")
            + (f"; stacked ({settings['stack_folds']} inner folds"
               f"{', S decisions only' if settings.get('stack_s_only') else ''})"
               if settings.get("stack_folds") else "")
            + ("; no F calls" if settings.get("no_f_calls") else ""))


#: Beat offsets whose first-stage probabilities the second stage sees (``--stack-folds``).
STACK_OFFSETS = (-2, -1, 1, 2)

#: Half-width (beats) of the window of mean first-stage probabilities (``--stack-folds``).
STACK_HALF = 8


def neighbour_proba_features(P) -> np.ndarray:
    """Second-stage features of each beat of one record from first-stage class probabilities.

    Parameters
    ----------
    P : array_like, shape (n_beats, n_classes)
        Class probabilities of the record's beats, in beat order.

    Returns
    -------
    ndarray, shape (n_beats, n_classes * (2 + len(STACK_OFFSETS)))
        The beat's own probabilities, those of the beats at :data:`STACK_OFFSETS` (NaN past
        the record ends) and their mean over the :data:`STACK_HALF` beats on either side,
        the beat itself left out (NaN without any); all dimensionless.
    """
    P = np.asarray(P, dtype=np.float64)
    if P.ndim != 2:
        raise ValueError(f"P must be 2-D (beats x classes), got shape {P.shape}")
    n, c = P.shape
    cols = [P]
    for o in STACK_OFFSETS:
        Q = np.full((n, c), np.nan)
        if abs(o) < n:
            if o > 0:
                Q[:-o] = P[o:]
            else:
                Q[-o:] = P[:o]
        cols.append(Q)
    cs = np.vstack([np.zeros((1, c)), np.cumsum(P, axis=0)])
    i = np.arange(n)
    lo, hi = np.clip(i - STACK_HALF, 0, n), np.clip(i + STACK_HALF + 1, 0, n)
    cnt = (hi - lo - 1)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        cols.append(np.where(cnt > 0, (cs[hi] - cs[lo] - P) / cnt, np.nan))
    return np.hstack(cols)


def _class_proba(clf, X, classes) -> np.ndarray:
    """``clf.predict_proba(X)`` with one column per entry of ``classes`` (0 where unseen)."""
    P = np.zeros((len(X), len(classes)))
    if len(X):
        Pc = clf.predict_proba(X)
        for j, c in enumerate(clf.classes_.tolist()):
            P[:, list(classes).index(c)] = Pc[:, j]
    return P


class _Stacked(_Composite):
    """Two-stage classifier of ``--stack-folds``: the second stage sees each beat's features and
    the first-stage probabilities of the beat and of its neighbours
    (:func:`neighbour_proba_features`); ``predict_proba``/``predict``/``set_params`` as one
    :class:`HeartbeatClassifier`. ``X`` must hold the beats of ONE record in beat order."""

    def __init__(self, first, second, classes, s_only=False):
        self.first, self.second, self.classes = first, second, list(classes)
        self.classes_ = second.classes_
        self.decision_scale = None
        self.s_only = bool(s_only)

    def _x2(self, X):
        return np.hstack([X, neighbour_proba_features(_class_proba(self.first, X, self.classes))])

    def predict_proba(self, X):
        """Second-stage probabilities; ``s_only``: those of the beats that either stage calls
        S, the first stage's (columns ``classes_``) elsewhere."""
        P2 = self.second.predict_proba(self._x2(X))
        if not self.s_only or "S" not in self.classes_.tolist():
            return P2
        P1 = _class_proba(self.first, X, self.classes_.tolist())
        s = self.classes_.tolist().index("S")
        use2 = (np.argmax(P1, axis=1) == s) | (np.argmax(P2, axis=1) == s)
        return np.where(use2[:, None], P2, P1)


def _stack_fit(args, fit, train_tables, train_groups, classes) -> _Stacked:
    """``--stack-folds K``: first stage ``fit(args, tables)`` on every training table; the
    second stage is fitted on the training tables' features plus the neighbour features of
    their OUT-OF-FOLD first-stage probabilities, from an inner CV over the TRAINING patients
    only (patients dealt round-robin into K folds); no test beat is used.
    ``args.stack_s_only`` (``--stack-s-only``): the second stage decides only the beats that
    either stage calls S (see :meth:`_Stacked.predict_proba`)."""
    ug = list(dict.fromkeys(np.asarray(train_groups).tolist()))
    k = min(int(args.stack_folds), len(ug))
    if k < 2:
        raise ValueError(f"--stack-folds needs >= 2 folds and training patients, got {k}")
    oof = [None] * len(train_tables)
    for f in range(k):
        held = set(ug[f::k])
        inner = fit(args, [t for t, g in zip(train_tables, train_groups, strict=True)
                           if g not in held], star=0)
        for i, g in enumerate(train_groups):
            if g in held:
                oof[i] = _class_proba(inner, train_tables[i]["X"], classes)
    second = fit(args, [dict(t, X=np.hstack([t["X"], neighbour_proba_features(P)]))
                        for t, P in zip(train_tables, oof, strict=True)])
    return _Stacked(fit(args, train_tables), second, classes,
                    s_only=getattr(args, "stack_s_only", False))


def _table(rep) -> list[str]:
    """Lines of the per-class table, EC57 gross statistics and confusion matrix of a
    :func:`~geoecg.bench.beats.aami_report`."""
    lines = [f"  {'class':<6} {'n':>7} {'Se %':>7} {'+P %':>7} {'F1 %':>7}"]
    for c, m in rep["classes"].items():
        lines.append(f"  {c:<6} {m['n']:>7} {m['se']:>7.1f} {m['ppv']:>7.1f} {m['f1']:>7.1f}")
    lines.append(
        f"  accuracy {rep['accuracy']:.2f} %   kappa {rep['kappa']:.3f}   "
        f"j-index (S,V Se+P) {rep['j_index']:.3f}/4   jk-index {rep['jkappa']:.3f}"
    )
    if "ec57" in rep:
        lines.append(
            "  EC57 gross (bxb: F/Q beats called V are not VEB false positives): "
            + ", ".join(
                f"{'VEB' if c == 'V' else 'SVEB'} Se {m['se']:.1f} +P {m['ppv']:.1f} "
                f"F1 {m['f1']:.1f}"
                for c, m in rep["ec57"].items()
            )
        )
    lines.append("  confusion (rows reference, columns predicted): " + " ".join(rep["labels"]))
    for c, row in zip(rep["labels"], rep["confusion"], strict=True):
        lines.append(f"    {c} " + " ".join(f"{v:>6}" for v in row))
    return lines
