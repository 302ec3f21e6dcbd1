"""R-peak detection kernel, stage 2 for several leads in fewer passes (the same numbers).

:func:`combine_leads` returns exactly what :func:`geoecg._kernels.rpeaks.combine_lead_energies`
returns, with ``energy`` rescaled in place the same way: the same operations in the same
order on every sample. For two leads whose scales are positive it divides both envelopes,
takes their geometric mean and checks that the shortcut applies in one pass, instead of a
division pass per lead, a geometric-mean pass with four branches per sample and a pass over
the masks; the samples where the shortcut does not apply (a lead unused there, or a value
outside ``[1e-200, 1e200]``, where :func:`~geoecg._kernels.rpeaks.geometric_mean_leads`
renormalises through logarithms) are computed again by the reference code.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .rpeaks import (
    block_max_median,
    combine_lead_energies,
    geometric_mean_leads,
    mask_runs,
    median_sorted,
)

__all__ = ["combine_leads"]

#: Bounds of a product ``geometric_mean_leads`` takes as it is (outside: through logs).
_LO, _HI = 1e-200, 1e200


@njit(cache=True, nogil=True)
def _block_max_median4(m, block):
    """:func:`~geoecg._kernels.rpeaks.block_max_median` with four running maxima per block
    (four independent comparison chains instead of one): the same maxima when ``m`` holds
    no NaN (the maximum of numbers does not depend on the order they are compared in); for
    a NaN anywhere, the reference."""
    n = m.shape[0]
    if n == 0 or block < 1:
        return 0.0
    nb = n // block
    if n - nb * block >= (block + 1) // 2 or nb == 0:
        nb += 1
    vals = np.empty(nb)
    nan = False
    for b in range(nb):
        a = b * block
        e = min(a + block, n)
        v0 = m[a]
        v1 = v0
        v2 = v0
        v3 = v0
        nan |= v0 != v0
        i = a + 1
        while i + 4 <= e:
            w0, w1, w2, w3 = m[i], m[i + 1], m[i + 2], m[i + 3]
            nan |= (w0 != w0) | (w1 != w1) | (w2 != w2) | (w3 != w3)
            v0 = w0 if w0 > v0 else v0
            v1 = w1 if w1 > v1 else v1
            v2 = w2 if w2 > v2 else v2
            v3 = w3 if w3 > v3 else v3
            i += 4
        while i < e:
            w0 = m[i]
            nan |= w0 != w0
            v0 = w0 if w0 > v0 else v0
            i += 1
        v0 = v1 if v1 > v0 else v0
        v2 = v3 if v3 > v2 else v2
        vals[b] = v2 if v2 > v0 else v0
    if nan:
        return block_max_median(m, block)
    return median_sorted(vals)


@njit(cache=True, nogil=True)
def _scale_mean2(ea, eb, sa, sb, ua, ub, floor, out):
    """``ea /= sa``, ``eb /= sb`` in place and ``out = sqrt(max(ea, floor) * max(eb,
    floor))`` (``floor`` where a value is below it) in one pass; True when every sample has
    both leads used and a product that :func:`geometric_mean_leads` takes as it is."""
    n = ea.shape[0]
    good = True
    for i in range(n):
        a = ea[i] / sa
        b = eb[i] / sb
        ea[i] = a
        eb[i] = b
        if a < floor:
            a = floor
        if b < floor:
            b = floor
        p = a * b  # geometric_mean_leads: prod = 1.0 * a (exact), then prod * b
        out[i] = np.sqrt(p)
        good &= ua[i] & ub[i] & (a >= _LO) & (a <= _HI) & (p >= _LO) & (p <= _HI)
    return good


@njit(cache=True, nogil=True)
def combine_leads(energy, used, block, floor, min_len):
    """:func:`geoecg._kernels.rpeaks.combine_lead_energies` (same arguments, same returns,
    the same numbers and the same in-place rescaling of ``energy`` and clearing of
    ``used``), in one pass over two leads of positive scale."""
    n_leads = energy.shape[0]
    nd = energy.shape[1]
    if n_leads != 2 or nd == 0:
        return combine_lead_energies(energy, used, block, floor, min_len)
    sa = _block_max_median4(energy[0], block)
    sb = _block_max_median4(energy[1], block)
    if not (sa > 0 and sb > 0):
        return combine_lead_energies(energy, used, block, floor, min_len)
    combined = np.empty(nd)  # every sample written below
    if _scale_mean2(energy[0], energy[1], sa, sb, used[0], used[1], floor, combined):
        runs = np.empty((1 if nd >= min_len else 0, 2), dtype=np.int64)
        if nd >= min_len:  # every sample used by both leads: mask_runs gives one run
            runs[0, 0] = 0
            runs[0, 1] = nd
        return combined, runs
    # a gap, an unused lead or an extreme value somewhere: the reference on the rescaled rows
    combined = geometric_mean_leads(energy, used, floor)
    anyused = np.zeros(nd, dtype=np.bool_)
    for i in range(nd):
        anyused[i] = used[0, i] or used[1, i]
    return combined, mask_runs(anyused, min_len)
