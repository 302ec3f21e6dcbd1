"""Issue 18, session 4: the registered attempts at a better base model of the prior-shift protocol.

Usage: ``python simulations/af_prior_shift_s4.py SEEDS OUT_PREFIX [N_TREES_SCALE]`` (SEEDS
comma-separated) with ``X.npy`` / ``y.npy`` (the 193-column
:func:`geoecg.features.af.af_feature_matrix` of the shared CinC folder and its labels) in
``$AF_MATRIX_DIR`` (default ``.afdev``); writes ``OUT_PREFIX_SEED.json`` per seed.

Per seed, the split of :func:`~geoecg.estimators.af.prior_shift_protocol` (balanced training
part, 340-record test part at the CinC 2017 prior) and five candidates, each scored on the
training part only (inner score: :func:`~geoecg.estimators.af.target_weighted_score`, the
out-of-fold mean N/A/O F1 weighted to the EM prior of the unlabelled test part):

- ``rhythm``: today's base model (193 columns, xgboost depth 4, learning rate 0.05, 200 trees);
- ``d6``, ``d3-lr0.1-n300``: the capacity grid (depth 6; depth 3, learning rate 0.1, 300 trees);
- ``self-train``: :class:`SelfTrained` around today's base model: each fit (every
  out-of-fold fit too) fits the base model, corrects its test-part probabilities to the EM
  prior of ``rhythm``, and refits with the test records whose corrected probability is
  >= 0.9 added under their pseudo-label at weight 0.5;
- ``tw-calib``: today's base model with its calibration map refitted on the out-of-fold
  probabilities with each record weighted (EM prior / training prior) of its class (a
  logistic map on the calibrated log-probabilities; used without a further prior correction).

The registered pipeline takes the candidate with the best inner score per seed.
"""

import argparse
import hashlib
import time

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from geoecg.commands.bench_io import dump_json, env_folder, output_file
from geoecg.estimators import PriorShiftClassifier
from geoecg.estimators.af import CinC2017Classifier
from geoecg.estimators.af.protocols import (
    CLASSES,
    DEFAULT_TARGET_PRIORS,
    adaptation_report,
    record_scores,
    target_weighted_score,
)
from geoecg.estimators.prior_estimation import prior_correct
from geoecg.evaluation.prior_shift import prior_shift_split

GRID = {
    "rhythm": dict(max_depth=4, learning_rate=0.05, n_estimators=200),
    "d6": dict(max_depth=6, learning_rate=0.05, n_estimators=200),
    "d3-lr0.1-n300": dict(max_depth=3, learning_rate=0.1, n_estimators=300),
}
THRESHOLD, WEIGHT = 0.9, 0.5
_FITS = {}


class _Memo(CinC2017Classifier):
    """CinC2017Classifier whose fits are memoised in this process (same data, same params:
    xgboost is deterministic), so the self-training candidate reuses the fold fits of
    ``rhythm`` instead of repeating them."""

    def fit(self, X, y, X_crops=None, y_crops=None):
        if X_crops is not None:
            return super().fit(X, y, X_crops, y_crops)
        X, y = np.ascontiguousarray(X, dtype=np.float64), np.asarray(y).astype(str)
        key = (hashlib.sha1(X.tobytes() + y.tobytes()).hexdigest(), repr(self.get_params()))
        if key not in _FITS:
            _FITS[key] = super().fit(X, y).__dict__.copy()
        self.__dict__.update(_FITS[key])
        return self


class SelfTrained(ClassifierMixin, BaseEstimator):
    """Base model refitted with confidently pseudo-labelled target records (dev only)."""

    def __init__(
        self, estimator=None, X_target=None, target_priors=None, threshold=0.9, weight=0.5
    ):
        self.estimator = estimator
        self.X_target = X_target
        self.target_priors = target_priors
        self.threshold = threshold
        self.weight = weight

    def fit(self, X, y):
        base = clone(self.estimator).fit(X, y)
        P = prior_correct(
            base.predict_proba_uncorrected(self.X_target), base.train_priors_, self.target_priors
        )
        keep = P.max(axis=1) >= self.threshold
        yp = base.classes_[P[keep].argmax(axis=1)]
        est = clone(self.estimator).set_params(crop_weight=self.weight)
        self.model_ = est.fit(X, y, X_crops=self.X_target[keep], y_crops=yp)
        self.classes_ = self.model_.classes_
        self.pseudo_counts_ = {str(c): int((yp == c).sum()) for c in self.classes_}
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba_uncorrected(X)


