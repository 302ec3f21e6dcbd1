"""RR artefact classification after Lipponen & Tarvainen (2019), numba kernel.

Codes returned per interval: 0 normal, 1 ectopic, 2 long, 3 short, 4 missed beat,
5 extra beat.
"""

from __future__ import annotations

import numpy as np
from numba import njit

NORMAL, ECTOPIC, LONG, SHORT, MISSED, EXTRA = 0, 1, 2, 3, 4, 5


@njit(cache=True, nogil=True)
def _quantile(v, q):
    s = np.sort(v)
    n = s.size
    pos = (n - 1) * q
    lo = int(np.floor(pos))
    hi = min(lo + 1, n - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


@njit(cache=True, nogil=True)
def rolling_qd(x, half):
    """Quartile deviation ``(Q3 - Q1) / 2`` of ``x`` over the centred window of
    ``2*half + 1`` values (truncated at the ends)."""
    n = x.size
    out = np.empty(n, dtype=np.float64)
    for i in range(n):
        a = max(0, i - half)
        b = min(n, i + half + 1)
        w = x[a:b]
        out[i] = 0.5 * (_quantile(w, 0.75) - _quantile(w, 0.25))
    return out


@njit(cache=True, nogil=True)
def rolling_median(x, half):
    n = x.size
    out = np.empty(n, dtype=np.float64)
    for i in range(n):
        a = max(0, i - half)
        b = min(n, i + half + 1)
        out[i] = _quantile(x[a:b], 0.5)
    return out


@njit(cache=True, nogil=True)
def classify_rr(rr, alpha, c1, c2):
    """Artefact code per interval of a finite RR series (ms).

    dRR_j = RR_j - RR_{j-1} normalised by Th1 = alpha * QD(|dRR|) over 91 beats; mRR_j =
    RR_j - median11(RR) normalised by Th2 = alpha * QD(|mRR|) over 91 beats, negative values
    doubled. Ectopic: the (dRR_j, dRR_{j+1}) pair crosses the c1/c2 decision lines of
    Lipponen & Tarvainen's Fig. 2; long/short: |mRR| > 3, or dRR_j and S22 (the
    min/max of the next two dRR) beyond +-1 with opposite signs;
    missed: a long interval with |RR_j/2 - med| < Th2; extra: a short interval with
    |RR_j + RR_{j+1} - med| < Th2.
    """
    n = rr.size
    code = np.zeros(n, dtype=np.int64)
    if n < 4:
        return code
    drr = np.empty(n, dtype=np.float64)
    drr[0] = 0.0
    for j in range(1, n):
        drr[j] = rr[j] - rr[j - 1]
    th1 = alpha * rolling_qd(np.abs(drr), 45)
    med = rolling_median(rr, 5)
    mrr = rr - med
    th2 = alpha * rolling_qd(np.abs(mrr), 45)
    nd = np.empty(n, dtype=np.float64)
    nm = np.empty(n, dtype=np.float64)
    for j in range(n):
        nd[j] = drr[j] / th1[j] if th1[j] > 0 else 0.0
        v = mrr[j] / th2[j] if th2[j] > 0 else 0.0
        nm[j] = 2.0 * v if v < 0 else v
    j = 0
    while j < n:
        s11 = nd[j]
        if j == 0 or j == n - 1:
            s12 = 0.0
        elif s11 > 0:
            s12 = max(nd[j - 1], nd[j + 1])
        else:
            s12 = min(nd[j - 1], nd[j + 1])
        if j >= n - 2:
            s22 = 0.0
        elif s11 >= 0:
            s22 = min(nd[j + 1], nd[j + 2])
        else:
            s22 = max(nd[j + 1], nd[j + 2])
        if (s11 > 1 and s12 < -c1 * s11 - c2) or (s11 < -1 and s12 > -c1 * s11 + c2):
            code[j] = ECTOPIC
            j += 1
            continue
        if abs(nm[j]) > 3 or (s11 > 1 and s22 < -1) or (s11 < -1 and s22 > 1):
            if rr[j] > med[j]:
                code[j] = MISSED if abs(rr[j] / 2.0 - med[j]) < th2[j] else LONG
            elif j + 1 < n and abs(rr[j] + rr[j + 1] - med[j]) < th2[j]:
                code[j] = EXTRA
            else:
                code[j] = SHORT
        j += 1
    return code
