"""Beat cues against the record's own local sinus rhythm and sinus P wave (label-free).

A supraventricular (S) beat is premature against the patient's *own* sinus rate just before
and after it, and its P wave (if any) differs from that patient's sinus P. These cues are
computed from one record's beat table (:func:`~geoecg.features.beat_dominant.record_beat_table`
columns) without labels: the sinus-like beats are those with the dominant QRS that are not
premature (as in :func:`~geoecg.features.beat_dominant.dominant_width_ratio`); the local
sinus RR of a beat is the median of the nearest normal-to-normal (NN) intervals on both
sides, its own intervals excluded, so it follows rate changes and holds when ectopic beats
are frequent (only the NN intervals count).
"""

from __future__ import annotations

import re
import warnings

import numpy as np

from .._validation import check_table
from .morphology import BeatFeatureTable

__all__ = ["SINUS_RHYTHM_NAMES", "sinus_relative_features"]

#: RR columns of :func:`sinus_relative_features` (dimensionless).
SINUS_RHYTHM_NAMES = ("sin_rr_pre", "sin_rr_post", "sin_comp")

_SINUS_PRE = 0.88  # dom_rr_pre >= this: not premature (as beat_dominant._SINUS)
_MIN_REF = 3  # NN intervals needed for a local reference
_MIN_SINUS = 5  # sinus-like beats needed for the P references


def _sinus_like(V, names):
    need = ("dom_rr_pre", "dom_qrs_corr_l0", "dom_qrs_amp_l0")
    missing = [n for n in need if n not in names]
    if missing:
        raise ValueError(f"table lacks the columns {missing} of dominant_beat_features")
    pre, corr, amp = (V[:, names.index(n)] for n in need)
    with np.errstate(invalid="ignore"):
        return (
            (corr >= 0.9) & (amp > 0.6) & (amp < 1.6) & (np.nan_to_num(pre, nan=1.0) >= _SINUS_PRE)
        )


def _local_nn_median(rr_pre, nn, k):
    """Median of the ``k`` NN intervals before beat i (ending at beat <= i-1) and the ``k``
    after it (starting at beat >= i+1); ``rr_pre[j]`` joins beats j-1 and j."""
    n = rr_pre.size
    idx = np.flatnonzero(nn)
    i = np.arange(n)
    pb = np.searchsorted(idx, i, side="left")  # NN rows j <= i-1
    pa = np.searchsorted(idx, i + 2, side="left")  # NN rows j >= i+2
    before = pb[:, None] - np.arange(k, 0, -1)[None, :]
    after = pa[:, None] + np.arange(k)[None, :]
    pos = np.hstack([before, after])
    ok = (pos >= 0) & (pos < idx.size)
    vals = np.where(
        ok, rr_pre[idx[np.clip(pos, 0, max(idx.size - 1, 0))]] if idx.size else 0.0, np.nan
    )
    enough = np.isfinite(vals).sum(axis=1) >= _MIN_REF
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.where(enough, np.nanmedian(vals, axis=1), np.nan)


def sinus_relative_features(table: BeatFeatureTable, *, k: int = 8) -> BeatFeatureTable:
    """Prematurity against the local sinus RR and P wave against the record's sinus P.

    Parameters
    ----------
    table : BeatFeatureTable
        ONE record's beats in time order, with the columns ``rr_pre``, ``rr_post`` and, per
        lead, ``pr_l<k>``, ``p_amp_l<k>`` of :func:`~geoecg.features.beat_features`, and
        ``dom_rr_pre``, ``dom_qrs_corr_l0``, ``dom_qrs_amp_l0`` of
        :func:`~geoecg.features.beat_dominant.dominant_beat_features`.
    k : int, default 8
        NN intervals taken on each side of a beat for its local sinus RR.

    Returns
    -------
    BeatFeatureTable
        Columns :data:`SINUS_RHYTHM_NAMES`, then per lead ``sin_pr_diff_l<k>`` and
        ``sin_p_amp_l<k>``:

        ``sin_rr_pre``, ``sin_rr_post``
            RR before and after the beat over the local sinus RR (premature: below 1).
        ``sin_comp``
            ``(rr_pre + rr_post) / (2 local)``: about 1 for a full compensatory pause.
        ``sin_pr_diff_l<k>``
            PR interval minus the median PR of the sinus-like beats, ms.
        ``sin_p_amp_l<k>``
            P amplitude minus the sinus median, over the sinus median ``|p_amp|``.

        NaN where fewer than 3 NN intervals are near a beat, fewer than 5 beats are
        sinus-like, or a reference is zero.

    Examples
    --------
    >>> names = ["rr_pre", "rr_post", "dom_rr_pre", "dom_qrs_corr_l0", "dom_qrs_amp_l0",
    ...          "pr_l0", "p_amp_l0"]
    >>> rr = np.r_[np.full(10, 800.0), 560.0, np.full(10, 800.0)]
    >>> V = np.column_stack([rr, np.r_[rr[1:], np.nan], rr / 800.0, np.ones(21), np.ones(21),
    ...                      np.r_[np.full(10, 160.0), 100.0, np.full(10, 160.0)],
    ...                      np.r_[np.full(10, 0.2), 0.05, np.full(10, 0.2)]])
    >>> T = sinus_relative_features(BeatFeatureTable(V, np.array(names), np.arange(21)))
    >>> T.values[10].round(2).tolist()
    [0.7, 1.0, 0.85, -60.0, -0.75]
    """
    if not (isinstance(k, int | np.integer) and k >= 1):
        raise ValueError(f"k must be a positive integer, got {k!r}")
    check_table(table)
    names = [str(n) for n in table.names]
    V = np.asarray(table.values, dtype=np.float64)
    for c in ("rr_pre", "rr_post"):
        if c not in names:
            raise ValueError(f"table has no {c!r} column (geoecg.features.beat_features)")
    leads = sorted(
        {int(m.group(1)) for n in names if (m := re.fullmatch(r"pr_l(\d+)", n))}
        & {int(m.group(1)) for n in names if (m := re.fullmatch(r"p_amp_l(\d+)", n))}
    )
    sinus = _sinus_like(V, names)
    pre, post = V[:, names.index("rr_pre")], V[:, names.index("rr_post")]
    out_names = list(SINUS_RHYTHM_NAMES) + [
        f"sin_{c}_l{j}" for j in leads for c in ("pr_diff", "p_amp")
    ]
    out = np.full((V.shape[0], len(out_names)), np.nan)
    if V.shape[0]:
        nn = sinus & np.r_[False, sinus[:-1]] & np.isfinite(pre)
        ref = _local_nn_median(pre, nn, k)
        with np.errstate(invalid="ignore", divide="ignore"):
            ref = np.where(ref > 0, ref, np.nan)
            out[:, 0], out[:, 1] = pre / ref, post / ref
            out[:, 2] = (pre + post) / (2.0 * ref)
    for m, j in enumerate(leads):
        pr, pa = V[:, names.index(f"pr_l{j}")], V[:, names.index(f"p_amp_l{j}")]
        use = sinus & np.isfinite(pr) & np.isfinite(pa)
        if use.sum() < _MIN_SINUS:
            continue
        out[:, 3 + 2 * m] = pr - np.median(pr[use])
        scale = float(np.median(np.abs(pa[use])))
        if scale > 0:
            out[:, 4 + 2 * m] = (pa - np.median(pa[use])) / scale
    return BeatFeatureTable(out, np.asarray(out_names, dtype=object), table.rpeaks)
