"""Synthetic inputs shared by the R-peak kernel tests (importable: ``pythonpath = ["tests"]``)."""

from __future__ import annotations

import numpy as np


def kernel_signals() -> dict[str, np.ndarray]:
    """One-lead inputs by name: degenerate lengths, a constant, noise, an ECG-like spike
    train at 250 Hz, its integer-valued (ADC-like, many ties) copy and a strided view."""
    rng = np.random.default_rng(7)
    t = np.arange(3000) / 250.0
    ecg_like = np.sin(2 * np.pi * 1.2 * t) ** 15 + 0.05 * rng.standard_normal(t.size)
    adc = np.round(ecg_like * 20)  # integer-valued with many ties
    return {
        "empty": np.zeros(0),
        "one": np.array([3.0]),
        "two": np.array([1.0, 2.0]),
        "constant": np.full(500, 2.5),
        "random": rng.standard_normal(2000),
        "ecg_like": ecg_like,
        "adc_ties": adc,
        "strided": np.repeat(ecg_like, 2)[::2],
    }


def kernel_leads(seed: int, n_leads: int = 3, n: int = 3001) -> np.ndarray:
    """Spiky periodic leads with noise, ``(n_leads, n)`` at 250 Hz: NaN gaps
    (``seed % 3 == 1``) or a flat lead and a NaN tail (``seed % 3 == 2``)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / 250.0
    x = np.stack([np.sin(2 * np.pi * 1.2 * t + i) ** 31 for i in range(n_leads)])
    x = x + 0.05 * rng.standard_normal(x.shape)
    if seed % 3 == 1:
        x[0, 500:700] = np.nan  # a gap in one lead
        x[-1, rng.random(n) < 0.01] = np.nan
    if seed % 3 == 2:
        x[min(1, n_leads - 1)] = 0.7  # flat lead
        x[-1, 2000:] = np.nan
    return x


def twin_lead_energies(x, k, sos, h, min_len):
    """Stages 0-1 lead by lead, one finite run at a time (as ``detect_rpeaks`` did before
    the one-call kernels): the twin of ``lead_energies`` and ``lead_energies_fused``
    (same arguments and returns)."""
    from geoecg._kernels.rpeaks import bandpass_energy, block_mean, finite_runs

    nd = x.shape[1] // k
    energy, used = np.zeros((x.shape[0], nd)), np.zeros((x.shape[0], nd), dtype=bool)
    runs = np.zeros((0, 2), dtype=np.int64)
    for lead, row in enumerate(x):
        xd = block_mean(np.ascontiguousarray(row), k) if k > 1 else row
        runs = finite_runs(np.ascontiguousarray(xd), min_len)
        for a, b in runs:
            energy[lead, a:b] = bandpass_energy(np.ascontiguousarray(xd[a:b]), sos, h)
            used[lead, a:b] = True
    return energy, used, runs, bool(np.isinf(x).any())