def _adapter(est, seed):
    return PriorShiftClassifier(est, cv=5, n_bootstrap=0, random_state=seed)


def _tw_calib(adapter, X_te, y_te):
    """Calibration map refitted on target-prior-weighted OOF probabilities."""
    s, t, yi = adapter.source_priors_, adapter.target_priors_, adapter.oof_labels_
    w = (t / s)[yi]
    Z = np.log(np.clip(adapter.oof_proba_, 1e-6, 1.0))
    lr = LogisticRegression(C=1.0, max_iter=2000).fit(Z, yi, sample_weight=w)
    c = adapter.classes_
    inner = 100.0 * f1_score(
        c[yi],
        c[lr.predict(Z)],
        labels=["N", "A", "O"],
        average="macro",
        sample_weight=w,
        zero_division=0,
    )
    Q = lr.predict_proba(np.log(np.clip(adapter.calibrated_proba(X_te), 1e-6, 1.0)))
    return float(inner), {"rows": {"em": record_scores(y_te, c[Q.argmax(axis=1)])}}


def run_seed(X, y, seed, scale=1.0):
    tr, te = prior_shift_split(y, DEFAULT_TARGET_PRIORS, 340, random_state=seed)
    Xtr, ytr, Xte, yte = X[tr], y[tr], X[te], y[te]
    reps, inner, times = {}, {}, {}

    def clf(**kw):
        kw["n_estimators"] = max(1, int(kw.get("n_estimators", 200) * scale))
        return _Memo(random_state=seed, n_jobs=1, binary_weight=0.0, **kw)

    base = None
    for name, kw in GRID.items():
        t0 = time.perf_counter()
        a = _adapter(clf(**kw), seed).fit(Xtr, ytr).adapt(Xte)
        inner[name], reps[name] = target_weighted_score(a), adaptation_report(a, Xte, yte)
        times[name] = time.perf_counter() - t0
        base = a if name == "rhythm" else base
        print(seed, name, round(inner[name], 2), round(times[name]), flush=True)
    t0 = time.perf_counter()
    inner["tw-calib"], reps["tw-calib"] = _tw_calib(base, Xte, yte)
    times["tw-calib"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    st = SelfTrained(clf(**GRID["rhythm"]), Xte, base.target_priors_, THRESHOLD, WEIGHT)
    a = _adapter(st, seed).fit(Xtr, ytr).adapt(Xte)
    inner["self-train"], reps["self-train"] = (
        target_weighted_score(a),
        adaptation_report(a, Xte, yte),
    )
    reps["self-train"]["pseudo_counts"] = a.estimator_.pseudo_counts_
    times["self-train"] = time.perf_counter() - t0
    chosen = max(inner, key=inner.get)
    return {
        "seed": seed,
        "chosen": chosen,
        "inner_scores": inner,
        "times_s": times,
        "reports": reps,
        "classes": list(CLASSES),
        "em_prior_rhythm": base.target_priors_.tolist(),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="X.npy and y.npy are read from $AF_MATRIX_DIR (default .afdev). One line is "
        "printed per candidate as it finishes, and each seed's JSON is written when it ends.",
    )
    ap.add_argument("seeds", help="comma-separated seeds, e.g. 0,1,2")
    ap.add_argument("prefix", help="output prefix: OUT_PREFIX_SEED.json per seed")
    ap.add_argument(
        "scale",
        type=float,
        nargs="?",
        default=1.0,
        help="multiplies every candidate's number of trees (default 1.0)",
    )
    args = ap.parse_args(argv)
    d = env_folder(ap, "AF_MATRIX_DIR", ".afdev", ("X.npy", "y.npy"), "the AF feature matrix")
    seeds = [int(s) for s in args.seeds.split(",")]
    prefix, scale = args.prefix, args.scale
    try:  # each seed's file is written as the seed ends: a bad prefix is refused now
        output_file(f"{prefix}_{seeds[0]}.json")
    except argparse.ArgumentTypeError as e:
        ap.error(f"argument prefix: {e}")
    X, y = np.load(f"{d}/X.npy"), np.load(f"{d}/y.npy").astype(str)
    for seed in seeds:
        r = run_seed(X, y, seed, scale)
        dump_json(f"{prefix}_{seed}.json", r, indent=None, default=float)  # atomic
        em = {
            k: (v["rows"]["em"]["f1"]["A"], v["rows"]["em"]["f1_mean_NAO"])
            for k, v in r["reports"].items()
        }
        print(seed, "chosen", r["chosen"], r["inner_scores"], em, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
