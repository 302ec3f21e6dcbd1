"""A floor for the R-peak throughput: one moving-window pass over a lead.

A centred moving mean by a running sum (two additions and one division per sample) over the
full-rate lead: any envelope detector does at least this much work per sample, so no detector
can be much faster. It is a yardstick, not a feature: ``geoecg bench qrs`` times it on the
records it scores (:func:`geoecg.features.rpeaks_peers.floor_cpu_seconds`) and prints the
detector's time as a multiple of it.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def moving_window_floor(x, h):
    """Centred moving mean of ``x`` (float64, 1-D) over ``2 h + 1`` samples (a running sum;
    the sum is cut at the ends and still divided by ``2 h + 1``)."""
    n = x.shape[0]
    out = np.empty(n)
    acc = 0.0
    for j in range(min(h, n - 1) + 1):
        acc += x[j]
    for i in range(n):
        out[i] = acc / (2 * h + 1)
        if i + h + 1 < n:
            acc += x[i + h + 1]
        if i - h >= 0:
            acc -= x[i - h]
    return out
