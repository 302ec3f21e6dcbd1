"""The linear maps of :class:`~geoecg.leads.reconstruct.LeadReconstructor`.

Design matrix (lagged, optionally rectified source leads, an intercept per beat phase),
Gram matrices pooled and per beat phase, ridge and Gaussian conditional-mean solutions,
per-phase maps shrunk towards the pooled one, prediction, and the patient-calibrated map.
A mixin: the methods read the fitted reconstructor's parameters and attributes
(``n_taps``, ``rectified``, ``phase_edges_s``, ``src_idx_``, ``tgt_idx_`` ...).
"""

from __future__ import annotations

import numpy as np

from ._design import _conditional, _lagged, _oas
from ._phases import beat_phase_index


class _LinearMaps:
    """Fitting and applying the source-to-target linear maps (see the module docstring)."""

    @property
    def _n_phases(self) -> int:
        return 0 if self.phase_edges_s is None else len(self.phase_edges_s) + 1

    def _phases(self, S, rpeaks=None):
        """Beat phase per sample (n, T), or None without ``phase_edges_s``."""
        if self.phase_edges_s is None:
            return None
        return beat_phase_index(S, float(self.fs), self.phase_edges_s, rpeaks=rpeaks)

    def _design(self, S):
        S = S - S.mean(axis=-1, keepdims=True)
        F = _lagged(S, self.n_taps)
        parts = [F, np.abs(F)] if self.rectified else [F]
        if self.phase_edges_s is not None:
            parts.append(np.ones(F.shape[:2] + (1,)))
        return np.concatenate(parts, axis=2) if len(parts) > 1 else F

    def _gram(self, X, P=None, chunk=128):
        """Gram matrices ``G`` (1 + n_phases, p, p) and ``B`` (1 + n_phases, p, m).

        Index 0 pools all samples; index ``1 + b`` holds the samples of beat phase ``b``.
        """
        m = len(self.tgt_idx_)
        G = B = None
        for a in range(0, X.shape[0], chunk):
            Xc = X[a : a + chunk]
            F = self._design(Xc[:, self.src_idx_])
            p = F.shape[2]
            if G is None:
                G = np.zeros((1 + self._n_phases, p, p))
                B = np.zeros((1 + self._n_phases, p, m))
            F = F.reshape(-1, p)
            Y = Xc[:, self.tgt_idx_]
            Y = (Y - Y.mean(axis=-1, keepdims=True)).transpose(0, 2, 1).reshape(F.shape[0], m)
            G[0] += F.T @ F
            B[0] += F.T @ Y
            if P is not None:
                ph = P[a : a + chunk].ravel()
                for b in range(self._n_phases):
                    sel = ph == b
                    G[1 + b] += F[sel].T @ F[sel]
                    B[1 + b] += F[sel].T @ Y[sel]
        return G, B

    def _scale(self, G) -> float:
        """Mean diagonal of a Gram matrix over the signal columns (not the intercept)."""
        q = G.shape[0] - (self.phase_edges_s is not None)
        return float(np.trace(G[:q, :q])) / max(q, 1)

    def _solve(self, G, B, alpha, prior=None, prior_weight=0.0):
        p = G.shape[0]
        lam = alpha * self._scale(G)
        A = G + lam * np.eye(p) + prior_weight * np.eye(p)
        rhs = B if prior is None else B + prior_weight * prior
        try:
            return np.linalg.solve(A, rhs)
        except np.linalg.LinAlgError:
            return np.linalg.lstsq(A, rhs, rcond=None)[0]

    def _solve_phases(self, G, B, alpha, strength, prior=None, pooled=None):
        """Per-phase ridge shrunk towards ``prior`` (default: the pooled weights).

        The pull is ``strength`` times the mean diagonal of ``pooled`` (default: each
        phase's own Gram matrix); a phase without samples gets the prior.
        """
        if self._n_phases == 0:
            return None
        W0 = self._solve(G[0], B[0], alpha) if prior is None else None
        out = []
        for b in range(self._n_phases):
            Gb = G[1 + b]
            ref = Gb if pooled is None else pooled
            w = strength * self._scale(ref)
            pr = W0 if prior is None else prior[b]
            out.append(
                pr
                if w == 0 and not Gb.any()
                else self._solve(Gb, B[1 + b], alpha, prior=pr, prior_weight=w)
            )
        return np.stack(out)

    def _fit_gaussian(self, X, P=None, chunk=128):
        p0 = len(self.src_idx_) * (2 * self.n_taps + 1) * (2 if self.rectified else 1)
        m = len(self.tgt_idx_)
        total = np.zeros((p0 + m, p0 + m))
        for a in range(0, X.shape[0], chunk):
            Xc = X[a : a + chunk]
            F = self._design(Xc[:, self.src_idx_])[..., :p0]
            Y = Xc[:, self.tgt_idx_]
            Z = np.concatenate([F, (Y - Y.mean(-1, keepdims=True)).transpose(0, 2, 1)], axis=2)
            total += _oas(Z).sum(axis=0)
        S = total / X.shape[0]
        self.covariance_ = S
        W = _conditional(S, p0, self.shrinkage)
        if P is None:
            return W, None
        W = np.vstack([W, np.zeros((1, m))])  # the pooled map has no intercept
        G, B = self._gram(X, P)
        phase = []
        for b in range(self._n_phases):
            Gb, Bb = G[1 + b], B[1 + b]
            nb = Gb[-1, -1]
            if nb < 2:
                phase.append(W)
                continue
            mu_f, mu_y = Gb[:-1, -1] / nb, Bb[-1] / nb
            Sff = Gb[:-1, :-1] / nb - np.outer(mu_f, mu_f)
            Sfy = Bb[:-1] / nb - np.outer(mu_f, mu_y)
            Wb = _conditional(np.block([[Sff, Sfy], [Sfy.T, np.eye(m)]]), p0, self.shrinkage)
            phase.append(np.vstack([Wb, mu_y - mu_f @ Wb]))
        return W, np.stack(phase)

    def _predict(self, S, W, phase_W=None, P=None, chunk=256):
        n, _, T = S.shape
        res = np.empty((n, W.shape[1], T))
        for a in range(0, n, chunk):
            F = self._design(S[a : a + chunk])
            Y = F @ W
            if phase_W is not None:
                ph = P[a : a + chunk]
                for b in range(self._n_phases):
                    sel = ph == b
                    Y[sel] = F[sel] @ phase_W[b]
            res[a : a + chunk] = Y.transpose(0, 2, 1)
        return res

    def _patient(self, X, P=None):
        T = X.shape[2]
        nc = int(round(self.calibration_s * self.fs))
        if not 2 <= nc < T:
            raise ValueError(
                f"calibration_s * fs = {nc} samples must be in [2, {T - 1}] for "
                f"records of {T} samples"
            )
        res = np.empty((X.shape[0], len(self.tgt_idx_), T))
        cal = X[:, :, :nc]
        if not np.isfinite(cal[:, self.tgt_idx_]).all():
            raise ValueError(
                "method='patient' needs finite 12-lead calibration segments "
                f"(the first {nc} samples)"
            )
        for k in range(X.shape[0]):
            Pk = None if P is None else P[k : k + 1]
            G, B = self._gram(cal[k : k + 1], None if Pk is None else Pk[:, :nc])
            w = self.prior_strength * self._scale(G[0])
            W = self._solve(G[0], B[0], self.alpha, prior=self.coef_, prior_weight=w)
            PW = None
            if Pk is not None and self.phase_coef_ is not None:
                PW = self._solve_phases(
                    G, B, self.alpha, self.prior_strength, prior=self.phase_coef_, pooled=G[0]
                )
            res[k] = self._predict(X[k : k + 1, self.src_idx_], W, PW, Pk)[0]
        return res
