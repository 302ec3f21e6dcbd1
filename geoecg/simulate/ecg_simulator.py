"""Anticausal shift simulator whose biomarker is a synthetic 12-lead ECG."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_fs, check_layout
from .scm import AGE_CENTER_Y, AGE_SCALE_Y, AnticausalSCM, Environment, SCMSample, _sample_args
from .waveforms import swap_arm_leads, synthesize_ecg

__all__ = ["ECGWaveformSimulator", "waveform_summary_features"]


def waveform_summary_features(ecg: np.ndarray, fs: float) -> tuple[np.ndarray, list[str]]:
    """Simple per-lead features of 12-lead ECGs: mean, SD and range per lead + heart rate.

    Parameters
    ----------
    ecg : array, shape (n_records, n_leads, n_samples), mV
    fs : float
        Sampling rate (Hz).

    Returns
    -------
    X : ndarray, shape (n_records, 3 * n_leads + 1)
        Per lead: mean (mV), standard deviation (mV), max - min (mV); then the heart rate
        (beats/min) from the autocorrelation peak of the lead-sum signal between 30 and
        200 bpm (NaN when the record is shorter than two beats at 30 bpm or flat).
    names : list of str

    Examples
    --------
    >>> from geoecg.simulate import synthesize_ecg
    >>> e = synthesize_ecg(fs=100, duration_s=6, hr_bpm=[60, 90], hrv_lf=0, hrv_hf=0,
    ...                    random_state=0)
    >>> X, names = waveform_summary_features(e, fs=100)
    >>> X[:, -1].round(0).tolist()
    [60.0, 90.0]
    """
    # C order: numpy's sums follow memory order, so a Fortran-ordered ecg gave other last bits
    e = np.ascontiguousarray(ecg, dtype=np.float64)
    if e.ndim != 3:
        raise ValueError(f"ecg must have shape (n_records, n_leads, n_samples), got {e.shape}")
    check_layout(e, "ecg")  # (n_records, n_samples, n_leads) gave 3 * n_samples + 1 columns
    fs = check_fs(fs)  # text: a TypeError naming fs (was "'>' not supported")
    n, L, T = e.shape
    names = [f"{s}_{k}" for k in range(L) for s in ("mean", "sd", "range")]
    if T == 0:
        return np.full((n, 3 * L + 1), np.nan), names + ["hr_bpm"]
    feats = np.stack([e.mean(axis=2), e.std(axis=2), e.max(axis=2) - e.min(axis=2)], axis=2)
    feats = feats.reshape(n, 3 * L)
    lo, hi = int(np.floor(fs * 60 / 200)), int(np.ceil(fs * 60 / 30))
    hr = np.full(n, np.nan)
    if T - 1 > hi:  # a 1-sample record: no slope ("Mean of empty slice" before)
        s = np.abs(np.diff(e, axis=2)).sum(axis=1)  # slope energy: peaks at QRS complexes
        s = s - s.mean(axis=1, keepdims=True)
        m = 1 << int(np.ceil(np.log2(2 * s.shape[1])))
        F = np.fft.rfft(s, m, axis=1)
        ac = np.fft.irfft(F * np.conj(F), m, axis=1)[:, : hi + 1]
        seg = ac[:, lo : hi + 1]
        k = np.argmax(seg, axis=1)
        ok = ac[:, 0] > 0
        # parabolic refinement of the peak lag
        kk = np.clip(k, 1, seg.shape[1] - 2)
        y0, y1, y2 = (seg[np.arange(n), kk + d] for d in (-1, 0, 1))
        den = y0 - 2 * y1 + y2
        frac = np.where(den != 0, 0.5 * (y0 - y2) / np.where(den != 0, den, 1.0), 0.0)
        lag = lo + kk + np.clip(frac, -1, 1)
        hr = np.where(ok, 60.0 * fs / lag, np.nan)
    return np.column_stack([feats, hr]), names + ["hr_bpm"]


@dataclass(frozen=True)
class ECGWaveformSimulator:
    """E -> W -> Y as in :class:`AnticausalSCM`, then Y, W -> 12-lead ECG -> features.

    Heart rate, QRS width and amplitude, ST level and frontal axis are linear in Y,
    standardised age ``a = (age - 60) / 15`` and sex, plus Gaussian subject variability;
    the environment's mechanism fields act on the waveform: ``gain`` multiplies it,
    ``noise_sd`` adds white noise (mV), ``misplacement`` is the probability of a left/right
    arm electrode reversal. X is :func:`waveform_summary_features` of the waveform, plus
    the shortcut column if ``shortcut``.

    Parameters
    ----------
    intercept, beta_age, beta_sex, beta_site : see :class:`AnticausalSCM`
    hr, qrs_width, qrs_amp, st_mv, axis_deg : tuple of 5 floats
        ``(base, per Y, per standardised age, per female sex, subject SD)`` of each
        morphology parameter (units: bpm, width factor, amplitude factor, mV, degrees).
    fs, duration_s, fs_internal : float
        Sampling rate (Hz), length (s), RK4 rate (Hz) of the waveforms.
    noise_mv : float
        Baseline white noise (mV) of every recording.
    shortcut : bool
    chunk : int
        Records synthesised at a time (bounds memory).

    Examples
    --------
    >>> sim = ECGWaveformSimulator(duration_s=3.0)
    >>> s = sim.sample(20, Environment(), random_state=0)
    >>> s.X.shape
    (20, 37)
    """

    intercept: float = -0.5
    beta_age: float = 1.5
    beta_sex: float = -0.5
    beta_site: tuple = (0.0, 0.5)
    hr: tuple = (70.0, 8.0, -3.0, 3.0, 8.0)
    qrs_width: tuple = (1.0, 0.25, 0.05, -0.05, 0.08)
    qrs_amp: tuple = (1.0, 0.3, -0.15, -0.1, 0.15)
    st_mv: tuple = (0.0, -0.1, -0.02, 0.0, 0.03)
    axis_deg: tuple = (0.0, -15.0, -10.0, 5.0, 15.0)
    fs: float = 100.0
    duration_s: float = 5.0
    fs_internal: float = 250.0
    noise_mv: float = 0.02
    shortcut: bool = False
    chunk: int = 2000

    def __post_init__(self):
        for name in ("hr", "qrs_width", "qrs_amp", "st_mv", "axis_deg"):
            v = tuple(float(x) for x in getattr(self, name))
            if len(v) != 5:
                raise ValueError(f"{name} must be (base, per_y, per_age, per_female, sd), got {v}")
            object.__setattr__(self, name, v)
        object.__setattr__(self, "beta_site", tuple(float(b) for b in self.beta_site))

    @property
    def _scm(self) -> AnticausalSCM:
        return AnticausalSCM(
            intercept=self.intercept,
            beta_age=self.beta_age,
            beta_sex=self.beta_sex,
            beta_site=self.beta_site,
        )

    def morphology(self, y, covariates, rng) -> dict:
        """Per-subject waveform parameters given Y and W."""
        a = (covariates["age"].to_numpy(float) - AGE_CENTER_Y) / AGE_SCALE_Y
        sex = covariates["sex"].to_numpy(float)
        y = np.asarray(y, float)
        out = {}
        for name in ("hr", "qrs_width", "qrs_amp", "st_mv", "axis_deg"):
            b0, by, ba, bs, sd = getattr(self, name)
            out[name] = b0 + by * y + ba * a + bs * sex + sd * rng.standard_normal(y.size)
        out["hr"] = np.clip(out["hr"], 30.0, 200.0)
        out["qrs_width"] = np.clip(out["qrs_width"], 0.3, 3.0)
        return out

    def waveforms(self, y, covariates, env: Environment, rng) -> np.ndarray:
        """12-lead ECGs (n, 12, fs * duration_s) in mV for given Y, W and environment."""
        m = self.morphology(y, covariates, rng)
        ecg = synthesize_ecg(
            fs=self.fs,
            duration_s=self.duration_s,
            hr_bpm=m["hr"],
            qrs_width=m["qrs_width"],
            qrs_amp=m["qrs_amp"],
            st_mv=m["st_mv"],
            axis_deg=m["axis_deg"],
            noise_mv=np.sqrt(self.noise_mv**2 + env.noise_sd**2),
            gain=env.gain,
            fs_internal=self.fs_internal,
            random_state=rng,
        )
        if ecg.ndim == 2:
            ecg = ecg[None]
        if env.misplacement > 0:
            swap = rng.random(len(ecg)) < env.misplacement
            ecg[swap] = swap_arm_leads(ecg[swap])
        return ecg

    def sample(self, n: int, env, random_state=None, return_waveforms: bool = False):
        """Draw ``n`` subjects per environment; X holds the waveform features.

        With ``return_waveforms=True`` returns ``(SCMSample, waveforms)``.
        """
        n, envs, rng = _sample_args(n, env, random_state)
        scm = self._scm
        Xs, ys, Ws, ds, waves = [], [], [], [], []
        for k, e in enumerate(envs):
            W = scm.sample_covariates(n, e, rng)
            y = scm.sample_outcome(W, e, rng)
            for lo in range(0, n, max(int(self.chunk), 1)):
                sl = slice(lo, min(lo + int(self.chunk), n))
                ecg = self.waveforms(y[sl], W.iloc[sl], e, rng)
                X, names = waveform_summary_features(ecg, self.fs)
                if self.shortcut:
                    s = e.shortcut * (2.0 * y[sl] - 1.0) + rng.standard_normal(len(X))
                    X = np.column_stack([X, s])
                Xs.append(X)
                if return_waveforms:
                    waves.append(ecg)
            ys.append(y)
            Ws.append(W)
            ds.append(np.full(n, k, dtype=np.int64))
        import pandas as pd

        names = waveform_summary_features(np.zeros((1, 12, 0)), self.fs)[1]
        names = names + (["shortcut"] if self.shortcut else [])
        sample = SCMSample(
            X=np.concatenate(Xs) if Xs else np.empty((0, len(names))),
            y=np.concatenate(ys),
            covariates=pd.concat(Ws, ignore_index=True),
            domain=np.concatenate(ds),
            feature_names=tuple(names),
        )
        if return_waveforms:
            n_t = int(round(self.fs * self.duration_s))
            return sample, (np.concatenate(waves) if waves else np.empty((0, 12, n_t)))
        return sample
