"""Morphology-based ectopic-beat marking and RR repair for rhythm analysis.

RR-based AF detectors cannot tell ventricular ectopy (PVC bigeminy, couplets, short VT runs)
from AF: both make the RR series irregular. The QRS shape can. :func:`ectopic_beats` marks
the beats whose QRS does not match the record's dominant morphology, with the rule of the
rhythm-profile M group (:mod:`geoecg.features.af.rhythm_profile`): on the 0.5-40 Hz
band-passed lead, a beat (+-100 ms around its R-peak) is *normal* when its correlation with
the dominant template is >= 0.9 and its peak-to-peak amplitude lies within 0.6-1.6 of the
template's; every other beat is *ectopic*. Parameters are in ms / Hz, so any sampling rate
works.

:func:`repair_rr` then removes the ectopic beats' influence on the RR series, either by
moving each run of ectopic beats to evenly spaced times between the normal beats around it
(``"interpolate"``: the series keeps its length) or by marking the intervals that touch an
ectopic beat as missing (``"remove"``: NaN).
"""

from __future__ import annotations

import warnings

import numpy as np

from .af.record import _corr_rows

__all__ = ["beat_morphology_match", "ectopic_beats", "repair_rr"]


def _dominant_template(
    B: np.ndarray, min_corr: float, amp_range, max_beats: int, seed: int = 0
) -> np.ndarray:
    """Median of the largest group of mutually similar beats (rows of ``B``).

    On up to ``max_beats`` evenly spread beats, each beat's neighbours are the beats that
    correlate with it >= ``min_corr`` and have an amplitude ratio within ``amp_range``; the
    beat with the most neighbours is the medoid and the template is the sample-wise median
    of its neighbours. Unlike the plain median beat this stays the normal QRS when ectopic
    beats are as frequent as normal ones (bigeminy).
    """
    n = B.shape[0]
    pick = np.unique(np.linspace(0, n - 1, min(n, max_beats)).round().astype(int))
    S = B[pick] - B[pick].mean(axis=1, keepdims=True)
    norm = np.sqrt((S**2).sum(axis=1))
    ok = norm > 0
    if ok.sum() < 2:
        return np.median(B, axis=0)
    S, pick, norm = S[ok], pick[ok], norm[ok]
    C = (S @ S.T) / np.outer(norm, norm)
    amp = np.ptp(B[pick], axis=1)
    ratio = amp[None, :] / np.maximum(amp[:, None], 1e-12)
    nb = (C >= min_corr) & (ratio > amp_range[0]) & (ratio < amp_range[1])
    k = int(np.argmax(nb.sum(axis=1)))
    return np.median(B[pick[nb[k]]], axis=0)


