"""Prevalence-shift (label-shift) study: prior estimators against no adaptation and the oracle.

For each replicate seed, one :class:`~geoecg.estimators.PriorShiftClassifier` is fitted on a
class-balanced source sample; target samples are then drawn at every AF prior of the grid
by resampling held-out records per class (so ``p(x | y)`` is the source's, exactly the
label-shift assumption) and scored with the training prior (``none``), the true prior
(``oracle``) and the priors estimated by ``em``, ``bbse`` and ``rlls``. Two sources:

* ``simulator``: the anticausal SCM (:class:`~geoecg.simulate.AnticausalSCM`, biomarkers X
  caused by the binary outcome; 1 plays AF), a logistic regression as the base model;
* ``cinc2017``: record features of a CinC 2017 folder (N / A / O / ~; the non-AF classes
  keep the ratios of ``other_priors``), :class:`~geoecg.estimators.CinC2017Classifier`.

Rows are stored like a sweep's (:class:`~geoecg.sweep.ResultStore`, one part per
``(source, seed)`` task, resumable). Configuration (TOML or dict)::

    [study]   name, seed (base entropy)
    [grid]    af_prior (list of floats in (0, 1)), seed (count or list), n_target (list)
    [simulator] n_source_per_class, n_pool, effect_y (AnticausalSCM disease signature)
    [cinc]    n_source_per_class, n_estimators, other_priors = {N, O, "~"}
"""

from __future__ import annotations

import hashlib
import json
import zlib
from pathlib import Path

import numpy as np

from .._atomic import write_text_atomic
from .store import ResultStore, load_results

__all__ = [
    "LABEL_SHIFT_METHODS",
    "load_label_shift_config",
    "run_label_shift_study",
    "oracle_gain_recovered",
]

#: Rows of every cell: no adaptation, the true prior, and the three estimators.
LABEL_SHIFT_METHODS = ("none", "oracle", "em", "bbse", "rlls")
_KEYS = {
    "study": {"name", "seed"},
    "grid": {"af_prior", "seed", "n_target"},
    "simulator": {"n_source_per_class", "n_pool", "effect_y"},
    "cinc": {"n_source_per_class", "n_estimators", "other_priors"},
}


def load_label_shift_config(source) -> dict:
    """Parse and validate a label-shift study configuration (path or dict).

    Parameters
    ----------
    source : dict or path-like
        The configuration, or a TOML file holding it (sections and keys: the module
        docstring).

    Returns
    -------
    dict
        The validated configuration, defaults filled in.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        For an unknown section or key, or ``grid.af_prior`` not a non-empty list of
        priors in (0, 1).
    """
    if isinstance(source, dict):
        raw = json.loads(json.dumps(source))
    else:
        from .config import _read_toml

        path = Path(source)
        if not path.is_file():
            raise FileNotFoundError(f"label-shift config {path} does not exist")
        raw = _read_toml(path, "label-shift config")
    for sec, tab in raw.items():
        if sec not in _KEYS:
            raise ValueError(f"unknown section [{sec}]; allowed: {sorted(_KEYS)}")
        bad = set(tab) - _KEYS[sec]
        if bad:
            raise ValueError(f"unknown keys {sorted(bad)} in [{sec}]; valid: {sorted(_KEYS[sec])}")
    g = raw.get("grid", {})
    pri = [float(p) for p in g.get("af_prior", [])]
    if not pri or any(not 0.0 < p < 1.0 for p in pri):
        raise ValueError(f"grid.af_prior must be a non-empty list in (0, 1), got {pri}")
    seeds = g.get("seed", 3)
    seeds = list(range(int(seeds))) if isinstance(seeds, int) else [int(s) for s in seeds]
    raw["grid"] = {
        "af_prior": pri,
        "seed": seeds,
        "n_target": [int(n) for n in g.get("n_target", [1000])],
    }
    raw.setdefault("study", {}).setdefault("name", "label_shift")
    return raw


