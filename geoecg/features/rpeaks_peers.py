"""Peer R-peak detectors behind one call signature, for side-by-side benchmarks.

``peer_rpeak_detector(name)`` returns ``run(signal, fs) -> int64 sample indices`` on lead 0
of a ``(n_leads, n_samples)`` signal: NeuroKit2 ``neurokit``, ``pantompkins1985`` and
``kalidas2017`` (each ``ecg_clean`` with the same method, then ``ecg_findpeaks``; extra
``bench``) and wfdb ``xqrs`` (``wfdb.processing.xqrs_detect``). ``"geoecg"`` is
:func:`geoecg.features.detect_rpeaks` on lead 0, ``"geoecg-all-leads"`` on every lead.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

__all__ = ["NEUROKIT_METHODS", "PEER_DETECTORS", "peer_rpeak_detector"]

#: NeuroKit2 methods run as peers.
NEUROKIT_METHODS = ("neurokit", "pantompkins1985", "kalidas2017")
#: Every name :func:`peer_rpeak_detector` knows.
PEER_DETECTORS = ("geoecg", "geoecg-all-leads", *NEUROKIT_METHODS, "xqrs")


def _geoecg(all_leads: bool) -> Callable:
    from .rpeaks import detect_rpeaks

    def run(signal, fs):
        return detect_rpeaks(signal if all_leads else signal[0], fs).indices

    return run


def _neurokit(method: str) -> Callable:
    def run(signal, fs):
        import neurokit2 as nk

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # NeuroKit2 warns on its own internals
            clean = nk.ecg_clean(signal[0], sampling_rate=int(round(fs)), method=method)
            peaks = nk.ecg_findpeaks(clean, sampling_rate=int(round(fs)), method=method)
        return np.asarray(peaks["ECG_R_Peaks"], dtype=np.int64)

    return run


def _xqrs(signal, fs):
    import wfdb.processing

    return np.asarray(wfdb.processing.xqrs_detect(signal[0], fs, verbose=False), dtype=np.int64)


def peer_rpeak_detector(name: str) -> Callable:
    """``run(signal, fs)`` of detector ``name`` (one of :data:`PEER_DETECTORS`).

    The peer packages are imported when ``run`` is first called.

    Examples
    --------
    >>> run = peer_rpeak_detector("geoecg")
    >>> x = np.zeros((1, 2500)); x[0, 250::250] = 1.0
    >>> run(x, 250.0).size > 0
    True
    """
    if name in ("geoecg", "geoecg-all-leads"):
        return _geoecg(name == "geoecg-all-leads")
    if name in NEUROKIT_METHODS:
        return _neurokit(name)
    if name == "xqrs":
        return _xqrs
    raise ValueError(f"unknown detector {name!r}; choose one of {PEER_DETECTORS}")