def beat_morphology_match(
    signal,
    fs: float,
    rpeaks,
    *,
    half_width_ms: float = 100.0,
    band_hz=(0.5, 40.0),
    template: str = "dominant",
    min_corr: float = 0.9,
    amp_range=(0.6, 1.6),
    max_template_beats: int = 400,
    local_s: float | None = 60.0,
):
    """Correlation and amplitude ratio of each beat's QRS with the record's template.

    Parameters
    ----------
    signal : array_like, shape (n_samples,)
        One lead, mV (non-finite samples are set to 0).
    fs : float
        Sampling frequency, Hz.
    rpeaks : array_like of int, shape (n_beats,)
        R-peak sample indices (sorted); whole finite numbers >= 0 (NaN, text or ``10.5`` is
        a ``SampleIndexError`` naming ``rpeaks``: NaN failed in a cast and ``10.5`` was
        truncated before session 17); a beat too close to an end gets NaN.
    half_width_ms : float, default 100
        Beat segment half-width around the R-peak, ms.
    band_hz : (float, float), default (0.5, 40)
        Band-pass before segmenting, Hz (the upper edge is capped at 0.45 ``fs``).
    template : {"dominant", "median"}, default "dominant"
        ``"median"``: the sample-wise median of all beats (as in the rhythm-profile M
        group); ``"dominant"``: the median of the largest group of mutually similar beats
        (robust to bigeminy, see Notes).
    min_corr, amp_range : float, (float, float)
        Similarity used to group beats for the dominant template (correlation in [-1, 1],
        and peak-to-peak amplitude ratio bounds ``low < high``, both >= 0). Values outside
        these ranges, a reversed ``band_hz`` or a text argument raise an error naming the
        argument (until session 17 they gave all-NaN results or, for ``band_hz``, no
        filtering).
    max_template_beats : int, default 400
        Beats (evenly spread over the record or context) used to find the dominant template.
    local_s : float or None, default 60
        Local templates: the record is cut into blocks of ``local_s`` seconds and each
        block's beats are compared with the template of the beats within ``local_s`` s on
        either side of the block (3 blocks), which follows slow changes of the QRS (electrode
        or axis drift) that a single template calls ectopic. A context with fewer than
        8 beats uses the whole record's template. ``None``: one template per record.

    Returns
    -------
    corr : ndarray, shape (n_beats,)
        Pearson correlation of each beat segment with the template; NaN for beats whose
        segment runs past the signal or is flat, and for all beats of a flat lead.
    amp_ratio : ndarray, shape (n_beats,)
        Beat peak-to-peak amplitude / template peak-to-peak amplitude; NaN as above.

    Notes
    -----
    The dominant template is the median of the neighbours of the beat with the most
    neighbours among the sampled beats (a medoid); the cost is ``O(max_template_beats**2)``.
    """
    from ..signal import bandpass
    from .hrv import _check_fs

    fs = _check_fs(fs)
    if template not in ("dominant", "median"):
        raise ValueError(f"template must be 'dominant' or 'median', got {template!r}")
    from .._validation import as_signal, check_count, check_number, check_sample_indices

    half_width_ms = check_number(half_width_ms, "half_width_ms", minimum=0, unit="ms")
    if local_s is not None and not (np.isfinite(local_s) and local_s > 0):
        raise ValueError(f"local_s must be None or positive (s), got {local_s!r}")
    if not -1.0 <= check_number(min_corr, "min_corr") <= 1.0:
        raise ValueError(f"min_corr must be a correlation in [-1, 1], got {min_corr!r}")
    try:
        a_lo, a_hi = (check_number(v, "amp_range", minimum=0, strict=False) for v in amp_range)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"amp_range must be two ratios (low, high) >= 0; {exc}") from None
    if not a_lo < a_hi:
        raise ValueError(f"amp_range must be (low, high) with low < high, got {amp_range!r}")
    try:
        b_lo, b_hi = (check_number(v, "band_hz", minimum=0, unit="Hz") for v in band_hz)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"band_hz must be two edges (low, high) > 0 Hz; {exc}") from None
    if not b_lo < b_hi:
        raise ValueError(f"band_hz must be (low, high) with low < high, got {band_hz!r}")
    check_count(max_template_beats, "max_template_beats", minimum=1)

    x = as_signal(signal, "signal", ndims=(1,))  # inf is an error (NaN: a gap, set to 0)
    r = check_sample_indices(rpeaks, "rpeaks")  # any order; beats outside the signal: NaN
    corr = np.full(r.size, np.nan)
    ratio = np.full(r.size, np.nan)
    x = np.where(np.isfinite(x), x, 0.0)
    q = max(1, int(round(half_width_ms * 1e-3 * fs)))
    if r.size < 3 or x.size < 2 * q + 30 or np.ptp(x) == 0:
        return corr, ratio
    lo, hi = band_hz[0], min(band_hz[1], 0.45 * fs)
    y = bandpass(x, fs, lo, hi, order=2) if lo < hi else x - x.mean()
    inside = (r >= q) & (r + q < y.size)
    if inside.sum() < 3:
        return corr, ratio
    B = y[r[inside, None] + np.arange(-q, q + 1)[None, :]]

    def make(rows):
        return (
            _dominant_template(rows, min_corr, amp_range, max_template_beats)
            if template == "dominant"
            else np.median(rows, axis=0)
        )

    ri = r[inside] / fs
    blk = (
        np.floor((ri - ri.min()) / local_s).astype(np.int64)
        if local_s is not None
        else np.zeros(ri.size, np.int64)
    )
    c_in, a_in = np.full(ri.size, np.nan), np.full(ri.size, np.nan)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        t_all = make(B)
        for k in np.unique(blk):
            sel = blk == k
            ctx = np.abs(blk - k) <= 1
            t = make(B[ctx]) if local_s is not None and ctx.sum() >= 8 else t_all
            tamp = np.ptp(t)
            if tamp > 0:
                c_in[sel] = _corr_rows(B[sel], t)
                a_in[sel] = np.ptp(B[sel], axis=1) / tamp
    corr[inside], ratio[inside] = c_in, a_in
    ratio[~np.isfinite(corr)] = np.nan
    return corr, ratio


