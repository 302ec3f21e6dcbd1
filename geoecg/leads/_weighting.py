"""Record-and-lead weighted population maps (``LeadReconstructor(target_weighting=g)``).

The population map is a least-squares fit on all samples of the training records, so a
record's target lead weighs by its energy; the reconstruction is scored by the Pearson r
per record and lead, which is scale-free. With ``g > 0`` each training record ``i`` and
target lead ``l`` enter the Gram matrices with the weight ``max(sd_il, floor) ** (-2 g)``
(``sd_il`` the SD of that lead over the record, mV; ``floor`` =
:data:`TARGET_SD_FLOOR_MV`), normalised to mean 1 over the records of each lead: ``g = 1``
fits every record-lead at unit variance (a normalised squared error), ``g = 0`` is the
plain fit. Each target lead then has its own Gram matrix; the ridge and the per-phase
shrinkage are those of the plain fit.
"""

from __future__ import annotations

import numpy as np

__all__ = ["TARGET_SD_FLOOR_MV", "target_weights", "weighted_population_maps"]

#: Floor (mV) of a record-lead's SD in its weight (a near-flat target lead is not blown up).
TARGET_SD_FLOOR_MV = 0.05


def target_weights(Y, gamma):
    """Weights ``(n_records, n_target)`` of the record-leads ``Y`` (n, m, T, mV).

    ``max(SD, TARGET_SD_FLOOR_MV) ** (-2 gamma)``, divided by its mean over the records
    of each lead (all ones for ``gamma = 0``).
    """
    sd = np.maximum(np.asarray(Y, dtype=float).std(axis=-1), TARGET_SD_FLOOR_MV)
    w = sd ** (-2.0 * float(gamma))
    return w / w.mean(axis=0, keepdims=True)


def weighted_population_maps(rec, X, P, gamma, phase_prior, chunk=128):
    """Pooled and per-phase maps fitted with :func:`target_weights`.

    Parameters
    ----------
    rec : LeadReconstructor
        The reconstructor being fitted (design, ``alpha``, solvers, ``src_idx_``,
        ``tgt_idx_``).
    X : ndarray, shape (n_records, 12, n_samples)
        Training records (mV).
    P : ndarray of int, shape (n_records, n_samples) or None
        Beat phase per sample.
    gamma : float
        Exponent of the weights (>= 0).
    phase_prior : float
        Pull of the pooled map on the per-phase maps (as in the plain fit).

    Returns
    -------
    coef : ndarray, shape (n_features, n_target)
    phase_coef : ndarray, shape (n_phases, n_features, n_target) or None
    """
    m = len(rec.tgt_idx_)
    nb = 1 + rec._n_phases
    W = target_weights(X[:, rec.tgt_idx_], gamma)  # SD is offset-free: no centring needed
    G = B = None
    for a in range(0, X.shape[0], chunk):
        Xc = X[a : a + chunk]
        F = rec._design(Xc[:, rec.src_idx_])
        Y = Xc[:, rec.tgt_idx_]
        Y = Y - Y.mean(axis=-1, keepdims=True)
        w = W[a : a + chunk]
        p = F.shape[2]
        if G is None:
            G, B = np.zeros((m, nb, p, p)), np.zeros((m, nb, p))
        Yt = Y.transpose(0, 2, 1)  # (n, T, m)
        masks = [None] + ([] if P is None else [P[a : a + chunk] == b for b in range(nb - 1)])
        for j, sel in enumerate(masks):
            Fj = F if sel is None else F * sel[:, :, None]
            Gi = np.einsum("ntp,ntq->npq", Fj, Fj)
            Bi = np.einsum("ntp,ntl->npl", Fj, Yt)
            G[:, j] += np.einsum("nl,npq->lpq", w, Gi)
            B[:, j] += np.einsum("nl,npl->lp", w, Bi)
    coef = np.empty((G.shape[2], m))
    phase = None if P is None else np.empty((nb - 1, G.shape[2], m))
    for lead in range(m):
        coef[:, lead] = rec._solve(G[lead, 0], B[lead, 0][:, None], rec.alpha)[:, 0]
        if P is not None:
            Bl = B[lead][:, :, None]
            phase[:, :, lead] = rec._solve_phases(G[lead], Bl, rec.alpha, phase_prior)[:, :, 0]
    return coef, phase
