"""Reconstruct the 12-lead ECG from a subset of leads with linear models.

:class:`LeadReconstructor` is a scikit-learn transformer fitted on 12-lead records; its
three methods are the classical baselines of the lead-reconstruction literature:

- ``"population"``: one ridge regression for everyone, from the source leads (optionally
  with time-delay taps) to each missing lead, fitted on all time samples of the training
  records (Nelwan et al. 2004; the "universal" transform of Scherer & Willems).
- ``"gaussian"``: the conditional mean of the missing leads given the source leads under a
  Gaussian model whose covariance is the mean of the records' OAS-shrunk lead covariances
  (:func:`geoecg.riemann.lead_covariances`) plus optional shrinkage towards its diagonal.
- ``"patient"``: a per-record ridge regression calibrated on the first ``calibration_s``
  seconds of the record's own 12 leads, shrunk towards the population weights, applied
  to the rest of the record (Horacek et al. 2008: patient-specific transforms).

When leads I and II are both sources, the other four limb leads are computed exactly by
Einthoven's and Goldberger's relations (``limb_relations=True``).

Two options make the maps piecewise linear (all three methods): ``phase_edges_s`` fits one
map (with an intercept: the phase's mean waveform) per beat phase, the signed distance of
a sample to the nearest R-peak detected on the source leads, each phase's map shrunk towards
the pooled one; ``rectified=True`` adds ``|x|`` of every source column, so that positive and
negative deflections get their own weights.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._three_d_input import ThreeDInputMixin
from ._invalid import (
    FLAT_MV,
    check_fs_matches,
    flat_or_nonfinite,
    training_fs,
    usable_training_records,
)
from ._linear_maps import _LinearMaps
from ._neighbours import blend_neighbour_maps, fit_neighbour_maps, source_descriptors
from ._params import METHODS, check_params
from ._rescale import apply_r_amplitude_map, fit_r_amplitude_map, source_rpeaks
from ._templates import _window, blend_templates, median_beats
from .names import STANDARD_LEADS
from .relations import limb_leads
from .scores import ReconstructionScores, reconstruction_scores

__all__ = ["LeadReconstructor", "ReconstructionScores", "reconstruction_scores", "METHODS"]

#: Pull of the pooled weights on each beat phase's weights, in units of the phase's own
#: mean Gram diagonal (population and patient methods with ``phase_edges_s``).
PHASE_PRIOR = 0.1


class LeadReconstructor(ThreeDInputMixin, _LinearMaps, TransformerMixin, BaseEstimator):
    """Reconstruct the standard 12 leads from a subset (linear, fitted on 12-lead records).

    Parameters
    ----------
    source : sequence of str or comma-separated str, default ("I", "II", "V3")
        The recorded leads (any accepted spelling, see :func:`geoecg.leads.parse_lead`).
    method : {"population", "gaussian", "patient"}, default "population"
        See the module notes.
    n_taps : int, default 0
        Time-delay taps on each side: every source lead enters at delays
        ``-n_taps .. n_taps`` samples (``2 n_taps + 1`` columns per lead).
    alpha : float, default 1e-3
        Ridge penalty of ``"population"`` and ``"patient"``, relative to the mean diagonal of
        the design's Gram matrix over the signal columns (dimensionless).
    shrinkage : float, default 0.0
        ``"gaussian"``: weight of the diagonal in ``(1 - s) Sigma + s diag(Sigma)``, in [0, 1).
    fs : float, optional
        Sampling frequency (Hz); needed by ``"patient"`` (``calibration_s`` in samples) and
        by ``phase_edges_s``. When given it must be a positive finite number of Hz, also
        for a method that does not use it (``fit`` raises naming ``fs``). It is the rate of
        the training records that ``transform(X, fs=...)`` is checked against.
    calibration_s : float, default 2.0
        ``"patient"``: length (s) of the 12-lead segment at the start of each record used
        to calibrate that record's transform.
    prior_strength : float, default 1.0
        ``"patient"``: pull of the population weights, in units of the calibration
        segment's own Gram matrix (0 = calibration data alone, plus the ridge).
    phase_edges_s : sequence of float, optional
        Bin edges (s) of the signed distance to the nearest R-peak (detected on the source
        leads by :func:`geoecg.features.detect_rpeaks`): one map per bin, plus an intercept
        per bin; ``BEAT_PHASE_EDGES_S`` gives 10 phases. Needs ``fs``. Records without a
        detected beat use the pooled map. ``"gaussian"``: per phase, the conditional mean
        under the phase's own mean and covariance (shrunk by ``shrinkage``).
    rectified : bool, default False
        Add ``|x|`` of every (delayed) source column to the design (``True`` or ``False``;
        ``rectified`` and ``limb_relations`` of another type are a ``TypeError``).
    template_neighbors : int, default 0
        Population and gaussian methods: with ``k > 0``, blend the linear prediction with the
        mean median beat of the missing leads of the ``k`` training records whose median
        source beat is nearest (:mod:`geoecg.leads._templates`), within -0.25 .. +0.45 s of
        each R-peak detected on the sources. Needs ``fs``.
    template_weight : float, default 0.5
        Weight of that template against the linear prediction, in (0, 1].
    map_neighbors : int, default 0
        Population method, one source lead: with ``k > 0``, blend 50/50 with the
        similarity-weighted average of the own maps (this design, fitted on each training
        record's 12 leads) of the ``k`` training records whose source lead is most alike
        (:mod:`geoecg.leads._neighbours`; the bench's single-lead default, ``k = 20``).
        Needs ``fs``.
    amplitude : {"conditional", "r_quantile"}, default "conditional"
        ``"conditional"`` returns the conditional mean, whose amplitudes regress toward the
        population. ``"r_quantile"`` (population and gaussian methods; needs ``fs``)
        rescales each reconstructed lead of each record about its median by one positive
        factor so that the per-record R amplitudes (:func:`geoecg.leads.r_amplitudes`,
        R-peaks detected on the sources) follow the true leads' distribution in the
        training records (quantile mapping, :mod:`geoecg.leads._rescale`): per-record
        Pearson r unchanged, larger RMSE.
    limb_relations : bool, default True
        With I and II among the sources, III, aVR, aVL and aVF are computed exactly.
    on_invalid : {"raise", "nan"}, default "raise"
        What ``transform`` does with a record whose source leads hold NaN or are flat
        (SD < 1e-4 mV): raise ``ValueError`` naming the records, or return NaN for that
        record's reconstructed leads (source leads copied as they are) and list it in
        ``invalid_records_``. What ``fit`` does with a training record that holds NaN/inf
        in any lead or a flat source or fitted target lead: raise ``ValueError`` naming the
        records and why, or leave them out with a ``UserWarning`` naming them (listed in
        ``dropped_records_``).

    Attributes
    ----------
    source_ : tuple of str
        Canonical source lead names.
    target_ : tuple of str
        Leads predicted by the linear model (the 12 minus the sources, minus the limb leads
        when ``limb_relations`` applies).
    coef_ : ndarray, shape (n_features, n_target)
        Pooled weights (population / gaussian; the prior of ``"patient"``); the features are
        the per-record centred source leads at each delay (then their ``|x|``, then a
        constant with ``phase_edges_s``).
    phase_coef_ : ndarray, shape (n_phases, n_features, n_target) or None
        Weights per beat phase (``phase_edges_s``).
    amplitude_map_ : ndarray, shape (2, n_quantiles, n_target) or None
        ``amplitude="r_quantile"``: quantiles of the per-record R amplitude (mV) of the
        in-sample reconstructed and of the true training leads.
    neighbour_maps_ : NeighbourMaps or None
        ``map_neighbors``: the training records' own maps and source-lead descriptors.
    invalid_records_ : ndarray of int
        Records of the last ``transform`` that were invalid (``on_invalid="nan"``).
    dropped_records_ : ndarray of int
        Training records that ``fit`` left out (``on_invalid="nan"``; empty otherwise).
    fs_ : float or None
        Sampling rate (Hz) of the training records: ``fit(X, fs=...)`` or the ``fs``
        parameter; None when neither was given (then ``transform`` cannot check a rate).

    Raises
    ------
    ValueError
        A lead name is unknown; ``X`` is not (n_records, n_leads, n_samples) with 12
        leads in the standard order in ``fit`` (the sources or 12 in ``transform``);
        with ``on_invalid="raise"`` (the default), a training record holds NaN or inf or a
        flat source or target lead (the message names the records), or a record to
        transform has flat (SD < 1e-4 mV) or non-finite source leads; no training record is
        usable; or ``fs`` given to ``transform`` / ``score_leads`` differs from the training
        rate ``fs_``.
    TypeError
        ``X`` does not hold real numbers.

    Notes
    -----
    Signals are centred per record and lead before fitting and before prediction (the
    reconstructed leads have zero mean over the record); band-pass filter the records
    first (e.g. 0.5-40 Hz) so that baseline wander, which no lead predicts, is not fitted.
    ``fit`` reads arrays ``(n_records, 12, n_samples)`` in the order of
    :data:`geoecg.leads.STANDARD_LEADS`; ``transform`` accepts the same shape (only the
    source leads are read, except by ``"patient"``, which reads all 12 leads inside its
    calibration segment) or ``(n_records, n_source, n_samples)`` with the sources in the
    order of ``source``. It always returns all 12 leads, sources copied.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> S = rng.standard_normal((20, 3, 300))
    >>> M = rng.standard_normal((12, 3))
    >>> X = np.einsum("ls,nst->nlt", M, S)
    >>> X[:, [0, 1, 8]] = S
    >>> rec = LeadReconstructor(limb_relations=False, alpha=0.0).fit(X)
    >>> R = rec.transform(X)  # missing leads recovered (centred), sources copied
    >>> bool(np.allclose(R[:, 2:8], (X - X.mean(-1, keepdims=True))[:, 2:8], atol=1e-8))
    True
    >>> bool(np.array_equal(R[:, 8], X[:, 8]))
    True
    """

    def __init__(
        self,
        source=("I", "II", "V3"),
        method="population",
        *,
        n_taps=0,
        alpha=1e-3,
        shrinkage=0.0,
        fs=None,
        calibration_s=2.0,
        prior_strength=1.0,
        phase_edges_s=None,
        rectified=False,
        template_neighbors=0,
        template_weight=0.5,
        map_neighbors=0,
        amplitude="conditional",
        limb_relations=True,
        on_invalid="raise",
    ):
        self.source = source
        self.method = method
        self.n_taps = n_taps
        self.alpha = alpha
        self.shrinkage = shrinkage
        self.fs = fs
        self.calibration_s = calibration_s
        self.prior_strength = prior_strength
        self.phase_edges_s = phase_edges_s
        self.rectified = rectified
        self.template_neighbors = template_neighbors
        self.template_weight = template_weight
        self.map_neighbors = map_neighbors
        self.amplitude = amplitude
        self.limb_relations = limb_relations
        self.on_invalid = on_invalid

    # ------------------------------------------------------------------ checks
    def _check_params(self):
        return check_params(self)

    @staticmethod
    def _as_array(X, name="X") -> np.ndarray:
        try:
            X = np.asarray(X)
        except ValueError as exc:  # a list of records of different lengths
            raise ValueError(
                f"{name} must be one array (n_records, n_leads, n_samples): its records differ "
                "in length (crop or pad them to one length first)"
            ) from exc
        if X.dtype == object or X.dtype.kind not in "biuf":
            raise TypeError(f"{name} must hold real numbers, got dtype {X.dtype}")
        if X.ndim != 3:
            raise ValueError(
                f"{name} must have shape (n_records, n_leads, n_samples), got {X.ndim} dimensions"
            )
        return X.astype(np.float64, copy=False)

    # ------------------------------------------------------------------ fit
    def fit(self, X, y=None, fs=None):
        """Fit the linear map from the source leads to the missing leads; returns self.

        Parameters
        ----------
        X : array_like, shape (n_records, 12, n_samples)
            12-lead training records (mV), standard lead order, all finite, no flat
            (SD < ``FLAT_MV`` = 1e-4 mV) source or fitted target lead; otherwise ``fit``
            raises naming the records, or leaves them out with a warning
            (``on_invalid="nan"``, see ``dropped_records_``).
        y : ignored
        fs : float, optional
            Sampling rate of ``X`` (Hz), kept as ``fs_`` for ``transform(X, fs=...)`` to
            check; must equal the ``fs`` parameter when both are given.

        Raises
        ------
        ValueError
            Besides the record checks above: ``template_neighbors`` / ``map_neighbors``
            with training records shorter than the 0.7-s beat window at ``fs`` (session 28:
            was a silent no-op, or a ``MemoryError`` for an ``fs`` far above the records'
            rate); ``amplitude="r_quantile"`` where no training record has an R-peak on the
            source leads (was a map of NaN that left the amplitudes as they were).
        """
        src = self._check_params()
        X = self._as_array(X)
        if X.shape[1] != len(STANDARD_LEADS):
            raise ValueError(
                f"fit needs 12-lead records in the order {STANDARD_LEADS}, got {X.shape[1]} leads"
            )
        if X.shape[0] < 1 or X.shape[2] < 2:
            raise ValueError(f"X needs at least 1 record of 2 samples, got shape {X.shape}")
        if 2 * self.n_taps + 1 > X.shape[2]:  # the lag window must fit in a record
            raise ValueError(
                f"n_taps={self.n_taps} needs records of at least 2 * n_taps + 1 samples, "
                f"got {X.shape[2]}"
            )
        fitted_fs = training_fs(self.fs, fs)
        src_idx = np.array([STANDARD_LEADS.index(s) for s in src])
        exact = self.limb_relations and "I" in src and "II" in src
        rest = [n for n in STANDARD_LEADS if n not in src]
        if exact:
            rest = [n for n in rest if n not in ("III", "aVR", "aVL", "aVF")]
        tgt_idx = np.array([STANDARD_LEADS.index(s) for s in rest], dtype=int)
        keep = usable_training_records(X, src_idx, tgt_idx, STANDARD_LEADS, self.on_invalid)
        self.dropped_records_ = np.flatnonzero(~keep)
        if not keep.all():
            X = X[keep]
        self.source_, self.src_idx_, self.fs_ = src, src_idx, fitted_fs
        self.exact_limbs_ = bool(exact)
        self.target_ = tuple(rest)
        self.tgt_idx_ = tgt_idx
        fs = None if self.fs is None else float(self.fs)
        rp = source_rpeaks(X[:, self.src_idx_], fs) if self.amplitude != "conditional" else None
        P = self._phases(X[:, self.src_idx_], rp)
        if self.method == "gaussian":
            self.coef_, self.phase_coef_ = self._fit_gaussian(X, P)
        else:
            G, B = self._gram(X, P)
            self.coef_ = self._solve(G[0], B[0], self.alpha)
            self.phase_coef_ = self._solve_phases(G, B, self.alpha, PHASE_PRIOR)
        self.n_features_ = self.coef_.shape[0]
        self.amplitude_map_ = self.template_keys_ = self.template_beats_ = None
        self.neighbour_maps_ = peaks = keys = desc = None
        if self.template_neighbors or self.map_neighbors:
            pre, post = _window(float(self.fs))
            if pre + post > X.shape[2]:  # no beat fits: was a silent no-op, or a MemoryError
                raise ValueError(
                    f"template_neighbors / map_neighbors take median beats of {pre + post} "
                    f"samples (-0.25 .. +0.45 s at fs={float(self.fs):g} Hz) from the training "
                    f"records, which have {X.shape[2]}: fs must be the records' sampling rate "
                    "in Hz, and the records at least 0.7 s long"
                )
            B, peaks = median_beats(X, self.src_idx_, float(self.fs))
        if self.map_neighbors:
            desc = source_descriptors(B[:, self.src_idx_[0]], peaks, float(self.fs), _window(fs)[0])
            self.neighbour_maps_ = fit_neighbour_maps(self, X, P, *desc, PHASE_PRIOR)
        if self.template_neighbors:
            keys = B[:, self.src_idx_].reshape(len(B), -1)
            ok = np.isfinite(keys).all(axis=1)
            self.template_keys_, self.template_beats_ = keys[ok], B[ok][:, self.tgt_idx_]
            self_row = np.where(ok, np.cumsum(ok) - 1, -1)  # leave each record out of its bank
        if self.amplitude != "conditional":
            Y = X[:, self.tgt_idx_]
            pred = self._predict(X[:, self.src_idx_], self.coef_, self.phase_coef_, P)
            if keys is not None:
                self._blend(pred, keys, peaks, exclude=self_row)
            if self.neighbour_maps_ is not None:
                own = np.where(desc[2], np.cumsum(desc[2]) - 1, -1)  # leave each record out
                self._blend_maps(pred, X[:, self.src_idx_], P, desc, exclude=own)
            Y = Y - Y.mean(axis=-1, keepdims=True)
            self.amplitude_map_ = fit_r_amplitude_map(Y, pred, fs, rp)
        return self

    def _blend(self, pred, keys, peaks, exclude=None):
        return blend_templates(
            pred,
            keys,
            peaks,
            self.template_keys_,
            self.template_beats_,
            self.template_neighbors,
            self.template_weight,
            float(self.fs),
            exclude=exclude,
        )

    def _blend_maps(self, pred, S, P, desc, exclude=None):
        bank, k = self.neighbour_maps_, self.map_neighbors
        return blend_neighbour_maps(self, bank, pred, S, P, *desc, k, exclude=exclude)

    # ------------------------------------------------------------------ transform
    def _sources(self, X):
        if X.shape[1] == len(STANDARD_LEADS):
            return X[:, self.src_idx_]
        if X.shape[1] == len(self.source_) and self.method != "patient":
            return X
        want = "12" if self.method == "patient" else f"12 or {len(self.source_)}"
        raise ValueError(f"X must have {want} leads (sources {self.source_}), got {X.shape[1]}")

    def transform(self, X, fs=None):
        """All 12 leads ``(n_records, 12, n_samples)`` in mV, sources copied.

        Parameters
        ----------
        X : array_like, shape (n_records, 12 or n_source, n_samples)
            Records (mV), see the class notes. 0 records give ``(0, 12, n_samples)``; an
            empty list gives ``(0, 12, 0)``.
        fs : float, optional
            Sampling rate of ``X`` (Hz); checked against the training rate ``fs_`` (a
            ``ValueError`` when they differ; unchecked when either is unknown).

        Raises
        ------
        ValueError
            For a record whose source leads hold NaN/inf, are flat or have fewer than
            2 samples, unless ``on_invalid="nan"``; ``fs`` differs from ``fs_``.
        """
        check_is_fitted(self, "coef_")
        check_fs_matches(fs, getattr(self, "fs_", self.fs))
        if isinstance(X, (list, tuple)) and len(X) == 0:  # 0 records, as (0, 12, 0)
            X = np.zeros((0, len(STANDARD_LEADS), 0))
        X = self._as_array(X)
        S = self._sources(X)
        n, _, T = S.shape
        bad = flat_or_nonfinite(S)
        if bad.any() and self.on_invalid == "raise":
            rows = np.flatnonzero(bad)
            raise ValueError(
                f"source leads {self.source_} hold NaN/inf, are flat (SD < {FLAT_MV} mV) or "
                f"have fewer than 2 samples in records {rows[:10].tolist()}"
                f"{' ...' if rows.size > 10 else ''}; repair them or pass on_invalid='nan'"
            )
        self.invalid_records_ = np.flatnonzero(bad)
        out = np.full((n, len(STANDARD_LEADS), T), np.nan)
        out[:, self.src_idx_] = S
        ok = ~bad
        if ok.any():
            Sok = S[ok]
            rp = source_rpeaks(Sok, float(self.fs)) if self.amplitude != "conditional" else None
            P = self._phases(Sok, rp)
            if self.method == "patient":
                pred = self._patient(X[ok], P)
            else:
                pred = self._predict(Sok, self.coef_, self.phase_coef_, P)
                tmpl = getattr(self, "template_keys_", None) is not None
                nbm = getattr(self, "neighbour_maps_", None) is not None
                if tmpl or nbm:
                    B, peaks = median_beats(Sok, range(Sok.shape[1]), float(self.fs))
                if tmpl:
                    self._blend(pred, B.reshape(len(B), -1), peaks)
                if nbm:
                    fs = float(self.fs)
                    desc = source_descriptors(B[:, 0], peaks, fs, _window(fs)[0])
                    self._blend_maps(pred, Sok, P, desc)
                pred = self._rescale(pred, Sok, rp)
            out[np.ix_(ok, self.tgt_idx_)] = pred
            if self.exact_limbs_:
                i, ii = STANDARD_LEADS.index("I"), STANDARD_LEADS.index("II")
                out[ok, :6] = limb_leads(out[ok, i], out[ok, ii])
        return out

    def _rescale(self, pred, S, rpeaks=None):
        """The ``amplitude`` map of the fitted reconstructor on predictions ``pred``."""
        table = getattr(self, "amplitude_map_", None)
        if table is None:
            return pred
        fs = float(self.fs)
        rp = source_rpeaks(S, fs) if rpeaks is None else rpeaks
        return apply_r_amplitude_map(pred, table, fs, rp)

    def calibration_samples(self) -> int:
        """Samples of the calibration segment (``"patient"``; 0 for the other methods)."""
        check_is_fitted(self, "coef_")
        if self.method != "patient":
            return 0
        return int(round(self.calibration_s * self.fs))

    def score_leads(self, X, *, reconstructed=None, fs=None) -> ReconstructionScores:
        """Per-lead r and RMSE (µV) of the reconstructed leads against the true ones.

        Parameters
        ----------
        X : array_like, shape (n_records, 12, n_samples)
            True 12-lead records (mV); records of the source leads alone (which
            :meth:`transform` accepts) are a ``ValueError``: there is nothing to score.
        reconstructed : array_like, optional
            ``transform(X)`` when already computed.
        fs : float, optional
            Sampling rate of ``X`` (Hz), checked as by :meth:`transform`.

        Notes
        -----
        Only the leads that are not sources are scored (the limb leads computed by the
        Einthoven/Goldberger relations included); the ``"patient"`` calibration segment is
        left out; truth and reconstruction are centred per record and lead over the scored
        samples (RMSE without offsets).
        """
        check_is_fitted(self, "coef_")
        check_fs_matches(fs, getattr(self, "fs_", self.fs))
        X = self._as_array(X)
        if X.shape[1] != len(STANDARD_LEADS):
            raise ValueError(
                f"X must hold the true 12 leads to score against, (n_records, 12, n_samples); "
                f"got {X.shape[1]} leads"
            )
        R = self.transform(X) if reconstructed is None else np.asarray(reconstructed)
        miss = [i for i, n in enumerate(STANDARD_LEADS) if n not in self.source_]
        start = self.calibration_samples()
        Xt, Rt = X[:, miss, start:], R[:, miss, start:]
        Xt = Xt - Xt.mean(axis=-1, keepdims=True)
        Rt = Rt - Rt.mean(axis=-1, keepdims=True)
        return reconstruction_scores(Xt, Rt, [STANDARD_LEADS[i] for i in miss])

    def score(self, X, y=None) -> float:
        """Mean Pearson r over the reconstructed leads (see :meth:`score_leads`)."""
        return self.score_leads(X).mean_r

    def get_feature_names_out(self, input_features=None):
        """The 12 standard lead names."""
        check_is_fitted(self, "coef_")
        return np.asarray(STANDARD_LEADS, dtype=object)