def _rows(model, Xpool, ypool, pos, priors_fn, cfg, source, seed, rng):
    from sklearn.metrics import f1_score

    from ..estimators import prior_correct
    from ..evaluation.prior_shift import resample_to_prior

    classes = model.classes_
    Qpool = model.calibrated_proba(Xpool)
    s = model.source_priors_
    out = []
    for n_t in cfg["grid"]["n_target"]:
        for p in cfg["grid"]["af_prior"]:
            t = priors_fn(p)
            idx = resample_to_prior(ypool, t, n_t, random_state=rng)
            Q, yt = Qpool[idx], ypool[idx]
            truth = np.array([(yt == c).mean() for c in classes])
            for m in LABEL_SHIFT_METHODS:
                if m == "none":
                    est = s
                elif m == "oracle":
                    est = truth
                else:
                    est = model._estimate_from_proba(Q, m).priors
                pred = classes[prior_correct(Q, s, est).argmax(1)]
                f1 = 100 * f1_score(yt, pred, labels=classes, average=None, zero_division=0.0)
                ipos = int(np.flatnonzero(classes == pos)[0])
                main = [i for i, c in enumerate(classes) if c != "~"]
                out.append(
                    {
                        "study": cfg["study"]["name"],
                        "source": source,
                        "method": m,
                        "af_prior": float(p),
                        "seed": int(seed),
                        "n_target": int(n_t),
                        "cell_id": f"{source}|{m}|p={p!r}|seed={seed}|n={n_t}",
                        "true_af_prior": float(truth[ipos]),
                        "est_af_prior": float(est[ipos]),
                        "af_prior_error": float(abs(est[ipos] - truth[ipos])),
                        "max_abs_prior_error": float(np.max(np.abs(est - truth))),
                        "f1_af": float(f1[ipos]),
                        "f1_mean": float(np.mean(f1[main])),
                    }
                )
    return out


def _simulator_task(cfg, seed, rng):
    from sklearn.linear_model import LogisticRegression

    from ..estimators import PriorShiftClassifier
    from ..simulate import AnticausalSCM, Environment

    sc = cfg.get("simulator", {})
    k = int(sc.get("n_source_per_class", 1000))
    n_pool = int(sc.get("n_pool", 20000))
    scm = AnticausalSCM(**({"effect_y": float(sc["effect_y"])} if "effect_y" in sc else {}))
    smp = scm.sample(n_pool + 4 * k, Environment(), random_state=rng)
    X, y = smp.X, smp.y.astype(int)
    i0, i1 = (rng.permutation(np.flatnonzero(y == c)) for c in (0, 1))
    if min(i0.size, i1.size) <= k:
        raise ValueError(f"simulator gave too few records of a class for {k} per class")
    tr = np.r_[i0[:k], i1[:k]]
    pool = np.r_[i0[k:], i1[k:]]
    model = PriorShiftClassifier(
        LogisticRegression(max_iter=1000), n_bootstrap=0, random_state=int(seed)
    ).fit(X[tr], y[tr])
    return _rows(
        model, X[pool], y[pool], 1, lambda p: {0: 1 - p, 1: p}, cfg, "simulator", seed, rng
    )


def _cinc_task(cfg, seed, rng, X, y):
    from ..estimators import CinC2017Classifier, PriorShiftClassifier

    cc = cfg.get("cinc", {})
    k = int(cc.get("n_source_per_class", 150))
    other = {
        str(c): float(v)
        for c, v in cc.get("other_priors", {"N": 0.595, "O": 0.283, "~": 0.033}).items()
    }
    tot = sum(other.values())
    tr, pool = [], []
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        if idx.size <= k:
            raise ValueError(f"class {c!r} has {idx.size} records, need more than {k}")
        tr.append(idx[:k])
        pool.append(idx[k:])
    tr, pool = np.concatenate(tr), np.concatenate(pool)
    base = CinC2017Classifier(
        n_estimators=int(cc.get("n_estimators", 200)), random_state=int(seed), n_jobs=1
    )
    model = PriorShiftClassifier(base, n_bootstrap=0, random_state=int(seed)).fit(X[tr], y[tr])

    def priors(p):
        return {"A": p, **{c: (1 - p) * v / tot for c, v in other.items()}}

    return _rows(model, X[pool], y[pool], "A", priors, cfg, "cinc2017", seed, rng)


