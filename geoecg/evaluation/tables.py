"""One per-class table writer: Se, +P, F1 and counts per class (or per record, per detector),
EC57 gross statistics beside it and the confusion matrix, as data and as printable text.

Every benchmark prints its per-class figures through :class:`ClassTable`, built by

* :func:`class_table` from reference and predicted labels,
* :func:`class_table_from_confusion` from a confusion matrix,
* :func:`count_table` from true-positive / false-positive / false-negative counts per row
  (detection scoring by matching: per record, per SNR, per detector).

Se (sensitivity), +P (positive predictivity) and F1 are percentages; a rate whose
denominator is 0 is NaN. This module imports no other geoecg package.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .ec57 import ec57_gross

__all__ = [
    "RATE_COLUMNS",
    "ClassTable",
    "class_table",
    "class_table_from_confusion",
    "count_table",
    "detection_rates",
]

#: Columns of :attr:`ClassTable.rows`, in order.
RATE_COLUMNS = ("n", "n_pred", "tp", "fp", "fn", "se", "ppv", "f1")


def _pct(num: float, den: float) -> float:
    return 100.0 * num / den if den > 0 else float("nan")


def detection_rates(tp: int, fp: int, fn: int) -> dict:
    """Se, +P and F1 (percent, NaN on a 0 denominator) with the counts.

    Parameters
    ----------
    tp, fp, fn : int
        True positives, false positives and false negatives (non-negative).

    Returns
    -------
    dict
        ``se``, ``ppv``, ``f1`` (float, %), ``tp``, ``fp``, ``fn`` (int).

    Examples
    --------
    >>> r = detection_rates(90, 10, 0)
    >>> r["se"], r["ppv"], round(r["f1"], 2)
    (100.0, 90.0, 94.74)
    >>> math.isnan(detection_rates(0, 0, 0)["se"])
    True
    """
    counts = {"tp": tp, "fp": fp, "fn": fn}
    for name, v in counts.items():
        if isinstance(v, bool | str | bytes) or not isinstance(v, int | float | np.number):
            raise TypeError(f"{name} must be a non-negative integer count, got {v!r}")
        if not float(v).is_integer() or v < 0:
            raise ValueError(f"{name} must be a non-negative integer count, got {v!r}")
    tp, fp, fn = int(tp), int(fp), int(fn)
    return {
        "se": _pct(tp, tp + fn),
        "ppv": _pct(tp, tp + fp),
        "f1": _pct(2 * tp, 2 * tp + fp + fn),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


@dataclass(frozen=True)
class ClassTable:
    """Per-class (or per-row) Se, +P, F1 and counts, with optional EC57 and confusion.

    Attributes
    ----------
    rows : pandas.DataFrame
        One row per class (index: the class or row name), columns
        :data:`~geoecg.evaluation.tables.RATE_COLUMNS`:
        ``n`` reference items (tp + fn), ``n_pred`` predicted items (tp + fp), ``tp``,
        ``fp``, ``fn`` and ``se``, ``ppv``, ``f1`` in percent.
    confusion : pandas.DataFrame or None
        Rows reference, columns predicted (None for a :func:`count_table`).
    ec57 : dict or None
        EC57 gross VEB/SVEB statistics (:func:`geoecg.evaluation.ec57_gross`) when the
        labels hold the AAMI classes N, S, V, F, Q and they were asked for.
    summary : dict
        Scalars printed under the table (accuracy % and Cohen's kappa for label tables).
    title : str
        First line of :meth:`format`.
    """

    rows: pd.DataFrame
    confusion: pd.DataFrame | None = None
    ec57: dict | None = None
    summary: dict = field(default_factory=dict)
    title: str = ""

    def format(self, digits: int = 1, *, index_name: str = "class") -> str:
        """The table as text: rates, then summary, EC57 gross statistics and confusion.

        Parameters
        ----------
        digits : int
            Decimals of Se, +P and F1.
        index_name : str
            Header of the first column.
        """
        w = max([len(index_name), *(len(str(i)) for i in self.rows.index)])
        rw = max(digits + 5, 6)
        lines = [self.title] if self.title else []
        lines.append(
            f"  {index_name:<{w}} {'n':>7} {'Se %':>{rw}} {'+P %':>{rw}} {'F1 %':>{rw}} "
            f"{'TP':>7} {'FP':>6} {'FN':>6}"
        )
        for name, r in self.rows.iterrows():
            lines.append(
                f"  {name!s:<{w}} {int(r['n']):>7} {r['se']:>{rw}.{digits}f} "
                f"{r['ppv']:>{rw}.{digits}f} {r['f1']:>{rw}.{digits}f} {int(r['tp']):>7} "
                f"{int(r['fp']):>6} {int(r['fn']):>6}"
            )
        if self.summary:
            lines.append(
                "  "
                + "   ".join(
                    f"{k} {v:.{digits + 2}f}" if isinstance(v, float) else f"{k} {v}"
                    for k, v in self.summary.items()
                )
            )
        if self.ec57:
            lines.append(
                "  EC57 gross (bxb: F/Q beats called V are not VEB false positives): "
                + ", ".join(
                    f"{'VEB' if c == 'V' else 'SVEB'} Se {m['se']:.{digits}f} "
                    f"+P {m['ppv']:.{digits}f} F1 {m['f1']:.{digits}f}"
                    for c, m in self.ec57.items()
                )
            )
        if self.confusion is not None:
            lines.append(
                "  confusion (rows reference, columns predicted): "
                + " ".join(str(c) for c in self.confusion.columns)
            )
            for name, row in self.confusion.iterrows():
                lines.append(f"    {name!s} " + " ".join(f"{int(v):>6}" for v in row))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()

    def to_dict(self) -> dict:
        """Plain-Python figures for a ``--json`` file (NaN becomes None)."""

        def clean(v):
            if isinstance(v, float | np.floating):
                return None if math.isnan(v) else float(v)
            if isinstance(v, np.integer):
                return int(v)
            return v

        out = {
            "classes": {
                str(k): {c: clean(v) for c, v in r.items()} for k, r in self.rows.iterrows()
            },
            **{k: clean(v) for k, v in self.summary.items()},
        }
        if self.confusion is not None:
            out["labels"] = [str(c) for c in self.confusion.columns]
            out["confusion"] = self.confusion.to_numpy().astype(int).tolist()
        if self.ec57 is not None:
            out["ec57"] = {c: {k: clean(v) for k, v in m.items()} for c, m in self.ec57.items()}
        return out


def _rows(counts: Mapping) -> pd.DataFrame:
    recs = {}
    for name, c in counts.items():
        if not isinstance(c, Mapping) or not {"tp", "fp", "fn"} <= set(c):
            raise ValueError(
                f"counts[{name!r}] must be a mapping with 'tp', 'fp' and 'fn', got {c!r}"
            )
        r = detection_rates(c["tp"], c["fp"], c["fn"])
        recs[name] = {"n": r["tp"] + r["fn"], "n_pred": r["tp"] + r["fp"], **r}
    return pd.DataFrame.from_dict(recs, orient="index", columns=list(RATE_COLUMNS))


def count_table(counts: Mapping, *, title: str = "") -> ClassTable:
    """A :class:`ClassTable` from ``{row: {"tp": ..., "fp": ..., "fn": ...}}``.

    For detection scored by matching (per record, per SNR, per detector); there is no
    confusion matrix.

    Parameters
    ----------
    counts : mapping
        Row name -> ``{"tp": int, "fp": int, "fn": int}``.
    title : str, default ""
        Title line of :meth:`ClassTable.format`.

    Returns
    -------
    ClassTable
        Per row Se, +P, F1 (%) and the counts; no confusion matrix.

    Examples
    --------
    >>> t = count_table({"100": {"tp": 9, "fp": 1, "fn": 0}, "total": {"tp": 9, "fp": 1,
    ...                  "fn": 0}})
    >>> float(t.rows.loc["100", "ppv"])
    90.0
    """
    if not isinstance(counts, Mapping) or not counts:
        raise ValueError("counts must be a non-empty mapping row -> {'tp', 'fp', 'fn'}")
    return ClassTable(rows=_rows(counts), title=title)


def class_table_from_confusion(
    confusion, labels: Sequence, *, ec57: bool | None = None, title: str = ""
) -> ClassTable:
    """A :class:`ClassTable` from a confusion matrix (rows reference, columns predicted).

    Parameters
    ----------
    confusion : array-like of int, shape (k, k)
    labels : sequence
        Class of each row/column.
    ec57 : bool or None
        Add the EC57 gross statistics; None: when the labels hold N, S, V, F and Q.
    title : str
        Title line of :meth:`ClassTable.format`.

    Returns
    -------
    ClassTable
        Per class n, Se, +P, F1 (%), TP, FP, FN; the summary (accuracy %, kappa) and the
        confusion matrix.

    Examples
    --------
    >>> t = class_table_from_confusion([[8, 2], [1, 9]], ["a", "b"])
    >>> float(t.rows.loc["a", "se"]), t.summary["accuracy %"]
    (80.0, 85.0)
    """
    cm = np.asarray(confusion)
    labels = list(labels)
    if cm.ndim != 2 or cm.shape != (len(labels), len(labels)):
        raise ValueError(
            f"confusion must be square with one row per label ({len(labels)}), got shape {cm.shape}"
        )
    if np.any(cm < 0) or not np.all(np.equal(np.mod(cm, 1), 0)):
        raise ValueError("confusion must hold non-negative integer counts")
    cm = cm.astype(np.int64)
    tp = np.diag(cm)
    counts = {
        c: {"tp": int(tp[i]), "fp": int(cm[:, i].sum() - tp[i]), "fn": int(cm[i].sum() - tp[i])}
        for i, c in enumerate(labels)
    }
    n = int(cm.sum())
    po = float(np.trace(cm)) / n if n else float("nan")
    pe = float((cm.sum(0) * cm.sum(1)).sum()) / n**2 if n else float("nan")
    kappa = (po - pe) / (1 - pe) if n and pe < 1 else float("nan")
    want = set("NSVFQ") <= set(labels) if ec57 is None else ec57
    return ClassTable(
        rows=_rows(counts),
        confusion=pd.DataFrame(cm, index=labels, columns=labels),
        ec57=ec57_gross(cm, labels) if want else None,
        summary={"accuracy %": 100.0 * po if n else float("nan"), "kappa": kappa},
        title=title,
    )


def class_table(
    y_true, y_pred, labels: Sequence | None = None, *, ec57: bool | None = None, title: str = ""
) -> ClassTable:
    """A :class:`ClassTable` from reference and predicted labels.

    Parameters
    ----------
    y_true, y_pred : array-like, shape (n,)
    labels : sequence or None
        Classes in table order (default: sorted union of both); a label outside them is a
        ValueError.
    ec57 : bool or None
        See :func:`class_table_from_confusion`.
    title : str
        Title line of :meth:`ClassTable.format`.

    Returns
    -------
    ClassTable
        Per class n, Se, +P, F1 (%), TP, FP, FN; the summary (accuracy %, kappa) and the
        confusion matrix.

    Examples
    --------
    >>> t = class_table(["N", "N", "S", "V"], ["N", "S", "S", "V"])
    >>> float(t.rows.loc["S", "ppv"]), int(t.confusion.loc["N", "S"])
    (50.0, 1)
    >>> print(t.format(digits=0).splitlines()[0])
      class       n   Se %   +P %   F1 %      TP     FP     FN
    """
    yt, yp = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    if yt.shape != yp.shape:
        raise ValueError(
            f"y_true and y_pred must have the same length, got {yt.size} and {yp.size}"
        )
    labels = sorted(set(yt.tolist()) | set(yp.tolist())) if labels is None else list(labels)
    idx = {c: i for i, c in enumerate(labels)}
    unknown = sorted({str(v) for v in (*yt.tolist(), *yp.tolist()) if v not in idx})
    if unknown:
        raise ValueError(f"labels {unknown} are not in labels={labels}")
    k = len(labels)
    it = np.asarray([idx[v] for v in yt.tolist()], dtype=np.int64)
    ip = np.asarray([idx[v] for v in yp.tolist()], dtype=np.int64)
    cm = np.bincount(it * k + ip, minlength=k * k).reshape(k, k)
    return class_table_from_confusion(cm, labels, ec57=ec57, title=title)


def _seed_summary_lines(summary: Mapping, n_seeds: int) -> list[str]:
    """Lines of a per-method summary over seeds (``{method: {"f1_A_mean": ..., ...}}``).

    Parameters
    ----------
    summary : mapping
        Method name -> mapping of statistic name -> value (F1 etc. in %).
    n_seeds : int
        Seeds the statistics are over. With one seed the ``*_sd`` entries (a standard
        deviation of one value is undefined, not 0) are left out and a line says so.

    Returns
    -------
    list of str
        One line per method, and the note when ``n_seeds == 1``; empty for an empty summary.

    Examples
    --------
    >>> _seed_summary_lines({"EM": {"f1_A_mean": 67.9, "f1_A_sd": 0.0}}, 1)[0]
    '  EM                   f1_A_mean 67.900'
    """
    lines = []
    for name, stats in summary.items():
        shown = {k: v for k, v in stats.items() if not (n_seeds == 1 and k.endswith("_sd"))}
        lines.append(f"  {name:<20} " + "  ".join(f"{k} {v:.3f}" for k, v in shown.items()))
    if n_seeds == 1 and lines:
        lines.append("  (one seed: no standard deviations; give --seeds 0,1,2 for them)")
    return lines


def _cinc_header_lines(out: Mapping) -> list[str]:
    """Header lines of ``geoecg bench af`` on CinC 2017 records.

    Parameters
    ----------
    out : mapping
        The bench's result: ``mode`` (str) and, for a held-out run, ``label_files``
        (``{"train" | "test": {"path": str, "column": str or None}}``) and
        ``gated_records`` (``[{"record": str, "reason": str}, ...]``).

    Returns
    -------
    list of str
        The mode line, then one line per folder naming the label file (and column) that
        scored it, then (when the quality gate called test records ``"~"``) a line with
        their count, the first five names and the first reason.
    """
    lines = [f"AF / CinC 2017 ({out['mode']})"]
    for part, src in out.get("label_files", {}).items():
        col = f", column {src['column']}" if src["column"] else ""
        lines.append(f"  {part} labels: {src['path']}{col}")
    gated = out.get("gated_records") or []
    if gated:
        names = ", ".join(g["record"] for g in gated[:5]) + (" ..." if len(gated) > 5 else "")
        lines.append(
            f"  quality gate: {len(gated)} test record(s) called '~' (no measurable ECG): "
            f"{names} ({gated[0]['record']}: {gated[0]['reason']}; all in --json)"
        )
    return lines
