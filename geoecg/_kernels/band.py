"""Cohort-extraction band kernel: block means then a causal band-pass, all leads at once.

One pass per lead replaces NumPy strided sums, a division and ``scipy.signal.sosfilt``
(each a separate call with its own overhead), with the same operations in the same order,
so the result is equal bit for bit to that NumPy/SciPy path (the twin in
``tests/test_cohort.py``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .sqi import _sosfilt_inplace


@njit(cache=True, nogil=True)
def block_mean_sosfilt(x, block, sos, zi, out):
    """Block means of ``block`` samples of every lead of ``x`` (n_leads, n_samples), the
    tail shorter than a block dropped, then ``scipy.signal.sosfilt`` with the state
    ``zi * first sample`` (steady state), written to ``out`` (n_leads, n_samples // block).

    Sums run in sample order (``x[j] + x[j + 1] + ...``) and are divided by ``block``, as
    ``(x[:, 0::k] + x[:, 1::k] + ...) / k``. Returns False (``out`` unspecified) when a
    sample is not finite, so the caller can take its NaN-aware path.
    """
    n_leads = x.shape[0]
    m = out.shape[1]
    z = np.empty_like(zi)
    c = 0
    if zi.shape[0] == 2 and m > 0:
        # two leads per loop: two independent filter recursions in flight (each lead's
        # operations and their order unchanged)
        while c + 1 < n_leads:
            if not _pair(x, c, block, sos, zi, out):
                return False
            c += 2
    while c < n_leads:
        for i in range(m):
            acc = x[c, i * block]
            for j in range(1, block):
                acc += x[c, i * block + j]
            if not np.isfinite(acc):
                return False
            out[c, i] = acc / block if block > 1 else acc
        if m > 0:
            for s in range(zi.shape[0]):
                z[s, 0] = zi[s, 0] * out[c, 0]
                z[s, 1] = zi[s, 1] * out[c, 0]
            _sosfilt_inplace(sos=sos, z=z, y=out[c], backward=False)
        c += 1
    return True


@njit(cache=True, nogil=True)
def _block(x, c, i, block):
    """Mean of block ``i`` of lead ``c`` (sum in sample order, then / ``block``)."""
    acc = x[c, i * block]
    for j in range(1, block):
        acc += x[c, i * block + j]
    return acc / block if block > 1 else acc


@njit(cache=True, nogil=True)
def _pair(x, c, block, sos, zi, out):
    """Leads ``c`` and ``c + 1`` of :func:`block_mean_sosfilt` with a two-section ``sos``,
    interleaved, state in scalars; False at the first block mean that is not finite."""
    b0, b1, b2, a1, a2 = sos[0, 0], sos[0, 1], sos[0, 2], sos[0, 4], sos[0, 5]
    c0, c1, c2, d1, d2 = sos[1, 0], sos[1, 1], sos[1, 2], sos[1, 4], sos[1, 5]
    u = _block(x, c, 0, block)
    v = _block(x, c + 1, 0, block)
    if not (np.isfinite(u) and np.isfinite(v)):
        return False
    p0, p1, q0, q1 = zi[0, 0] * u, zi[0, 1] * u, zi[1, 0] * u, zi[1, 1] * u
    r0, r1, s0, s1 = zi[0, 0] * v, zi[0, 1] * v, zi[1, 0] * v, zi[1, 1] * v
    for i in range(out.shape[1]):
        if i > 0:
            u = _block(x, c, i, block)
            v = _block(x, c + 1, i, block)
            if not (np.isfinite(u) and np.isfinite(v)):
                return False
        # lead c
        t = b0 * u + p0
        p0 = b1 * u - a1 * t + p1
        p1 = b2 * u - a2 * t
        y = c0 * t + q0
        q0 = c1 * t - d1 * y + q1
        q1 = c2 * t - d2 * y
        out[c, i] = y
        # lead c + 1
        t = b0 * v + r0
        r0 = b1 * v - a1 * t + r1
        r1 = b2 * v - a2 * t
        y = c0 * t + s0
        s0 = c1 * t - d1 * y + s1
        s1 = c2 * t - d2 * y
        out[c + 1, i] = y
    return True
