"""Atrial-fibrillation statistics of RR windows and beat-level rhythm labels.

RR windows are rows of a 2-D array of RR intervals in ms (NaN = missing, skipped); each
row gives one value of every statistic in :data:`AF_STAT_NAMES`:

===========  =======================================================================
name         definition (``x`` finite RR of the row, ms; ``d = diff(x)``)
===========  =======================================================================
MeanRR       mean(x), ms
nRMSSD       sqrt(mean(d**2)) / mean(x)
nMADdRR      median(|d|) / median(x)
CVRR         std(x, ddof=1) / mean(x)
pRR6         fraction of |d| > 6.25 % of mean(x) (Mateo & Laguna's pRRx%)
TPR          turning points / (n - 2)
ShEn16       Shannon entropy of a 16-bin histogram over [min, max], divided by ln 16
COSEn        coefficient of sample entropy, m = 1, r from ``cosen_r_ms`` grown by 10 ms
             until >= 5 matches (Lake & Moorman 2011)
TG_D         Kolmogorov-Smirnov distance between the ΔRR of the row and the AF template
             of its mean-RR bin (Tateno & Glass 2001); small = AF-like
Irr          premature/compensatory pairs removed, then median of
             min(|y_i - y_{i-1}|, |y_i - y_{i-2}|, |y_i - y_{i-3}|) / median(y):
             irregularity with bigeminy and trigeminy suppressed (in the spirit of
             Petrėnas et al. 2015)
LorenzOcc    occupied 40-ms cells of the (d_{i-1}, d_i) plot per point (Sarkar 2008)
RangeRR      (max - min) / median
Bigeminy     median |x_{i+2} - x_i| / median |d|: small for bigeminy
EctopicFrac  fraction of intervals in premature/compensatory pairs
nFinite      number of finite intervals
===========  =======================================================================

A row with fewer than ``min_intervals`` finite intervals gets NaN everywhere but nFinite.

Beat-level rhythm labels come from WFDB rhythm annotations: symbol ``+`` with the code in
the aux note, ``(AFIB``, ``(AFL``, ``(N`` ... (MIT-BIH style), and SHDB-AF's layout where
the code sits in the aux note of comment annotations (symbol ``"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import stats

from ..._kernels.af import AF_STAT_NAMES, N_AF_STATS, af_row_stats, centered_windows
from ..._validation import check_count, check_rr

__all__ = [
    "AF_STAT_NAMES",
    "AFTemplates",
    "default_af_templates",
    "fit_af_templates",
    "rr_windows",
    "af_window_stats",
    "beat_rhythms",
    "af_beat_labels",
]

_CODE = re.compile(r"^\(?([A-Z][A-Z0-9_]*)\)?$")


@dataclass(frozen=True)
class AFTemplates:
    """ΔRR CDF templates of AF per mean-RR bin, for the Tateno-Glass statistic.

    Attributes
    ----------
    cdf : ndarray, shape (n_bins, n_grid)
        CDF of ΔRR in AF for each mean-RR bin, on the grid ``grid0 + k * grid_step`` (ms).
    grid0, grid_step : float
        ΔRR grid, ms.
    bin0, bin_w : float
        Mean-RR bin ``b`` covers ``[bin0 + b bin_w, bin0 + (b + 1) bin_w)`` ms; means
        outside use the first or last bin.
    """

    cdf: np.ndarray
    grid0: float = -1000.0
    grid_step: float = 5.0
    bin0: float = 350.0
    bin_w: float = 50.0

    def __post_init__(self):
        self.cdf.setflags(write=False)

    @property
    def grid(self) -> np.ndarray:
        """ΔRR grid (ms)."""
        return self.grid0 + self.grid_step * np.arange(self.cdf.shape[1])


def _grid(grid0=-1000.0, step=5.0, n=401) -> np.ndarray:
    return grid0 + step * np.arange(n)


@lru_cache(maxsize=8)
def default_af_templates(cv: float = 0.2) -> AFTemplates:
    """Parametric AF templates: ΔRR ~ Normal(0, sqrt(2) cv m) in the bin of mean m.

    Models AF intervals as independent draws with coefficient of variation ``cv``.
    Tateno & Glass tabulated empirical templates from the MIT-BIH AF database (16 bins,
    350-1100 ms); those tables are not public, so :func:`fit_af_templates` learns them
    from labelled data instead.

    Parameters
    ----------
    cv : float, default 0.2
        Coefficient of variation of the RR intervals in AF (SD over mean, no unit).

    Returns
    -------
    AFTemplates
        ΔRR CDFs on a grid of -1000 to +1000 ms (5-ms steps) for 15 mean-RR bins of 50 ms
        from 350 ms.

    Raises
    ------
    TypeError
        ``cv`` is not a number.
    ValueError
        ``cv`` is not positive and finite.

    Examples
    --------
    >>> t = default_af_templates()
    >>> t.cdf.shape, round(float(t.cdf[0, 200]), 3)
    ((15, 401), 0.5)
    """
    if isinstance(cv, bool) or not isinstance(cv, int | float | np.floating | np.integer):
        raise TypeError(f"cv must be a number (coefficient of variation), got {type(cv).__name__}")
    if not np.isfinite(cv) or cv <= 0:
        raise ValueError(f"cv must be a positive finite coefficient of variation, got {cv}")
    g = _grid()
    centres = 350.0 + 50.0 * (np.arange(15) + 0.5)
    sd = np.sqrt(2.0) * cv * centres
    cdf = stats.norm.cdf(g[None, :] / sd[:, None])
    return AFTemplates(cdf=np.ascontiguousarray(cdf))


def fit_af_templates(W, y, *, min_count: int = 200, cv: float = 0.2) -> AFTemplates:
    """Empirical AF templates from RR windows ``W`` (ms) labelled ``y`` (True = AF).

    The ΔRR values of all AF rows are pooled by the row's mean-RR bin; a bin with fewer
    than ``min_count`` values is blended with the parametric default
    (:func:`default_af_templates`) in proportion to its count.

    Parameters
    ----------
    W : array_like, shape (n_windows, n_intervals)
        RR windows in ms (e.g. :func:`rr_windows`); NaN allowed.
    y : array_like of bool, shape (n_windows,)
        True for the windows in AF (only these are pooled).
    min_count : int, default 200
        ΔRR values a mean-RR bin needs to use its empirical CDF alone (>= 1).
    cv : float, default 0.2
        Coefficient of variation of the parametric default the sparse bins are blended with.

    Returns
    -------
    AFTemplates
        ΔRR CDFs (grid in ms) per 50-ms mean-RR bin; the default templates when no row is
        in AF.

    Raises
    ------
    TypeError
        ``W`` is not numeric; ``min_count`` is not an integer.
    ValueError
        ``y`` does not hold one label per row of ``W``; ``W`` has more than 2 dimensions,
        or holds inf, values <= 0 or RR in seconds; ``min_count`` is not a whole number
        >= 1.

    Examples
    --------
    AF windows whose RR scatter less than the default assumes (SD 60 ms around 620 ms):
    the fitted CDF of the 600-650 ms bin (bin 5) puts more mass within ΔRR <= +100 ms.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> W = rng.normal(620.0, 60.0, size=(400, 12))  # RR windows, ms
    >>> t = fit_af_templates(W, np.ones(400, dtype=bool))
    >>> t.cdf.shape, float(t.grid[220])  # (bins, ΔRR grid), ms
    ((15, 401), 100.0)
    >>> round(float(default_af_templates().cdf[5, 220]), 2), round(float(t.cdf[5, 220]), 2)
    (0.71, 0.88)
    """
    W = _check_windows(W)
    y = np.asarray(y)
    if y.shape != (W.shape[0],) or y.dtype.kind not in "biuf":
        raise ValueError(f"y must be one bool per row of W ({W.shape[0]}), got shape {y.shape}")
    y = y.astype(bool)
    min_count = check_count(min_count, "min_count", minimum=1)
    base = default_af_templates(cv)
    g = base.grid
    cdf = base.cdf.copy()
    rows = W[y]
    if rows.size == 0:
        return base
    d = np.diff(rows, axis=1)
    m = np.nanmean(rows, axis=1)
    b = np.clip(np.floor((m - base.bin0) / base.bin_w), 0, cdf.shape[0] - 1)
    for k in range(cdf.shape[0]):
        v = d[b == k].ravel()
        v = np.sort(v[np.isfinite(v)])
        if v.size == 0:
            continue
        emp = np.searchsorted(v, g, side="right") / v.size
        w = min(1.0, v.size / min_count)
        cdf[k] = w * emp + (1.0 - w) * cdf[k]
    return AFTemplates(cdf=np.ascontiguousarray(cdf))


def rr_windows(rr_ms, width: int) -> np.ndarray:
    """Beat-centred RR windows: row ``i`` holds ``rr[i - width//2 : i - width//2 + width]``.

    Parameters
    ----------
    rr_ms : array_like, shape (n,)
        RR intervals in ms (NaN allowed).
    width : int
        Intervals per window (>= 2).

    Returns
    -------
    ndarray, shape (n, width)
        NaN where the window runs past either end of the series.

    Examples
    --------
    >>> rr_windows([800.0, 810.0, 790.0], 2)
    array([[ nan, 800.],
           [800., 810.],
           [810., 790.]])
    """
    rr = check_rr(rr_ms)  # 1-D, ms, no inf / <= 0 (af_window_stats checks the same)
    if not isinstance(width, (int, np.integer)) or isinstance(width, bool) or width < 2:
        raise ValueError(f"width must be an integer >= 2 (intervals), got {width!r}")
    return centered_windows(np.ascontiguousarray(rr, dtype=np.float64), int(width))


def _check_windows(W) -> np.ndarray:
    W = np.asarray(W)
    if W.dtype == object or not np.issubdtype(W.dtype, np.number):
        raise TypeError(f"RR windows must be numeric (ms), got dtype {W.dtype}")
    if W.ndim == 1:
        W = W[None, :]
    if W.ndim != 2:
        raise ValueError(f"RR windows must be 2-D (n_windows, n_intervals), got {W.ndim}-D")
    W = np.ascontiguousarray(W, dtype=np.float64)
    check_rr(W.ravel(), "W (RR windows, ms)")  # inf, <= 0 and RR in seconds: clear errors
    return W


def af_window_stats(
    W,
    *,
    templates: AFTemplates | None = None,
    cosen_r_ms: float = 30.0,
    min_intervals: int = 4,
) -> np.ndarray:
    """AF statistics of each RR window (see the module docstring for the definitions).

    Parameters
    ----------
    W : array_like, shape (n_windows, n_intervals) or (n_intervals,)
        RR intervals in ms; NaN = missing.
    templates : AFTemplates, optional
        Templates of the TG_D statistic (default :func:`default_af_templates`).
    cosen_r_ms : float, default 30
        Starting tolerance of COSEn, ms.
    min_intervals : int, default 4
        Rows with fewer finite intervals get NaN statistics (>= 1).

    Returns
    -------
    ndarray, shape (n_windows, 15)
        Columns in the order of :data:`AF_STAT_NAMES`.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> sinus = 800 + 10 * rng.standard_normal(40)
    >>> af = rng.uniform(400, 1000, 40)
    >>> s = af_window_stats(np.vstack([sinus, af]))
    >>> names = list(AF_STAT_NAMES)
    >>> bool(s[1, names.index("nRMSSD")] > 5 * s[0, names.index("nRMSSD")])
    True
    >>> bool(s[1, names.index("TG_D")] < s[0, names.index("TG_D")])
    True
    """
    W = _check_windows(W)
    t = default_af_templates() if templates is None else templates
    if not isinstance(t, AFTemplates):
        raise TypeError(f"templates must be AFTemplates, got {type(t).__name__}")
    if not (np.isfinite(cosen_r_ms) and cosen_r_ms > 0):
        raise ValueError(f"cosen_r_ms must be positive (ms), got {cosen_r_ms}")
    min_intervals = check_count(min_intervals, "min_intervals", minimum=1)
    if W.shape[0] == 0:
        return np.empty((0, N_AF_STATS))
    return af_row_stats(
        W,
        np.ascontiguousarray(t.cdf, dtype=np.float64),
        float(t.grid0),
        float(t.grid_step),
        float(t.bin0),
        float(t.bin_w),
        float(cosen_r_ms),
        int(min_intervals),
    )


def _rhythm_changes(annotations, symbols) -> tuple[np.ndarray, list[str]]:
    """Sample and code of each rhythm-change annotation among ``symbols``."""
    if not all(hasattr(annotations, a) for a in ("sample", "symbol", "aux_note")):
        raise TypeError(
            "annotations must be a geoecg.io.Annotations (sample, symbol, aux_note; e.g. "
            f"read_record(...).annotations), got {type(annotations).__name__}"
        )
    sym = np.asarray(annotations.symbol).astype(str)
    aux = np.asarray(annotations.aux_note).astype(str)
    samples, codes = [], []
    for s, a, k in zip(annotations.sample, aux, sym, strict=True):
        if k not in symbols:
            continue
        m = _CODE.match(a.strip().strip("\x00").strip())
        # MIT-BIH: "(AFIB"; SHDB-AF comment annotations may carry the code without "("
        if m is None or (k == "+" and not a.strip().startswith("(")):
            continue
        samples.append(int(s))
        codes.append(m.group(1))
    return np.asarray(samples, dtype=np.int64), codes


def beat_rhythms(annotations, beat_samples, *, symbols=("+", '"'), before_first="") -> np.ndarray:
    """Rhythm code in force at each beat, from rhythm-change aux notes.

    Parameters
    ----------
    annotations : geoecg.io.Annotations
        Annotations of the record.
    beat_samples : array_like of int
        Beat positions (samples).
    symbols : tuple of str, default ("+", '"')
        Annotation symbols that carry rhythm codes: ``+`` (MIT-BIH, aux ``(AFIB``) and
        ``"`` (comment annotations, the SHDB-AF layout; the ``(`` is optional there).
    before_first : str, default ""
        Code for beats before the first rhythm annotation.

    Returns
    -------
    ndarray of str
        Codes without the ``(``: ``"N"``, ``"AFIB"``, ``"AFL"``, ...

    Notes
    -----
    A rhythm annotation holds from its sample (inclusive) to the next one, as in
    :func:`geoecg.io.rhythm_episodes` (which this extends to comment annotations).

    Examples
    --------
    >>> from geoecg.datasets import sample_record_path
    >>> from geoecg.io import read_record, beat_annotations
    >>> rec = read_record(sample_record_path("mitdb_201"))
    >>> beats = beat_annotations(rec.annotations)["sample"].to_numpy()
    >>> r = beat_rhythms(rec.annotations, beats)
    >>> sorted(set(r.tolist()))[:2]
    ['AFIB', 'N']
    """
    beats = np.asarray(beat_samples)
    if beats.ndim != 1 or not np.issubdtype(beats.dtype, np.integer):
        raise ValueError("beat_samples must be a 1-D array of integer sample indices")
    starts, codes = _rhythm_changes(annotations, tuple(symbols))
    order = np.argsort(starts, kind="stable")
    starts = starts[order]
    codes_arr = np.asarray([before_first] + [codes[i] for i in order], dtype=object)
    idx = np.searchsorted(starts, beats, side="right")
    return codes_arr[idx].astype(str)


def af_beat_labels(
    annotations, beat_samples, *, positive=("AFIB",), symbols=("+", '"')
) -> np.ndarray:
    """Boolean AF label per beat: True where the rhythm code is in ``positive``.

    Parameters
    ----------
    annotations : geoecg.io.Annotations
        Annotations of the record.
    beat_samples : array_like of int
        Beat positions (samples).
    positive : tuple of str, default ("AFIB",)
        Rhythm codes (without the ``(``) labelled True.
    symbols : tuple of str, default ("+", '"')
        Annotation symbols that carry rhythm codes (see :func:`beat_rhythms`).

    Returns
    -------
    ndarray of bool, shape (n_beats,)
        True for the beats in a rhythm of ``positive``.

    Examples
    --------
    >>> from geoecg.datasets import sample_record_path
    >>> from geoecg.io import read_record, beat_annotations
    >>> rec = read_record(sample_record_path("mitdb_201"))
    >>> beats = beat_annotations(rec.annotations)["sample"].to_numpy()
    >>> y = af_beat_labels(rec.annotations, beats)
    >>> bool(0 < y.mean() < 1)
    True
    """
    r = beat_rhythms(annotations, beat_samples, symbols=symbols)
    return np.isin(r, list(positive))
