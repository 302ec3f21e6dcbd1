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
    for c in range(n_leads):
        for i in range(m):
            acc = x[c, i * block]
            for j in range(1, block):
                acc += x[c, i * block + j]
            if not np.isfinite(acc):
                return False
            out[c, i] = acc / block if block > 1 else acc
        if m == 0:
            continue
        for s in range(zi.shape[0]):
            z[s, 0] = zi[s, 0] * out[c, 0]
            z[s, 1] = zi[s, 1] * out[c, 0]
        _sosfilt_inplace(sos=sos, z=z, y=out[c], backward=False)
    return True
