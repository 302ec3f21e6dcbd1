"""ANSI/AAMI EC57 gross beat statistics (SVEB and VEB) from an AAMI confusion matrix.

EC57 does not score every off-diagonal cell of the N/S/V/F/Q confusion matrix as an error of
the class: a fusion (F) or unclassifiable (Q) beat that the algorithm calls a ventricular
ectopic beat is not a VEB false positive (an F beat is partly ventricular), and a Q beat called
S is not an SVEB false positive. The definitions below are those of ``bxb``, the beat-by-beat
comparator of the WFDB software package that implements the EC38/EC57 comparison (G. Moody,
``bxb.c``, ``print_results``), with row = reference, column = algorithm::

    VEB   TP = Vv    FN = Vn + Vs + Vf + Vq    FP = Nv + Sv
    SVEB  TP = Ss    FN = Sn + Sv + Sf + Sq    FP = Ns + Vs + Fs

(``bxb`` also counts unmatched detections, O and X; here every beat is scored at a reference
position, so there are none). Per-class figures from the full confusion matrix
(:func:`geoecg.evaluation.aami.aami_report`'s ``classes``) count Fv and Qv as V false positives;
both are reported.
"""

from __future__ import annotations

import numpy as np

__all__ = ["EC57_CELLS", "ec57_gross"]

#: (reference, algorithm) cells of each EC57 gross statistic, as in ``bxb``.
EC57_CELLS: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "V": {
        "tp": (("V", "V"),),
        "fn": (("V", "N"), ("V", "S"), ("V", "F"), ("V", "Q")),
        "fp": (("N", "V"), ("S", "V")),
    },
    "S": {
        "tp": (("S", "S"),),
        "fn": (("S", "N"), ("S", "V"), ("S", "F"), ("S", "Q")),
        "fp": (("N", "S"), ("V", "S"), ("F", "S")),
    },
}


def ec57_gross(confusion, labels=("N", "S", "V", "F", "Q")) -> dict:
    """EC57 gross VEB and SVEB sensitivity, positive predictivity and F1.

    Parameters
    ----------
    confusion : array-like of int, shape (k, k)
        Beat counts, rows = reference class, columns = predicted class, in the order of
        ``labels``.
    labels : sequence of str
        Class of each row/column; must hold N, S, V, F and Q (AAMI classes).

    Returns
    -------
    dict
        ``{"V": {...}, "S": {...}}``, each with ``se``, ``ppv``, ``f1`` (percent; NaN when
        the denominator is 0) and the counts ``tp``, ``fn``, ``fp``.

    Examples
    --------
    >>> cm = [[90, 2, 3, 0, 0], [1, 8, 1, 0, 0], [0, 1, 9, 0, 0], [0, 0, 4, 1, 0],
    ...       [0, 0, 1, 0, 0]]
    >>> g = ec57_gross(cm)
    >>> g["V"]["fp"], g["V"]["ppv"]  # N->V and S->V count, F->V and Q->V do not
    (4, 69.23076923076923)
    """
    cm = np.asarray(confusion)
    labels = list(labels)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.shape[0] != len(labels):
        raise ValueError(
            f"confusion must be square with one row per label ({len(labels)}), got shape {cm.shape}"
        )
    missing = [c for c in "NSVFQ" if c not in labels]
    if missing:
        raise ValueError(f"labels must hold the AAMI classes N, S, V, F, Q; missing {missing}")
    if np.any(cm < 0):
        raise ValueError("confusion counts must be non-negative")
    idx = {c: i for i, c in enumerate(labels)}
    out = {}
    for cls, cells in EC57_CELLS.items():
        n = {k: int(sum(cm[idx[r], idx[a]] for r, a in v)) for k, v in cells.items()}
        tp, fn, fp = n["tp"], n["fn"], n["fp"]
        out[cls] = {
            "se": 100.0 * tp / (tp + fn) if tp + fn else float("nan"),
            "ppv": 100.0 * tp / (tp + fp) if tp + fp else float("nan"),
            "f1": 100.0 * 2 * tp / (2 * tp + fn + fp) if tp + fn + fp else float("nan"),
            **n,
        }
    return out
