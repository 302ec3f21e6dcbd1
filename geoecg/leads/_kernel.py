"""A kernel residual for :class:`geoecg.leads.LeadReconstructor` (random Fourier features).

The population map is piecewise linear in the source samples (one map per beat phase).
``kernel_features=D`` adds a smooth nonlinear function of the local source waveform and of
the beat phase, fitted to what the linear map leaves: per sample, the inputs are the
record-centred source leads at delays ``-KERNEL_DELAYS .. +KERNEL_DELAYS`` samples and the
signed distance (s) to the nearest R-peak detected on the sources (clipped to
``±KERNEL_CLIP_S``), each standardised by its SD over the training samples; ``D`` random
Fourier features of a Gaussian kernel (Rahimi & Recht 2007) of bandwidth
``kernel_scale * sqrt(d)`` (``d`` inputs) enter a ridge regression on the residual of the
linear map, fitted on every ``KERNEL_STRIDE``-th training sample. Cost: linear in the
samples, ``O(D^2)`` per fitted sample, ``O(D (d + m))`` per transformed sample.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._design import _lagged

__all__ = ["KernelResidual", "kernel_inputs", "make_kernel", "kernel_gram", "kernel_solve"]

#: Delays (samples) on each side of the source leads in the kernel inputs.
KERNEL_DELAYS = 5
#: Clip (s) of the signed distance to the nearest R-peak (also its value without a beat).
KERNEL_CLIP_S = 0.5
#: Every this many training samples enter the kernel fit (neighbouring samples are alike).
KERNEL_STRIDE = 4
#: Seed of the random frequencies and phases (the fit is deterministic).
KERNEL_SEED = 0


@dataclass
class KernelResidual:
    """Random Fourier features and their ridge weights.

    Attributes
    ----------
    mu, sd : ndarray, shape (d,)
        Mean and SD of the kernel inputs over the training samples (mV, s).
    W : ndarray, shape (d, D)
        Random frequencies (per standardised input unit).
    b : ndarray, shape (D,)
        Random phases (rad).
    coef : ndarray, shape (D, n_target) or None
        Ridge weights (mV per feature unit), once solved.
    """

    mu: np.ndarray
    sd: np.ndarray
    W: np.ndarray
    b: np.ndarray
    coef: np.ndarray | None = None

    def features(self, Z):
        """Features ``(N, D)`` of inputs ``Z`` (N, d)."""
        U = ((Z - self.mu) / self.sd) @ self.W + self.b
        return np.sqrt(2.0 / self.b.size) * np.cos(U)

    def predict(self, S, rpeaks, fs, chunk=64):
        """Kernel output ``(n, n_target, T)`` (mV) for source leads ``S`` (n, n_src, T)."""
        n, _, T = S.shape
        out = np.empty((n, self.coef.shape[1], T))
        for a in range(0, n, chunk):
            Z = kernel_inputs(S[a : a + chunk], rpeaks[a : a + chunk], fs)
            Y = self.features(Z.reshape(-1, Z.shape[2])) @ self.coef
            out[a : a + chunk] = Y.reshape(Z.shape[0], T, -1).transpose(0, 2, 1)
        return out


def signed_rpeak_distance(rpeaks, T, fs, clip_s=KERNEL_CLIP_S):
    """Signed distance (s) of every sample to the nearest R-peak, clipped; ``(n, T)``."""
    out = np.full((len(rpeaks), T), clip_s)
    t = np.arange(T)
    for k, r in enumerate(rpeaks):
        r = np.asarray(r, dtype=np.int64)
        if r.size == 0:
            continue
        j = np.searchsorted(r, t)
        prev = r[np.clip(j - 1, 0, r.size - 1)]
        nxt = r[np.clip(j, 0, r.size - 1)]
        d_prev = np.where(j > 0, t - prev, np.iinfo(np.int64).max)
        d_next = np.where(j < r.size, nxt - t, np.iinfo(np.int64).max)
        out[k] = np.clip(np.where(d_prev <= d_next, d_prev, -d_next) / fs, -clip_s, clip_s)
    return out


def kernel_inputs(S, rpeaks, fs):
    """Kernel inputs ``(n, T, d)``: centred sources at the delays, then the R distance (s).

    Parameters
    ----------
    S : ndarray, shape (n_records, n_source, n_samples)
        Source leads (mV), finite.
    rpeaks : list of int arrays
        R-peaks per record (sample indices), detected on ``S``.
    fs : float
        Sampling frequency, Hz.
    """
    S = S - S.mean(axis=-1, keepdims=True)
    F = _lagged(S, KERNEL_DELAYS)
    D = signed_rpeak_distance(rpeaks, S.shape[2], fs)
    return np.concatenate([F, D[..., None]], axis=2)


def make_kernel(Z, n_features, scale, seed=KERNEL_SEED):
    """Draw the features for inputs ``Z`` (N, d): standardisation, frequencies, phases."""
    d = Z.shape[1]
    mu, sd = Z.mean(axis=0), Z.std(axis=0)
    sd = np.where(sd > 1e-12, sd, 1.0)
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((d, int(n_features))) / (scale * np.sqrt(d))
    b = rng.uniform(0.0, 2.0 * np.pi, int(n_features))
    return KernelResidual(mu, sd, W, b)


def kernel_gram(kern, Z, R, chunk=16384):
    """Gram matrix ``(D, D)`` and cross-products ``(D, m)`` of features of Z with R (N, m)."""
    D = kern.b.size
    G, B = np.zeros((D, D)), np.zeros((D, R.shape[1]))
    for a in range(0, Z.shape[0], chunk):
        Phi = kern.features(Z[a : a + chunk])
        G += Phi.T @ Phi
        B += Phi.T @ R[a : a + chunk]
    return G, B


def kernel_solve(G, B, alpha):
    """Ridge weights, penalty ``alpha`` times the mean diagonal of ``G``."""
    lam = alpha * float(np.trace(G)) / G.shape[0]
    return np.linalg.solve(G + lam * np.eye(G.shape[0]), B)


def fit_kernel_residual(S, rpeaks, fs, resid, n_features, scale, alpha):
    """Fit the kernel residual on training sources ``S`` and residuals ``resid`` (n, m, T).

    Every ``KERNEL_STRIDE``-th sample of every record enters the fit.
    """
    Z = kernel_inputs(S, rpeaks, fs)[:, ::KERNEL_STRIDE]
    Z = Z.reshape(-1, Z.shape[2])
    R = resid[:, :, ::KERNEL_STRIDE].transpose(0, 2, 1).reshape(Z.shape[0], -1)
    kern = make_kernel(Z, n_features, scale)
    G, B = kernel_gram(kern, Z, R)
    kern.coef = kernel_solve(G, B, alpha)
    return kern
