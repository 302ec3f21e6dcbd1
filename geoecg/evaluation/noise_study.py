"""Noise detection scored within and across datasets (the protocol of ``geoecg bench noise``).

(a) Record-wise (patient-grouped) K-fold CV on noise-stress mixtures: training mixtures and
test mixtures come from different halves of each noise record, so train and test share
neither patients nor noise samples. (b) Across datasets: trained on every mixture, tested on
a second dataset whose windows inherit their record's label, once on every window and once on
the noisiest window of each noisy record; and the reverse (trained on the second dataset,
tested on the mixtures), also after keeping only the noisiest window of each noisy record
(multiple-instance reading of record labels, selected by out-of-fold scores).

The model comes from a factory (``make_model(feature_set) -> classifier``), so this module
imports no model family: geoecg's :class:`~geoecg.features.NoiseDetector` is what the
benchmark passes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import GroupKFold

__all__ = [
    "NOISE_KINDS",
    "binary_scores",
    "format_noise_study",
    "noise_study",
    "noisiest_window_mask",
]

#: NSTDB noise kinds: baseline wander, muscle artefact, electrode motion.
NOISE_KINDS = ("bw", "ma", "em")


def binary_scores(y, p, threshold: float = 0.5) -> dict:
    """Accuracy (%) at ``threshold``, AUROC, AUPRC and prevalence of scores ``p``.

    AUROC and AUPRC are None where ``y`` holds one class (undefined).

    Parameters
    ----------
    y : array_like of int
        True labels, 1 = noisy.
    p : array_like of float
        Scores, P(noisy).
    threshold : float, default 0.5
        A score >= ``threshold`` is called noisy.

    Returns
    -------
    dict
        ``n`` (scores), ``accuracy`` (%), ``auroc`` and ``auprc`` (fractions, or None)
        and ``prevalence`` (fraction of ``y`` that is 1).

    Raises
    ------
    ValueError
        If ``y`` and ``p`` differ in length.

    Examples
    --------
    >>> s = binary_scores([0, 0, 1, 1], [0.1, 0.6, 0.7, 0.9])
    >>> s["accuracy"], s["auroc"], s["prevalence"]
    (75.0, 1.0, 0.5)
    """
    y = np.asarray(y).ravel()
    p = np.asarray(p, dtype=float).ravel()
    if y.shape != p.shape:
        raise ValueError(f"y and p must have the same length, got {y.size} and {p.size}")
    two = np.unique(y).size == 2
    return {
        "n": int(y.size),
        "accuracy": float(100 * np.mean((p >= threshold) == (y == 1))),
        "auroc": float(roc_auc_score(y, p)) if two else None,
        "auprc": float(average_precision_score(y, p)) if two else None,
        "prevalence": float(np.mean(y == 1)),
    }


def noisiest_window_mask(scores, y, record) -> np.ndarray:
    """Mask keeping every clean window and the highest-scored window of each noisy record.

    Record labels (CinC 2017 ``~``) say that a record is noisy somewhere, not that every
    window of it is; this keeps, for each noisy record, the window with the highest score.

    Parameters
    ----------
    scores : array_like of float, shape (n_windows,)
        Noise scores, out of fold (e.g. from a record-wise cross-validation), so that a
        window is not scored by a model that saw it.
    y : array_like of int, shape (n_windows,)
        Record label inherited by each window (1 noisy, 0 clean).
    record : array_like, shape (n_windows,)
        Record of each window.

    Returns
    -------
    ndarray of bool, shape (n_windows,)

    Examples
    --------
    >>> noisiest_window_mask([0.1, 0.9, 0.3, 0.2], [1, 1, 0, 0], ["a", "a", "b", "b"])
    array([False,  True,  True,  True])
    """
    scores = np.asarray(scores, dtype=float)
    y, record = np.asarray(y), np.asarray(record)
    if not scores.shape == y.shape == record.shape or scores.ndim != 1:
        raise ValueError(
            f"scores, y and record must be 1-D of one length, got {scores.shape}, {y.shape}, "
            f"{record.shape}"
        )
    if np.isnan(scores).any():
        raise ValueError("scores contain NaN; give every window a score")
    keep = y == 0
    for r in np.unique(record[y == 1]):
        rows = np.flatnonzero((record == r) & (y == 1))
        keep[rows[np.argmax(scores[rows])]] = True
    return keep


def _print_now(line: str) -> None:
    print(line, flush=True)


def noise_study(
    make_model: Callable,
    train,
    test,
    other,
    *,
    features: dict,
    groups: dict,
    feature_sets: Sequence[str] = ("all",),
    n_folds: int = 5,
    names: tuple[str, str] = ("mitdb+nstdb", "cinc2017"),
    log: Callable | None = _print_now,
    on_fold: Callable | None = None,
    done_folds: dict | None = None,
    progress: bool | None = False,
) -> dict:
    """Run the within- and across-dataset noise detection protocol.

    Parameters
    ----------
    make_model : callable
        ``make_model(feature_set)`` returns an unfitted binary classifier with
        ``predict_proba`` (1 = noisy).
    train, test : windows
        Noise-stress mixtures (attributes ``y``, ``record``, ``noise`` in
        ``{"none", "bw", "ma", "em"}`` and ``snr_db``, NaN for clean windows), e.g.
        :func:`geoecg.datasets.noise_training.mitdb_noise_windows` of the first and the second
        half of the noise records.
    other : windows
        A second dataset (attributes ``y``, ``record``), e.g. CinC 2017 windows.
    features : dict
        ``{"train": F, "test": F, "other": F}``, feature matrices of the three window sets.
    groups : dict
        Record -> patient, for the record-wise folds on the mixtures.
    feature_sets : sequence of str
        Every row is run for each (passed to ``make_model``).
    n_folds : int
    names : (str, str)
        Names of the mixtures and of the second dataset in the ``train``/``test`` columns.
    log : callable or None
        Progress lines (default: printed, flushed at once; None: none).
    on_fold : callable, optional
        ``on_fold(feature_set, part)`` after each finished feature set, ``part`` being its
        share of the result (``pairs``, ``reverse_per_noise`` and, for the first set,
        ``per_noise`` and ``snr_curve``), e.g. to save it
        (``geoecg.commands.bench_io.FoldLog`` rewrites ``--json`` with it).
    done_folds : dict, optional
        ``feature_set -> part`` as passed to ``on_fold`` by an earlier run with the same
        windows and settings: those sets are not fitted again (JSON's null read back as
        NaN); the result equals an uninterrupted run.
    progress : bool, default False
        A tqdm bar of the feature sets on stderr (None: only when stderr is a terminal).

    Returns
    -------
    dict
        ``pairs`` (one row per feature set x train x test with :func:`binary_scores`),
        ``per_noise`` (CV scores per noise type, first feature set), ``snr_curve`` (AUPRC of
        the mixtures at each SNR against the clean windows, first feature set) and
        ``reverse_per_noise`` (trained on ``other``, scored per noise type).
    """
    F_tr, F_te, F_cc = features["train"], features["test"], features["other"]
    g_tr = np.array([groups[r] for r in train.record])
    g_te = np.array([groups[r] for r in test.record])
    ug = np.unique(g_tr)
    F_all, y_all = np.vstack([F_tr, F_te]), np.concatenate([train.y, test.y])
    rec_names = np.unique(other.record)
    rec_y = np.array([other.y[other.record == r][0] for r in rec_names])
    mix, oth = names
    pairs, per_noise, snr_curve, reverse = [], {}, {}, {}
    from .._progress import progress_bar

    for k, feats in enumerate(progress_bar(feature_sets, desc="feature sets", progress=progress)):
        if feats in (done_folds or {}):
            part = _nan_for_null(done_folds[feats])
            pairs += part["pairs"]
            reverse[feats] = part["reverse_per_noise"]
            if k == 0:
                per_noise, snr_curve = part["per_noise"], part["snr_curve"]
            continue
        n_pairs = len(pairs)
        oof = np.full(test.y.size, np.nan)
        for i, (_, test_g) in enumerate(GroupKFold(n_splits=n_folds).split(ug, groups=ug)):
            fit_rows, eval_rows = ~np.isin(g_tr, ug[test_g]), np.isin(g_te, ug[test_g])
            det = make_model(feats).fit(F_tr[fit_rows], train.y[fit_rows])
            oof[eval_rows] = det.predict_proba(F_te[eval_rows])[:, 1]
            if log is not None:
                log(f"  {feats} fold {i + 1}/{n_folds}: {eval_rows.sum()} test windows")
        row = {"features": feats, "train": mix}
        pairs.append({**row, "test": f"{mix} (record-wise CV)", **binary_scores(test.y, oof)})
        if k == 0:
            for kind in NOISE_KINDS:
                rows = (test.noise == kind) | (test.noise == "none")
                per_noise[kind] = binary_scores(test.y[rows], oof[rows])
            for snr in sorted(np.unique(test.snr_db[np.isfinite(test.snr_db)]), reverse=True):
                rows = (test.noise == "none") | (test.snr_db == snr)
                y = (test.snr_db[rows] == snr).astype(int)
                snr_curve[f"{snr:g}"] = binary_scores(y, oof[rows])["auprc"]
        p_cc = make_model(feats).fit(F_all, y_all).predict_proba(F_cc)[:, 1]
        pairs.append({**row, "test": oth, **binary_scores(other.y, p_cc)})
        rec_score = np.array([p_cc[other.record == r].max() for r in rec_names])
        pairs.append({**row, "test": f"{oth} (per record, max window)",
                      **binary_scores(rec_y, rec_score)})  # fmt: skip
        p_te = make_model(feats).fit(F_cc, other.y).predict_proba(F_te)[:, 1]
        row = {"features": feats, "train": oth}
        pairs.append({**row, "test": mix, **binary_scores(test.y, p_te)})
        oof_cc = np.full(other.y.size, np.nan)
        for a, b in GroupKFold(n_splits=n_folds).split(F_cc, other.y, other.record):
            oof_cc[b] = make_model(feats).fit(F_cc[a], other.y[a]).predict_proba(F_cc[b])[:, 1]
        mil = noisiest_window_mask(oof_cc, other.y, other.record)
        p_mil = make_model(feats).fit(F_cc[mil], other.y[mil]).predict_proba(F_te)[:, 1]
        pairs.append({**row, "train": f"{oth} (noisiest ~ window)", "test": mix,
                      **binary_scores(test.y, p_mil)})  # fmt: skip
        reverse[feats] = {}
        for kind in NOISE_KINDS:
            rows = (test.noise == kind) | (test.noise == "none")
            reverse[feats][kind] = binary_scores(test.y[rows], p_te[rows])
        if on_fold is not None:
            part = {"pairs": pairs[n_pairs:], "reverse_per_noise": reverse[feats]}
            on_fold(
                feats,
                {**part, **({"per_noise": per_noise, "snr_curve": snr_curve} if k == 0 else {})},
            )
    return {"pairs": pairs, "snr_curve": snr_curve, "per_noise": per_noise,
            "reverse_per_noise": reverse}  # fmt: skip


def _nan_for_null(v):
    """A stored part (JSON) with null read back as NaN (the scores are numbers)."""
    if isinstance(v, dict):
        return {k: _nan_for_null(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_nan_for_null(x) for x in v]
    return float("nan") if v is None else v


def format_noise_study(res: dict, window_s: float) -> str:
    """The tables of a :func:`noise_study` result (``geoecg bench noise``): every train/test
    pair, then per noise kind, then the AUPRC at each SNR.

    Parameters
    ----------
    res : dict
        The result of :func:`noise_study`.
    window_s : float
        Window length of the study, s (printed in the heading).

    Returns
    -------
    str
        The tables, several lines.
    """
    import pandas as pd

    per = [
        {"trained on": "mitdb+nstdb (CV)", "features": "all", "noise": k, **m}
        for k, m in res["per_noise"].items()
    ]
    per += [{"trained on": "cinc2017", "features": f, "noise": k, **m}
            for f, d in res["reverse_per_noise"].items() for k, m in d.items()]  # fmt: skip
    out = [
        f"geoecg bench noise: {window_s:g}-s windows, NoiseDetector (monotonic) on every HRV + "
        "SQI + noise-level feature (all) and on the 9 with a physical direction (physical)"
    ]
    out += [pd.DataFrame(rows).to_string(index=False, float_format="{:.3f}".format, na_rep="n/a")
            for rows in (res["pairs"], per)]  # fmt: skip
    out.append(
        "AUPRC of mixtures at each SNR vs clean windows: "
        + ", ".join(f"{k} dB {v:.3f}" for k, v in res["snr_curve"].items())
    )
    return "\n".join(out)