def ectopic_beats(
    signal,
    fs: float,
    rpeaks,
    *,
    min_corr: float = 0.9,
    amp_range=(0.6, 1.6),
    half_width_ms: float = 100.0,
    template: str = "dominant",
    local_s: float | None = 60.0,
) -> np.ndarray:
    """Beats whose QRS does not match the record's dominant morphology.

    A beat is ectopic when its +-``half_width_ms`` segment of the 0.5-40 Hz band-passed
    lead correlates < ``min_corr`` with the template or its peak-to-peak amplitude ratio
    to the template lies outside ``amp_range`` (defaults: the rule of the rhythm-profile
    M group, 0.9 and 0.6-1.6, +-100 ms). Prematurity is not used: in AF every other beat is
    "premature", while its QRS is normal.

    Parameters
    ----------
    signal : array_like, shape (n_samples,)
        One lead, mV.
    fs : float
        Sampling frequency, Hz.
    rpeaks : array_like of int, shape (n_beats,)
        R-peak sample indices (sorted).
    min_corr, amp_range, half_width_ms, template, local_s
        See :func:`beat_morphology_match`.

    Returns
    -------
    ndarray of bool, shape (n_beats,)
        True = ectopic. Beats without a usable segment (at the record edges, flat lead,
        fewer than 3 beats) are not marked.

    Examples
    --------
    >>> fs = 250.0
    >>> t = np.arange(-25, 26) / fs
    >>> narrow, wide = np.exp(-(t / 0.012) ** 2), -0.8 * np.exp(-(t / 0.05) ** 2)
    >>> r = np.arange(1, 21) * 200
    >>> x = np.zeros(r[-1] + 200)
    >>> for i, k in enumerate(r):
    ...     x[k - 25:k + 26] += wide if i % 4 == 3 else narrow
    >>> np.flatnonzero(ectopic_beats(x, fs, r)).tolist()
    [3, 7, 11, 15, 19]
    """
    c, a = beat_morphology_match(
        signal,
        fs,
        rpeaks,
        half_width_ms=half_width_ms,
        template=template,
        min_corr=min_corr,
        amp_range=amp_range,
        local_s=local_s,
    )
    ok = np.isfinite(c)
    ect = np.zeros(c.size, dtype=bool)
    ect[ok] = (c[ok] < min_corr) | (a[ok] <= amp_range[0]) | (a[ok] >= amp_range[1])
    return ect


def repair_rr(rr=None, ectopic=None, mode: str = "interpolate", *, rr_ms=None) -> np.ndarray:
    """RR series with the ectopic beats' influence removed.

    Parameters
    ----------
    rr : array_like, shape (n,)
        RR intervals in any unit (ms, s...; the result is in the same unit: the repair only
        moves beat times and sums intervals); interval ``i`` runs from beat ``i`` to beat
        ``i + 1``. :mod:`geoecg.features.beat_context` passes seconds, the AF detectors ms.
    ectopic : array_like of bool, shape (n + 1,)
        Ectopic flag per beat.
    mode : {"interpolate", "remove"}, default "interpolate"
        ``"interpolate"``: each run of ectopic beats between two normal beats is moved to
        evenly spaced times between them (a PVC with its compensatory pause becomes two
        equal intervals; the sum of the intervals is kept). Ectopic beats before the first
        or after the last normal beat keep their times. ``"remove"``: intervals that start
        or end on an ectopic beat become NaN.
    rr_ms : array_like, optional
        Deprecated name of ``rr`` (it never required ms); emits a ``DeprecationWarning``.

    Returns
    -------
    ndarray, shape (n,)
        Repaired RR intervals, in the unit of ``rr``.

    Examples
    --------
    >>> repair_rr([800., 500., 1100., 800.], [False, False, True, False, False])
    array([800., 800., 800., 800.])
    >>> repair_rr([800., 500., 1100., 800.], [False, False, True, False, False], "remove")
    array([800.,  nan,  nan, 800.])
    """
    from .._validation import check_rr

    if rr_ms is not None:
        if rr is not None:
            raise TypeError("repair_rr got both rr and rr_ms (the old name of rr); pass rr")
        warnings.warn(
            "repair_rr(rr_ms=...) is deprecated: the parameter is rr (any unit)",
            DeprecationWarning,
            stacklevel=2,
        )
        rr = rr_ms
    if rr is None or ectopic is None:
        raise TypeError("repair_rr needs rr (RR intervals) and ectopic (one flag per beat)")
    # unit-agnostic: features.beat_context passes RR in s; inf / <= 0 / text are refused
    rr = check_rr(np.ravel(rr), "rr", check_units=False)
    e = np.asarray(ectopic, dtype=bool).ravel()
    if e.size != rr.size + 1:
        raise ValueError(f"ectopic needs one flag per beat ({rr.size + 1}), got {e.size}")
    if mode not in ("interpolate", "remove"):
        raise ValueError(f"mode must be 'interpolate' or 'remove', got {mode!r}")
    if mode == "remove":
        return np.where(e[:-1] | e[1:], np.nan, rr)
    norm = np.flatnonzero(~e)
    if norm.size < 2 or not e.any() or not np.all(np.isfinite(rr)):
        if norm.size >= 2 and e.any():  # NaN intervals: repair the finite stretches only
            out = rr.copy()
            fin = np.isfinite(rr)
            edges = np.flatnonzero(np.diff(np.r_[0, fin.astype(int), 0]))
            for a, b in zip(edges[::2], edges[1::2], strict=True):
                out[a:b] = repair_rr(rr[a:b], e[a : b + 1])
            return out
        return rr.copy()
    t = np.r_[0.0, np.cumsum(rr)]
    ect = np.flatnonzero(e)
    ect = ect[(ect > norm[0]) & (ect < norm[-1])]
    t[ect] = np.interp(ect, norm, t[norm])
    return np.diff(t)
