"""AAMI EC57 beat-class report: per-class Se, +P and F1, accuracy, kappa, j- and jk-index."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .ec57 import ec57_gross
from .tables import class_table_from_confusion

__all__ = [
    "AAMI_REPORT_CLASSES",
    "aami_report",
    "aami_table",
    "per_record_counts",
    "sv_f1_score",
]

#: Classes of :func:`aami_report` (ANSI/AAMI EC57).
AAMI_REPORT_CLASSES = ("N", "S", "V", "F", "Q")


def aami_report(y_true, y_pred, classes=AAMI_REPORT_CLASSES) -> dict:
    """Per-class Se/+P/F1 (%), accuracy (%), kappa, j-index and jk-index, confusion.

    The j-index is ``Se_S + P_S + Se_V + P_V`` (fractions, 0..4, Mar et al. 2011); the
    jk-index ``kappa / 2 + j / 8`` (0..1, Mondejar-Guerra et al. 2019) is the "jkappa" field.
    Confusion rows are the reference classes, columns the predictions. ``ec57``: the EC57
    gross VEB/SVEB statistics (:func:`geoecg.evaluation.ec57_gross`; F and Q beats called V
    are not VEB false positives there, unlike in ``classes``).

    Parameters
    ----------
    y_true, y_pred : array_like of str
        Reference and predicted classes of the same beats.
    classes : sequence of str, default AAMI_REPORT_CLASSES
        Classes reported, in this order (N, S, V, F, Q).

    Returns
    -------
    dict
        ``classes`` (per class ``se``, ``ppv``, ``f1`` in %, ``n``, ``n_pred``),
        ``accuracy`` (%), ``kappa``, ``j_index``, ``jkappa``, ``confusion``, ``labels`` and
        ``ec57``: the fields of the ``--json`` of ``geoecg bench beats``.

    Examples
    --------
    >>> r = aami_report(["N", "N", "S", "V"], ["N", "S", "S", "V"])
    >>> float(r["classes"]["S"]["ppv"]), float(r["classes"]["V"]["f1"])
    (50.0, 100.0)
    """
    idx = {c: i for i, c in enumerate(classes)}
    yt = np.asarray([idx[c] for c in np.asarray(y_true).tolist()], dtype=np.int64)
    yp = np.asarray([idx[c] for c in np.asarray(y_pred).tolist()], dtype=np.int64)
    k = len(classes)
    cm = np.bincount(yt * k + yp, minlength=k * k).reshape(k, k)
    n = cm.sum()
    out = {}
    for i, c in enumerate(classes):
        tp = cm[i, i]
        ref = cm[i].sum()
        pred = cm[:, i].sum()
        se = 100.0 * tp / ref if ref else float("nan")
        ppv = 100.0 * tp / pred if pred else float("nan")
        f1 = 100.0 * 2 * tp / (ref + pred) if ref + pred else float("nan")
        out[c] = {"se": se, "ppv": ppv, "f1": f1, "n": int(ref), "n_pred": int(pred)}
    acc = 100.0 * np.trace(cm) / n if n else float("nan")
    pe = float((cm.sum(0) * cm.sum(1)).sum()) / n**2 if n else float("nan")
    po = np.trace(cm) / n if n else float("nan")
    kappa = (po - pe) / (1 - pe) if n and pe < 1 else float("nan")
    j = sum(out[c][m] / 100.0 for c in ("S", "V") for m in ("se", "ppv") if c in out)
    return {
        "classes": out,
        "accuracy": acc,
        "kappa": kappa,
        "j_index": j,
        "jkappa": kappa / 2 + j / 8,
        "confusion": cm.tolist(),
        "labels": list(classes),
        **({"ec57": ec57_gross(cm, classes)} if set("NSVFQ") <= set(classes) else {}),
    }


def aami_table(rep) -> list[str]:
    """Lines of the per-class table, EC57 gross statistics and confusion matrix of an
    :func:`aami_report`, written by the one table writer
    (:func:`geoecg.evaluation.class_table_from_confusion`), with the accuracy, kappa,
    j- and jk-index line.

    Parameters
    ----------
    rep : dict
        The output of :func:`aami_report`.

    Returns
    -------
    list of str
        The lines, without line ends.
    """
    table = class_table_from_confusion(rep["confusion"], rep["labels"], ec57="ec57" in rep)
    table = replace(table, summary={})
    lines = table.format().splitlines()
    n_rows = len(rep["labels"]) + 1
    lines.insert(
        n_rows,
        f"  accuracy {rep['accuracy']:.2f} %   kappa {rep['kappa']:.3f}   "
        f"j-index (S,V Se+P) {rep['j_index']:.3f}/4   jk-index {rep['jkappa']:.3f}",
    )
    return lines


def sv_f1_score(estimator, X, y) -> float:
    """Scorer: mean of the S and V F1 (fractions, 0 where a class is neither present nor
    predicted) of ``estimator.predict(X)``; the inner-CV criterion of the beat benchmark.

    Parameters
    ----------
    estimator : classifier
        A fitted classifier of beats.
    X : array_like
        Beat features.
    y : array_like of str
        Reference classes of the beats.

    Returns
    -------
    float
        Mean of the S and V F1, a fraction.

    Examples
    --------
    >>> class Echo:
    ...     def predict(self, X):
    ...         return np.asarray(X)[:, 0]
    >>> sv_f1_score(Echo(), [["N"], ["S"], ["V"], ["S"]], ["N", "S", "V", "N"])
    0.8333333333333333
    """
    from sklearn.metrics import f1_score

    return float(
        f1_score(y, estimator.predict(X), labels=["S", "V"], average="macro", zero_division=0)
    )


def per_record_counts(records, y_true, y_pred, n_per_record, classes=("S", "V")) -> dict:
    """Per record and class: ``[reference beats, predicted beats, true positives]``.

    ``y_true``/``y_pred`` are the records' beats in order, ``n_per_record`` how many
    belong to each record (as :func:`geoecg.features.beat_records.stack_beat_tables`
    returns them).

    Parameters
    ----------
    records : sequence of str
        Record names, in the order of their beats.
    y_true, y_pred : array_like of str
        Reference and predicted classes of the same beats.
    n_per_record : array_like of int
        Beats of each record.
    classes : sequence of str, default ("S", "V")
        Classes counted.

    Returns
    -------
    dict
        Record -> class -> ``[reference beats, predicted beats, true positives]``.

    Examples
    --------
    >>> per_record_counts(["a", "b"], ["S", "N", "S"], ["S", "S", "N"], [2, 1])
    {'a': {'S': [1, 2, 1], 'V': [0, 0, 0]}, 'b': {'S': [1, 0, 0], 'V': [0, 0, 0]}}
    """
    y, p = np.asarray(y_true), np.asarray(y_pred)
    n = np.asarray(n_per_record, dtype=np.int64)
    if len(records) != n.size or n.sum() != y.size or y.size != p.size:
        raise ValueError(
            f"n_per_record must give one count per record summing to the "
            f"{y.size} beats, got {n.tolist()} for {len(records)} records"
        )
    rows = np.split(np.arange(y.size), np.cumsum(n)[:-1])
    return {
        r: {
            c: [
                int((y[i] == c).sum()),
                int((p[i] == c).sum()),
                int(((y[i] == c) & (p[i] == c)).sum()),
            ]
            for c in classes
        }
        for r, i in zip(records, rows, strict=True)
    }
