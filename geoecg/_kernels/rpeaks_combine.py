"""R-peak detection kernels, stage 2: the leads' energy envelopes on a common scale and
combined into one.

:func:`combine_lead_energies` is the reference: each envelope divided by its
:func:`block_max_median`, then the per-sample :func:`geometric_mean_leads`.
:func:`combine_leads` returns exactly what it returns, with ``energy`` rescaled in place the
same way: the same operations in the same order on every sample. For two leads whose scales
are positive it divides both envelopes, takes their geometric mean and checks that the
shortcut applies in one pass, instead of a division pass per lead, a geometric-mean pass with
four branches per sample and a pass over the masks; the samples where the shortcut does not
apply (a lead unused there, or a value outside ``[1e-200, 1e200]``, where
:func:`geometric_mean_leads` renormalises through logarithms) are computed again by the
reference code.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .rpeaks import mask_runs, median_sorted

__all__ = ["block_max_median", "combine_lead_energies", "combine_leads", "geometric_mean_leads"]

#: Bounds of a product ``geometric_mean_leads`` takes as it is (outside: through logs).
_LO, _HI = 1e-200, 1e200


@njit(cache=True, nogil=True)
def _n_blocks(n, block):
    """Number of blocks of ``block`` samples in ``n`` (``n >= 1``, ``block >= 1``): a
    trailing partial block counts when it holds at least half a block, and there is at least
    one."""
    nb = n // block
    if n - nb * block >= (block + 1) // 2 or nb == 0:
        nb += 1
    return nb


@njit(cache=True, nogil=True)
def block_max_median(m, block):
    """Median over consecutive blocks of ``block`` samples of each block's maximum of ``m``.

    Used to put the energy envelopes of several leads on a common scale (a typical QRS
    energy). Returns 0.0 for empty input; a trailing partial block counts when it holds at
    least half a block.
    """
    n = m.shape[0]
    if n == 0 or block < 1:
        return 0.0
    nb = _n_blocks(n, block)
    vals = np.empty(nb)
    for b in range(nb):
        a = b * block
        e = min(a + block, n)
        v = m[a]
        for i in range(a + 1, e):
            if m[i] > v:
                v = m[i]
        vals[b] = v
    return median_sorted(vals)


@njit(cache=True, nogil=True)
def geometric_mean_leads(energy, valid, floor):
    """Per-sample geometric mean over the leads that are valid there (0 where none is).

    ``energy`` is (n_leads, n) and non-negative; ``valid`` is a boolean mask of the same
    shape. Values below ``floor`` count as ``floor`` so that one silent lead does not zero
    the product.
    """
    n_leads = energy.shape[0]
    n = energy.shape[1]
    out = np.zeros(n)
    for i in range(n):
        prod = 1.0
        cnt = 0
        for k in range(n_leads):
            if valid[k, i]:
                v = energy[k, i]
                if v < floor:
                    v = floor
                prod *= v
                cnt += 1
                if prod < 1e-200 or prod > 1e200:  # renormalise through logs (many leads)
                    break
        if cnt == 0:
            continue
        if prod < 1e-200 or prod > 1e200:
            s = 0.0
            cnt = 0
            for k in range(n_leads):
                if valid[k, i]:
                    v = energy[k, i]
                    s += np.log(v if v > floor else floor)
                    cnt += 1
            out[i] = np.exp(s / cnt)
        elif cnt == 1:
            out[i] = prod
        elif cnt == 2:
            out[i] = np.sqrt(prod)
        else:
            out[i] = prod ** (1.0 / cnt)
    return out


@njit(cache=True, nogil=True)
def combine_lead_energies(energy, used, block, floor, min_len):
    """Stage 2 (several leads) in one call: each envelope divided (in place) by its
    :func:`block_max_median` (a lead whose median is 0 is flat: its ``used`` row is cleared),
    then :func:`geometric_mean_leads`; returns the combined envelope and the
    :func:`mask_runs` of the samples where any lead is used."""
    n_leads = energy.shape[0]
    nd = energy.shape[1]
    for lead in range(n_leads):
        scale = block_max_median(energy[lead], block)
        if scale > 0:
            for i in range(nd):
                energy[lead, i] = energy[lead, i] / scale
        else:
            used[lead, :] = False
    combined = geometric_mean_leads(energy, used, floor)
    anyused = np.zeros(nd, dtype=np.bool_)
    for lead in range(n_leads):
        for i in range(nd):
            if used[lead, i]:
                anyused[i] = True
    return combined, mask_runs(anyused, min_len)


@njit(cache=True, nogil=True)
def _block_max_median4(m, block):
    """:func:`block_max_median` with four running maxima per block
    (four independent comparison chains instead of one): the same maxima when ``m`` holds
    no NaN (the maximum of numbers does not depend on the order they are compared in); for
    a NaN anywhere, the reference."""
    n = m.shape[0]
    if n == 0 or block < 1:
        return 0.0
    nb = _n_blocks(n, block)
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
    """:func:`combine_lead_energies` (same arguments, same returns,
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
