"""HRV + signal-quality features of ECG windows and the :class:`NoiseDetector` classifier."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d

from ..._kernels.hrv_batch import N_FEATURES
from ..._rows import validate_table, zero_rows
from ..._validation import check_windows_layout, check_y
from ..hrv import HRV_BLOCKS, HRV_FEATURE_NAMES, _check_fs
from ..hrv_batch import _run_batch
from ..sqi import SQI_NAMES, _as_1d, sqi_features
from .level import NOISE_LEVEL_NAMES, noise_level_features

__all__ = [
    "NOISE_FEATURE_NAMES",
    "NOISE_FEATURE_SETS",
    "NOISE_MONOTONIC",
    "NoiseDetector",
    "noise_window_features",
]

_HRV_USED = HRV_BLOCKS["time"] + HRV_BLOCKS["nonlinear"]
_HRV_IDX = np.array([HRV_FEATURE_NAMES.index(n) for n in _HRV_USED])
#: Columns of :func:`noise_window_features`: the 8 SQIs, beats per minute, the time-domain
#: and nonlinear HRV indices of the detected beats (frequency indices are undefined on
#: short windows and left out), then the 12 noise-level estimates of
#: :func:`geoecg.features.noise_level_features`.
NOISE_FEATURE_NAMES: tuple[str, ...] = SQI_NAMES + ("BeatRate",) + _HRV_USED + NOISE_LEVEL_NAMES

#: Sign of the effect each feature may have on the noise probability when
#: ``NoiseDetector(monotonic=True)``: +1 more noise as the feature grows, -1 less. Physical
#: knowledge, not learned: more agreement between detectors (bSQI) or beats (tSQI) and a
#: higher estimated SNR mean a cleaner window; flat, clipped or residual-dominated windows
#: are noisier. Unlisted features are unconstrained.
NOISE_MONOTONIC: dict[str, int] = {
    "bSQI": -1,
    "tSQI": -1,
    "flatFrac": 1,
    "clipFrac": 1,
    "SNRtemplate": -1,
    "SNRbeat": -1,
    "SNRwindow": -1,
    "ResidualFrac": 1,
    "RangeRatio": 1,
}

#: Feature sets of ``NoiseDetector(features=)``: ``"all"`` every column of
#: :data:`NOISE_FEATURE_NAMES`; ``"physical"`` only the columns of :data:`NOISE_MONOTONIC`,
#: whose effect on the noise probability has a known sign (each constrained when
#: ``monotonic=True``). The physical set gives up some accuracy within a dataset for
#: rankings that carry across datasets: HRV indices and spectral shapes differ between
#: populations and devices (CinC 2017's handheld recordings, with AF, against MIT-BIH), and
#: trees fitted on one dataset learn those differences as noise evidence.
NOISE_FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "all": NOISE_FEATURE_NAMES,
    "physical": tuple(n for n in NOISE_FEATURE_NAMES if n in NOISE_MONOTONIC),
}


def _windows_list(windows) -> list[np.ndarray]:
    if isinstance(windows, np.ndarray):
        if windows.ndim != 2:
            raise ValueError(
                f"windows must be 2-D (n_windows, n_samples) or a list of 1-D arrays, got "
                f"shape {windows.shape}"
            )
        check_windows_layout(windows)
        return [_as_1d(w, "window") for w in windows]
    return [_as_1d(w, "window") for w in windows]


def noise_window_features(windows, fs: float, *, progress: bool | None = False) -> np.ndarray:
    """Features of single-lead ECG windows for noise detection.

    Parameters
    ----------
    windows : ndarray (n_windows, n_samples) or list of 1-D arrays
        One lead per window, mV; windows may differ in length.
    fs : float
        Sampling frequency, Hz.
    progress : bool or None, default False
        Show a tqdm bar on stderr (None: only when stderr is a terminal).

    Returns
    -------
    ndarray, shape (n_windows, len(NOISE_FEATURE_NAMES))

    Examples
    --------
    >>> from geoecg.datasets import sample_record_path
    >>> from geoecg.io import read_record
    >>> rec = read_record(sample_record_path("mitdb_101"), sampto=7200)
    >>> F = noise_window_features([rec.signal[0, :3600], rec.signal[0, 3600:]], rec.fs)
    >>> F.shape == (2, len(NOISE_FEATURE_NAMES))
    True
    """
    from ..._progress import progress_bar
    from ..rpeaks import detect_rpeaks

    fs = _check_fs(fs)
    ws = _windows_list(windows)
    sqi = np.empty((len(ws), len(SQI_NAMES)))
    level = np.empty((len(ws), len(NOISE_LEVEL_NAMES)))
    rate = np.empty(len(ws))
    rrs, ts = [], []
    bar = progress_bar(ws, progress=progress, desc="window features", leave=False)
    for i, w in enumerate(bar):
        # no rhythm prior: beats that noise adds or hides are part of the evidence
        res = detect_rpeaks(w, fs, track=False)
        p = res.indices
        q = sqi_features(w, fs, rpeaks=p)
        sqi[i] = [q[k] for k in SQI_NAMES]
        lv = noise_level_features(w, fs, rpeaks=p)
        level[i] = [lv[k] for k in NOISE_LEVEL_NAMES]
        n_fin = int(np.isfinite(w).sum())  # the rate over the samples that were seen
        rate[i] = 60.0 * p.size / (n_fin / fs) if n_fin else np.nan
        rrs.append(res.rr_ms)  # NaN across gaps
        ts.append(p[1:].astype(np.float64) / fs)
    hrv = _run_batch(rrs, ts, None, 1) if ws else np.empty((0, N_FEATURES))
    return np.column_stack([sqi, rate, hrv[:, _HRV_IDX], level])


def _precomputed(det):
    """The 0-row column check applies to feature tables (``precomputed=True``) only."""
    return det if det.precomputed else None


class NoiseDetector(ClassifierMixin, BaseEstimator):
    """Classify ECG windows as clean (0) or noisy (1) from HRV and signal-quality features.

    Parameters
    ----------
    fs : float, optional
        Sampling frequency of the windows in Hz (required unless ``precomputed``).
    precomputed : bool, default False
        If True, ``X`` is already the output of :func:`noise_window_features`.
    features : {"all", "physical"}, default "all"
        Columns the model may use (:data:`NOISE_FEATURE_SETS`): every HRV, SQI and
        noise-level feature, or only the nine with a physical direction (detector
        agreement, beat-template SNR estimates, flat/clipped fractions). Use ``"physical"``
        when the detector is applied to another dataset than it was fitted on (see the
        ``geoecg bench noise`` figures). ``"physical"`` needs the columns of
        :data:`NOISE_FEATURE_NAMES`.
    monotonic : bool, default True
        Constrain the boosted trees so that the noise probability moves in the physical
        direction of the features listed in :data:`NOISE_MONOTONIC` (e.g. never rises with
        the estimated SNR). This keeps the ranking sensible outside the training range,
        which matters across datasets. Applied when ``X`` has the columns of
        :data:`NOISE_FEATURE_NAMES`; precomputed features of another layout are fitted
        unconstrained.
    max_iter, learning_rate, max_leaf_nodes, l2_regularization, min_samples_leaf :
        Parameters of the histogram gradient boosting classifier (which handles the NaN
        that degenerate windows produce natively).
    random_state : int, RandomState or None

    Attributes
    ----------
    classes_ : ndarray
    model_ : HistGradientBoostingClassifier
    n_features_in_ : int
        Number of input features.
    n_iter_ : int
        Boosting iterations run.
    kept_features_ : ndarray of int
        Columns used by the model (those of the ``features`` set not NaN in every training
        window).
    monotonic_cst_ : ndarray of int or None
        Constraint of each kept column (+1, -1, 0), or None when unconstrained.

    Notes
    -----
    Approach after Kalpande et al. (2025): HRV indices of the beats detected in a window
    change when noise creates false or missed beats; SQIs (bSQI, kurtosis, spectral
    ratios) measure the waveform directly, and the beat-template SNR estimates of
    :func:`geoecg.features.noise_level_features` measure the noise level on the scale the
    Noise Stress Test uses. Window length used in the benchmarks: 10 s.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> F = rng.standard_normal((60, len(NOISE_FEATURE_NAMES)))
    >>> y = (F[:, 1] > 0).astype(int)
    >>> det = NoiseDetector(precomputed=True, max_iter=20, random_state=0)
    >>> det = det.fit(F, y)
    >>> det.predict_proba(F).shape
    (60, 2)
    """

    def __init__(
        self,
        fs=None,
        *,
        precomputed=False,
        features="all",
        monotonic=True,
        max_iter=200,
        learning_rate=0.1,
        max_leaf_nodes=15,
        l2_regularization=1.0,
        min_samples_leaf=20,
        random_state=None,
    ):
        self.fs = fs
        self.precomputed = precomputed
        self.features = features
        self.monotonic = monotonic
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.l2_regularization = l2_regularization
        self.min_samples_leaf = min_samples_leaf
        self.random_state = random_state

    def _features(self, X, reset: bool):
        if not self.precomputed:
            if self.fs is None:
                raise ValueError("NoiseDetector needs fs (Hz) unless precomputed=True")
            X = noise_window_features(X, self.fs)
        return validate_table(self, X, reset=reset, ensure_all_finite="allow-nan")

    def fit(self, X, y):
        """Fit on windows (or precomputed features) ``X`` and labels ``y``."""
        check_y(y, estimator="NoiseDetector")
        F = self._features(X, reset=True)
        y = column_or_1d(check_array(y, ensure_2d=False, dtype=None), warn=True)  # no NaN/inf
        if y.shape[0] != F.shape[0]:
            raise ValueError(f"X has {F.shape[0]} windows but y has {y.shape[0]} labels")
        check_classification_targets(y)
        rs = check_random_state(self.random_state)
        # columns that are NaN in every training window (e.g. DFA on 10-s windows) carry
        # nothing, and scikit-learn 1.9's binning fails on them: drop them.
        usable = ~np.all(np.isnan(F), axis=0)
        if self.features not in NOISE_FEATURE_SETS:
            raise ValueError(
                f"features must be one of {sorted(NOISE_FEATURE_SETS)}, got {self.features!r}"
            )
        if self.features != "all":
            if self.n_features_in_ != len(NOISE_FEATURE_NAMES):
                raise ValueError(
                    f"features={self.features!r} needs the {len(NOISE_FEATURE_NAMES)} columns "
                    f"of NOISE_FEATURE_NAMES, got {self.n_features_in_}"
                )
            wanted = set(NOISE_FEATURE_SETS[self.features])
            usable &= np.array([n in wanted for n in NOISE_FEATURE_NAMES])
        self.kept_features_ = np.flatnonzero(usable)
        if self.kept_features_.size == 0:  # was scikit-learn's "0 feature(s)" message
            raise ValueError(
                f"X has no usable feature column: each of its {F.shape[1]} columns is NaN in "
                f"every one of the {F.shape[0]} training windows (features={self.features!r}); "
                "NaN features come from windows too short or without beats, or from all-NaN input"
            )
        F = F[:, self.kept_features_]
        self.monotonic_cst_ = None
        if self.monotonic and self.n_features_in_ == len(NOISE_FEATURE_NAMES):
            self.monotonic_cst_ = np.array(
                [NOISE_MONOTONIC.get(NOISE_FEATURE_NAMES[i], 0) for i in self.kept_features_]
            )
        self.model_ = HistGradientBoostingClassifier(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            l2_regularization=self.l2_regularization,
            min_samples_leaf=self.min_samples_leaf,
            early_stopping=False,
            monotonic_cst=self.monotonic_cst_,
            random_state=rs.randint(np.iinfo(np.int32).max),
        ).fit(F, y)
        self.classes_ = self.model_.classes_
        self.n_iter_ = int(self.model_.n_iter_)
        return self

    @zero_rows("proba", reference=_precomputed)
    def predict_proba(self, X):
        """Class probabilities, columns in the order of ``classes_``."""
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(self._features(X, reset=False)[:, self.kept_features_])

    @zero_rows("labels", reference=_precomputed)
    def predict(self, X):
        """Predicted class of each window."""
        check_is_fitted(self, "model_")
        return self.model_.predict(self._features(X, reset=False)[:, self.kept_features_])

    score = zero_rows("score", reference=_precomputed)(ClassifierMixin.score)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
