"""ECGSYN dynamical model (McSharry et al. 2003) extended to a 3-D dipole (numba).

A limit-cycle oscillator (x, y) sets the cardiac phase theta = atan2(y, x); each of the three
dipole components (Frank X, Y, Z) follows McSharry's z-equation driven by Gaussian events
(P, Q, R, S, ST, T) at phases ``theta_i`` with widths ``b_i`` and per-component amplitudes.
No validation here: see :mod:`geoecg.simulate.waveforms`.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["ecgsyn_dipole"]


@njit(cache=True, nogil=True)
def _deriv(x, y, z, omega, z0, theta_i, b_i, a, dz):
    r = math.sqrt(x * x + y * y)
    alpha = 1.0 - r
    dx = alpha * x - omega * y
    dy = alpha * y + omega * x
    th = math.atan2(y, x)
    for k in range(3):
        dz[k] = -(z[k] - z0)
    for i in range(theta_i.shape[0]):
        d = th - theta_i[i]
        # wrap to [-pi, pi)
        d = d - 2.0 * math.pi * math.floor((d + math.pi) / (2.0 * math.pi))
        g = d * math.exp(-0.5 * d * d / (b_i[i] * b_i[i]))
        for k in range(3):
            dz[k] -= omega * a[k, i] * g
    return dx, dy


@njit(cache=True, nogil=True)
def ecgsyn_dipole(omega, z0, theta_i, b_i, amp, dt, decim, out):
    """Integrate the 3-D ECGSYN model with fixed-step RK4 for a batch of records.

    Parameters
    ----------
    omega : (n_rec, n_int) float64
        Angular frequency (rad/s) of the oscillator at each internal step.
    z0 : (n_rec, n_int) float64
        Baseline (mV) the components relax to (respiratory wander).
    theta_i, b_i : (n_rec, n_waves) float64
        Event phases (rad) and widths (rad).
    amp : (n_rec, 3, n_waves) float64
        Peak amplitudes (mV) of each event on each dipole component.
    dt : float
        Internal step (s).
    decim : int
        Keep every ``decim``-th internal sample.
    out : (n_rec, 3, n_out) float64
        Filled with the dipole; ``n_out = ceil(n_int / decim)``.
    """
    n_rec = omega.shape[0]
    n_int = omega.shape[1]
    nw = theta_i.shape[1]
    a = np.empty((3, nw))
    z = np.empty(3)
    zt = np.empty(3)
    k1 = np.empty(3)
    k2 = np.empty(3)
    k3 = np.empty(3)
    k4 = np.empty(3)
    for r in range(n_rec):
        th = theta_i[r]
        bb = b_i[r]
        for k in range(3):
            for i in range(nw):
                a[k, i] = amp[r, k, i] / (bb[i] * bb[i])
        if n_int == 0:  # nothing to integrate (and no z0[r, 0] to start from)
            continue
        x = -1.0
        y = 0.0
        for k in range(3):
            z[k] = z0[r, 0]
        j = 0
        for t in range(n_int):
            if t % decim == 0:
                for k in range(3):
                    out[r, k, j] = z[k]
                j += 1
            w = omega[r, t]
            zb = z0[r, t]
            dx1, dy1 = _deriv(x, y, z, w, zb, th, bb, a, k1)
            for k in range(3):
                zt[k] = z[k] + 0.5 * dt * k1[k]
            dx2, dy2 = _deriv(x + 0.5 * dt * dx1, y + 0.5 * dt * dy1, zt, w, zb, th, bb, a, k2)
            for k in range(3):
                zt[k] = z[k] + 0.5 * dt * k2[k]
            dx3, dy3 = _deriv(x + 0.5 * dt * dx2, y + 0.5 * dt * dy2, zt, w, zb, th, bb, a, k3)
            for k in range(3):
                zt[k] = z[k] + dt * k3[k]
            dx4, dy4 = _deriv(x + dt * dx3, y + dt * dy3, zt, w, zb, th, bb, a, k4)
            x += dt * (dx1 + 2.0 * dx2 + 2.0 * dx3 + dx4) / 6.0
            y += dt * (dy1 + 2.0 * dy2 + 2.0 * dy3 + dy4) / 6.0
            for k in range(3):
                z[k] += dt * (k1[k] + 2.0 * k2[k] + 2.0 * k3[k] + k4[k]) / 6.0
    return out
