"""Cohort-extraction band kernel: block means then a causal band-pass, all leads at once.

One pass per lead replaces NumPy strided sums, a division and ``scipy.signal.sosfilt``
(each a separate call with its own overhead), with the same operations in the same order,
so the result is equal bit for bit to that NumPy/SciPy path (the twin in
``tests/test_cohort.py``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .sosfilt import _sosfilt_inplace


@njit(cache=True, nogil=True)
def block_mean_sosfilt(x, block, sos, zi, out):
    """Block means of ``block`` samples of every lead of ``x`` (n_leads, n_samples), the
    tail shorter than a block dropped, then ``scipy.signal.sosfilt`` with the state
    ``zi * first sample`` (steady state), written to ``out`` (n_leads, n_samples // block).

    Sums run in sample order (``x[j] + x[j + 1] + ...``) and are divided by ``block``, as
    ``(x[:, 0::k] + x[:, 1::k] + ...) / k``. Returns False (``out`` unspecified) when a
    sample is not finite, so the caller can take its NaN-aware path.

    A two-section ``sos`` (the order-2 band-pass) runs every lead in one loop over time
    (:func:`_sos2_leads`: the leads' recursions side by side, vectorised across leads; each
    lead's operations and their order unchanged).
    """
    n_leads = x.shape[0]
    m = out.shape[1]
    if m == 0:
        return True
    if zi.shape[0] == 2:
        t = np.empty((m, n_leads))  # time-major: one row holds every lead's sample
        if not _block_means_t(x, block, t):
            return False
        _sos2_leads(sos, zi, t)
        for c in range(n_leads):
            for i in range(m):
                out[c, i] = t[i, c]
        return True
    z = np.empty_like(zi)
    for c in range(n_leads):
        for i in range(m):
            acc = x[c, i * block]
            for j in range(1, block):
                acc += x[c, i * block + j]
            if not np.isfinite(acc):
                return False
            out[c, i] = acc / block if block > 1 else acc
        for s in range(zi.shape[0]):
            z[s, 0] = zi[s, 0] * out[c, 0]
            z[s, 1] = zi[s, 1] * out[c, 0]
        _sosfilt_inplace(sos=sos, z=z, y=out[c], backward=False)
    return True


#: The block of a 500 Hz record (about 100 Hz after block means), written out in full.
_BLOCK_500HZ = 5


@njit(cache=True, nogil=True)
def _block_means_t(x, block, t):
    """Block means of every lead of ``x`` into ``t`` (n_blocks, n_leads), each sum in
    sample order then ``/ block``; False when a mean is not finite (a sum with a NaN or an
    infinite sample)."""
    n_leads = x.shape[0]
    m = t.shape[0]
    bad = 0
    for c in range(n_leads):
        r = x[c]
        if block == _BLOCK_500HZ:
            for i in range(m):
                k = _BLOCK_500HZ * i
                v = ((((r[k] + r[k + 1]) + r[k + 2]) + r[k + 3]) + r[k + 4]) / 5.0
                bad |= not (abs(v) < np.inf)  # False for an infinite or NaN v (no warning)
                t[i, c] = v
        else:
            for i in range(m):
                k = block * i
                v = r[k]
                for j in range(1, block):
                    v += r[k + j]
                if block > 1:
                    v = v / block
                bad |= not (abs(v) < np.inf)
                t[i, c] = v
    return bad == 0


@njit(cache=True, nogil=True)
def _sos2_leads(sos, zi, t):
    """``scipy.signal.sosfilt`` of two sections along axis 0 of ``t`` (n, n_leads) in
    place, every lead from the state ``zi * its first sample``; the inner loop runs over
    the leads (independent recursions, vectorised), each lead's operations in scipy's
    order (direct form II transposed)."""
    m, n_leads = t.shape
    b0, b1, b2, a1, a2 = sos[0, 0], sos[0, 1], sos[0, 2], sos[0, 4], sos[0, 5]
    c0, c1, c2, d1, d2 = sos[1, 0], sos[1, 1], sos[1, 2], sos[1, 4], sos[1, 5]
    p0 = np.empty(n_leads)
    p1 = np.empty(n_leads)
    q0 = np.empty(n_leads)
    q1 = np.empty(n_leads)
    for c in range(n_leads):
        u = t[0, c]
        p0[c] = zi[0, 0] * u
        p1[c] = zi[0, 1] * u
        q0[c] = zi[1, 0] * u
        q1[c] = zi[1, 1] * u
    for i in range(m):
        for c in range(n_leads):
            u = t[i, c]
            s = b0 * u + p0[c]
            p0[c] = b1 * u - a1 * s + p1[c]
            p1[c] = b2 * u - a2 * s
            y = c0 * s + q0[c]
            q0[c] = c1 * s - d1 * y + q1[c]
            q1[c] = c2 * s - d2 * y
            t[i, c] = y
