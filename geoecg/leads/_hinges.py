"""Registered attempt (session 25, docs/benchmarks/leads.md): amplitude hinges of the source.

:class:`HingeReconstructor` is :class:`~geoecg.leads.LeadReconstructor` whose design adds,
beside every (delayed, record-centred) source column ``x`` and its ``|x|``, the hinge columns
``max(x - k, 0)`` at fixed amplitude knots ``k`` (mV): a piecewise-linear map in the source's
amplitude. Private while it is an attempt; ``knots=()`` is the base bit for bit.
"""

from __future__ import annotations

import numpy as np

from ._design import _lagged
from .reconstruct import LeadReconstructor

__all__ = ["HingeReconstructor"]


class HingeReconstructor(LeadReconstructor):
    """LeadReconstructor with hinge columns ``max(x - k, 0)`` at the knots ``k`` (mV).

    Parameters
    ----------
    knots : sequence of float, default ()
        Amplitude knots in mV (finite); empty: the base reconstructor bit for bit.
    **params
        The parameters of :class:`~geoecg.leads.LeadReconstructor` (population method).
    """

    def __init__(self, knots=(), **params):
        super().__init__(**params)
        self.knots = knots

    def get_params(self, deep=True):
        """Parameters of the base plus ``knots`` (a dict)."""
        out = LeadReconstructor(**{}).get_params(deep=False)
        out = {k: getattr(self, k) for k in out}
        out["knots"] = self.knots
        return out

    def _check_params(self):
        k = np.asarray(self.knots, dtype=float)
        if k.ndim != 1 or not np.isfinite(k).all():
            raise ValueError(f"knots must be finite amplitudes in mV, got {self.knots!r}")
        if k.size and self.method != "population":
            raise ValueError("knots apply to the population method")
        return super()._check_params()

    def _design(self, S):
        if not len(self.knots):
            return super()._design(S)
        S = S - S.mean(axis=-1, keepdims=True)
        F = _lagged(S, self.n_taps)
        parts = [F, np.abs(F)] if self.rectified else [F]
        parts += [np.maximum(F - float(k), 0.0) for k in self.knots]
        if self.phase_edges_s is not None:
            parts.append(np.ones(F.shape[:2] + (1,)))
        return np.concatenate(parts, axis=2)
