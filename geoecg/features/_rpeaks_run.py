"""The stages of :func:`geoecg.features.detect_rpeaks` run on validated input, and the reuse of
one lead's QRS energy for a second, single-lead detection (private).

:func:`run_stages` is the body of :func:`~geoecg.features.detect_rpeaks` after validation.
:func:`detect_with_lead_energy` runs it on a multi-lead record and keeps a copy of one lead's
energy envelope (taken before the leads are combined, which rescales them in place), so that
:func:`detect_from_lead_energy` can then give that lead's single-lead R-peaks without
computing its energy again. The energy of a lead does not depend on the other leads (each
lead goes through the same kernel operations alone or among others), so the pair equals
``detect_rpeaks(signal, fs)`` and ``detect_rpeaks(signal[lead], fs, track=...)`` to the
bit (``tests/test_rpeaks_shared.py``); the cohort's records use it for their primary lead
(:class:`geoecg.cohort.feature_sets.RecordData`).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, replace

import numpy as np

from .._kernels import rpeaks_stages as S
from .._kernels.rpeaks import mask_runs
from .._kernels.rpeaks_track import track_candidates, track_runs
from .rpeaks import (
    _LEAD_BLOCK_S,
    _LEAD_FLOOR,
    _TINY,
    _TRACK_BETA,
    _TRACK_DEAD,
    _TRACK_GMIN,
    _TRACK_MAX_GAP_S,
    _TRACK_MIN_FRAC,
    _TRACK_PEN,
    RPeakResult,
    _as_leads,
    _bridge_short_gaps,
    _gaps_full_rate,
    _off_missing,
    _Plan,
    _plan,
    detect_rpeaks,
)

__all__ = ["LeadEnergy", "detect_from_lead_energy", "detect_with_lead_energy", "run_stages"]


@dataclass(frozen=True)
class LeadEnergy:
    """One lead's QRS energy envelope at the detection rate, as the detector computed it.

    Attributes
    ----------
    lead : int
        Row of the multi-lead signal it belongs to.
    energy : ndarray of float64, shape (n_samples // k,)
        Energy envelope (0 outside the processed stretches).
    used : ndarray of bool, same shape
        Samples that were processed (finite stretches long enough).
    plan : _Plan
        The options it was computed with (the rate ``k``, band, window).
    n : int
        Samples of the lead at the full rate.
    runs : ndarray of int64, shape (n_runs, 2), optional
        The processed ``[start, stop)`` stretches of ``used`` (computed when None).
    """

    lead: int
    energy: np.ndarray
    used: np.ndarray
    plan: _Plan
    n: int
    runs: np.ndarray | None = None


def _empty(plan: _Plan, method: str, gaps=None) -> RPeakResult:
    if gaps is None:
        return RPeakResult(np.zeros(0, np.int64), plan.fs, method, np.zeros(0))
    return RPeakResult(np.zeros(0, np.int64), plan.fs, method, np.zeros(0), gaps)


_NO_GAPS = np.zeros((0, 2), dtype=np.int64)


def _beats(
    x2, combined, runs, energy, used, plan: _Plan, method: str, nd: int, track: bool
) -> RPeakResult:
    """Stages 4-8 over the processed stretches ``runs`` (an ``(n_runs, 2)`` array) of the
    envelope ``combined``, tracking on when ``track`` (in place of ``plan.track``): one
    kernel call (:func:`geoecg._kernels.rpeaks_stages.run_beats`), plus the tracking of
    the noisy stretches and :func:`~geoecg._kernels.rpeaks_stages.finish_runs` when a
    stretch is noisy."""
    k, n = plan.k, x2.shape[1]
    if runs.shape[0] == 1 and runs[0, 0] == 0 and runs[0, 1] == nd:
        gaps = _NO_GAPS
    else:
        gaps = _gaps_full_rate(runs.tolist(), nd, k, n)
    out = S.run_beats(
        m=combined,
        x=x2,
        energy=energy,
        used=used,
        runs=runs,
        ints=plan.ints,
        floats=plan.floats,
        track=track,
    )
    status, peaks, confidence = out[:3]
    if status == S.EMPTY:
        return _empty(plan, method, gaps)
    if status == S.NOISY:
        peaks, confidence = _finish_noisy(x2, energy, used, runs, out[3], out[4], plan)
    return RPeakResult(peaks, plan.fs, method, confidence, gaps)


def _finish_noisy(x2, energy, used, runs, ibuf, fbuf, plan: _Plan):
    """(peaks, confidence) of a record :func:`~geoecg._kernels.rpeaks_stages.run_beats`
    handed back as noisy (its ``ibuf``, ``fbuf``, on ``x2``, ``energy``, ``used``,
    ``runs`` as it got them): the rest of beat-sequence tracking in the noisy stretches
    (logarithms in NumPy), then :func:`~geoecg._kernels.rpeaks_stages.finish_runs`."""
    cand, h, coff, idx, thr, boff, thr_c, w, noisy = S.unpack(ibuf, fbuf, runs.shape[0])
    idx, thr, boff = _track_noisy(cand, h, coff, idx, thr, boff, thr_c, w, noisy, plan)
    return S.finish_runs(
        x2, energy, used, runs, cand, h, coff, idx, thr, boff, plan.ints, plan.floats
    )


def _track_noisy(cand, h, coff, idx, thr, boff, thr_c, w, noisy, plan: _Plan):
    """The beats of each noisy stretch (``noisy[r]``) re-selected by beat-sequence tracking
    (stage 6 after its inputs, :func:`geoecg._kernels.rpeaks_fused.track_inputs`); new
    ``(idx, thr, boff)`` in the layout of
    :func:`~geoecg._kernels.rpeaks_stages.finish_runs`.

    Each candidate sees the threshold of the last beat before it (its own for a beat). The
    evidence of a beat kept by the thresholds is ``max(log(h / thr), _TRACK_GMIN)``; a
    rejected candidate above ``_TRACK_MIN_FRAC * thr`` may come back with
    ``min(log(h / thr), 0) - _TRACK_PEN``. :func:`track_beats` then picks the sequence with
    the best evidence minus RR-irregularity cost, the cost weighted by the envelope noise.
    Two kernels around one NumPy call: :func:`track_candidates` (the candidates and their
    ``h / thr``), ``np.log`` (NumPy's logarithm, which is not always the C library's that
    a kernel would call), :func:`track_runs` (the evidence, :func:`track_beats`, the new
    layout).
    """
    sel, ratio, sel_beat, soff = track_candidates(cand, h, coff, idx, boff, thr_c, noisy,
                                                  _TRACK_MIN_FRAC, _TINY)  # fmt: skip
    lg = np.log(ratio)
    return track_runs(
        cand, coff, idx, thr, boff, thr_c, w, noisy, sel, lg, sel_beat, soff, plan.refr,
        _TRACK_MAX_GAP_S * plan.fs_d, _TRACK_BETA, _TRACK_DEAD, _TRACK_GMIN, _TRACK_PEN,
    )  # fmt: skip


def run_stages(x2: np.ndarray, plan: _Plan, method: str, keep: int | None = None):
    """Stages 1-8 on ``x2`` ``(n_leads, n)`` (validated by ``_as_leads``) with ``plan``;
    returns ``(RPeakResult, LeadEnergy or None)``, the second a copy of lead ``keep``'s
    energy when ``keep`` is given (None for an empty signal)."""
    n_leads, n = x2.shape
    if n == 0 or n_leads == 0:
        return _empty(plan, method), None
    nd = n // plan.k
    # stages 1-3 in one call: the same kernels as _lead_energy and _combine_leads
    stages = _record_energy(x2, plan, keep)
    filled, bridged, missing = _bridge_if_gaps(x2, stages[1], nd * plan.k, plan)
    if filled is not None:  # short NaN runs bridged: stages 1-3 again
        x2 = filled
        stages = _record_energy(x2, plan, keep)
    energy, used, combined, runs, _, kept_e, kept_u, kept_runs = stages
    kept = None
    if keep is not None:
        kept = LeadEnergy(keep, kept_e, kept_u, plan, n, kept_runs)
    res = _beats(x2, combined, runs, energy, used, plan, method, nd, plan.track)
    return _with_bridged(res, bridged, missing), kept


def _record_energy(x2: np.ndarray, plan: _Plan, keep: int | None):
    """:func:`geoecg._kernels.rpeaks_stages.record_energy` with ``plan``'s options; raises
    on infinite samples."""
    stages = S.record_energy(
        x=x2,
        k=plan.k,
        sos=plan.sos,
        half_width=plan.half,
        min_len=plan.min_len,
        block=max(int(_LEAD_BLOCK_S * plan.fs_d), 1),
        floor=_LEAD_FLOOR,
        keep=-1 if keep is None else keep,
    )
    if stages[4]:
        raise ValueError("signal contains infinite values; use NaN for missing samples")
    return stages


def _bridge_if_gaps(x2: np.ndarray, used: np.ndarray, tail: int, plan: _Plan):
    """``_bridge_short_gaps(x2, plan.max_gap)`` (filled copy or None, bridged ranges, mask of
    samples missing in every lead) when ``plan`` bridges gaps and the record may hold NaN: a
    detection-rate sample outside ``used`` (a NaN run, or a flat lead), or a NaN among the
    samples from ``tail`` on that the block means drop; ``(None, None, None)`` otherwise."""
    if plan.max_gap and (not used.all() or np.isnan(x2[:, tail:]).any()):
        return _bridge_short_gaps(x2, plan.max_gap)
    return None, None, None


def _with_bridged(res: RPeakResult, bridged, missing) -> RPeakResult:
    """``res`` with its ``bridged`` ranges, no beat on a ``missing`` sample (see
    :func:`geoecg.features.rpeaks._off_missing`); ``res`` itself when nothing was bridged."""
    if bridged is None or not bridged.shape[0]:
        return res
    return replace(res, indices=_off_missing(res.indices, missing), bridged=bridged)


def detect_with_lead_energy(signal, fs, lead: int, **options):
    """``detect_rpeaks(signal, fs, **options)`` and a copy of lead ``lead``'s energy
    envelope (:class:`LeadEnergy`, None for an empty signal), for
    :func:`detect_from_lead_energy`."""
    x2 = _as_leads(signal)
    if not 0 <= lead < x2.shape[0]:
        raise ValueError(f"lead must be in [0, {x2.shape[0]}), got {lead}")
    plan = _plan_of(fs, options)
    return run_stages(x2, plan, options.get("method", "geoecg"), keep=lead)


def detect_from_lead_energy(x_lead: np.ndarray, saved: LeadEnergy, *, track: bool = False):
    """``detect_rpeaks(x_lead, fs, track=track)`` (the other options as when ``saved`` was
    computed) from the saved energy of that lead: ``x_lead`` must be the same 1-D samples
    (row ``saved.lead`` of the signal given to :func:`detect_with_lead_energy`)."""
    x2 = _as_leads(x_lead)
    if x2.shape != (1, saved.n):
        raise ValueError(f"x_lead must hold the {saved.n} samples of the saved lead")
    plan = saved.plan
    filled, bridged, missing = _bridge_if_gaps(x2, saved.used, saved.energy.shape[0] * plan.k, plan)
    if filled is not None:  # the saved energy was computed on the bridged lead: refine on it too
        x2 = filled
    energy = saved.energy.reshape(1, -1)
    used = saved.used.reshape(1, -1)
    runs = saved.runs
    if runs is None:
        runs = mask_runs(mask=saved.used, min_len=plan.min_len)
    nd = saved.energy.shape[0]
    res = _beats(x2, saved.energy, runs, energy, used, plan, "geoecg", nd, bool(track))
    return _with_bridged(res, bridged, missing)


def _plan_of(fs, options: dict) -> _Plan:
    """The plan of ``detect_rpeaks(..., **options)`` (its defaults for the others)."""
    unknown = set(options) - set(_DEFAULTS)
    if unknown:
        raise TypeError(f"unknown option(s) {sorted(unknown)}")
    return _plan(fs, *({**_DEFAULTS, **options}).values())


# detect_rpeaks' keyword options and defaults, in the order _plan takes them
_DEFAULTS = {
    name: p.default
    for name, p in inspect.signature(detect_rpeaks).parameters.items()
    if p.kind is inspect.Parameter.KEYWORD_ONLY
}
