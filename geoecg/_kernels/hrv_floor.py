"""A floor for the HRV throughput: four time-domain indices in one pass per series.

MeanNN, SDNN (one-pass, ddof=1), RMSSD and pNN50 of each series of a flat batch; no
NaN handling and no validation. It is a yardstick (how fast the simplest indices of the
48 can go on the same data), not a feature: ``geoecg bench hrv`` prints it beside the
full vector.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: pNN50 threshold, ms.
NN50_MS = 50.0


@njit(cache=True, nogil=True)
def four_indices(rr_flat, offsets, out):
    """Row ``i`` of ``out`` (n, 4) = MeanNN, SDNN, RMSSD, pNN50 of
    ``rr_flat[offsets[i]:offsets[i+1]]`` (at least 2 intervals)."""
    for i in range(offsets.size - 1):
        a = offsets[i]
        b = offsets[i + 1]
        n = b - a
        s = 0.0
        s2 = 0.0
        d2 = 0.0
        c = 0
        for j in range(a, b):
            v = rr_flat[j]
            s += v
            s2 += v * v
            if j > a:
                d = v - rr_flat[j - 1]
                d2 += d * d
                if abs(d) > NN50_MS:
                    c += 1
        m = s / n
        out[i, 0] = m
        out[i, 1] = np.sqrt(max(s2 - n * m * m, 0.0) / (n - 1))
        out[i, 2] = np.sqrt(d2 / (n - 1))
        out[i, 3] = 100.0 * c / (n - 1)