def run_label_shift_study(
    config, out, *, sources=("simulator",), cinc_features=None, progress: bool | None = None
):
    """Run (or resume) the study; returns every stored row (DataFrame).

    Parameters
    ----------
    config : dict or path
        See the module docstring.
    out : path-like
        Output folder (``out/results/part-*.parquet``, ``out/config.json``).
    sources : tuple of {"simulator", "cinc2017"}
        Where the records come from: the anticausal simulator, CinC 2017 record features
        resampled to each prior, or both.
    cinc_features : (X, y), optional
        Record features and labels of a CinC 2017 folder; required for ``"cinc2017"``.
    progress : bool or None, default None
        A tqdm bar of the (source, seed) tasks on stderr; ``None``: only when stderr is a
        terminal (:func:`geoecg._progress.progress_bar`).

    Returns
    -------
    pandas.DataFrame
        One row per source, prior, seed and estimator (the stored rows, those of earlier
        runs of the same ``out`` included).

    Raises
    ------
    ValueError
        If ``sources`` names something else, or ``"cinc2017"`` comes without
        ``cinc_features``.
    """
    from .._progress import progress_bar

    cfg = load_label_shift_config(config)
    bad = set(sources) - {"simulator", "cinc2017"}
    if bad:
        raise ValueError(f"sources must be 'simulator' and/or 'cinc2017', got {sorted(bad)}")
    if "cinc2017" in sources and cinc_features is None:
        raise ValueError("source 'cinc2017' needs cinc_features=(X, y)")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(cfg, indent=2, sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    store = ResultStore(out)
    done = store.done(digest)  # refuses a folder of another configuration, before writing
    write_text_atomic(out / "config.json", text)
    base = int(cfg["study"].get("seed", 0))
    tasks = [(s, seed) for s in sources for seed in cfg["grid"]["seed"]]
    for src, seed in progress_bar(tasks, desc=cfg["study"]["name"], progress=progress):
        key = f"{src}_seed{seed}"
        if any(c.startswith(f"{src}|") and f"|seed={seed}|" in c for c in done):
            continue
        rng = np.random.default_rng([base, int(seed), zlib.crc32(src.encode())])
        if src == "simulator":
            rows = _simulator_task(cfg, seed, rng)
        else:
            rows = _cinc_task(cfg, seed, rng, *cinc_features)
        store.write(key, [{**r, "config_digest": digest} for r in rows])
    return load_results_any(out)


def load_results_any(out):
    """Stored rows of a label-shift study folder (sorted)."""
    df = ResultStore(out).load()
    if df.empty:
        return load_results(out)  # raises FileNotFoundError with the folder
    return df.sort_values(["source", "method", "af_prior", "seed"]).reset_index(drop=True)


def oracle_gain_recovered(df, metric: str = "f1_af"):
    """Per source, prior and estimator: ``(F1 - F1_none) / (F1_oracle - F1_none)``.

    Means over seeds are taken first (ratio of means); NaN where the oracle gains less than
    0.5 F1 points over no adaptation (nothing to recover).

    Parameters
    ----------
    df : pandas.DataFrame
        Rows of :func:`run_label_shift_study` (columns ``source``, ``af_prior``,
        ``method`` and ``metric``).
    metric : str, default "f1_af"
        Column to compare (F1 in percent).

    Returns
    -------
    pandas.DataFrame
        Index (source, af_prior), columns ``em``, ``bbse``, ``rlls``: the share of the
        oracle's gain each estimator recovers (1 = all of it).
    """
    import pandas as pd

    m = df.groupby(["source", "af_prior", "method"])[metric].mean().unstack("method")
    gain = m["oracle"] - m["none"]
    res = {k: (m[k] - m["none"]) / gain.where(gain.abs() >= 0.5) for k in ("em", "bbse", "rlls")}
    return pd.DataFrame(res)
