"""Wave delineation: P, QRS and T onsets, peaks and offsets per beat and lead.

A signal sampled below :data:`WORKING_FS_HZ` (500 Hz, the rate every setting was tuned at) is
first upsampled by a whole factor (:func:`working_factor`: 5 at 100 Hz, 2 at 250 Hz) with a
polyphase FIR, delineated there, and its positions reported as fractional sample indices at
the input rate, so the same ECG measured at 100 and 500 Hz gives the same intervals (without
this, the derivative spans and whole-sample boundaries widened the QRS by about 28 ms at 100 Hz
on PTB-XL). Then :func:`delineate` filters each lead into a QRS band (0.5-40 Hz) and a P/T
band (0.5-15 Hz), then runs :func:`geoecg._kernels.delineation.delineate_lead` around each R-peak:

* **QRS**: from the steepest slope near the R-peak, the first and last samples whose slope
  exceeds ``qrs_on_hi``/``qrs_off_hi`` times that slope, then outwards until the slope falls
  to ``qrs_on_lo``/``qrs_off_lo`` times it (a derivative-threshold search in the spirit of
  Martinez et al. 2004, on one scale). The J point is the QRS offset.
* **Pacing spike** (rule T): a beat whose unfiltered signal (any combined lead) has, 150-10
  ms before the R-peak, a second difference at least ``qrs_spike_k`` times the largest
  within 20 ms of the R-peak (a pacing stimulus: 37-65 times in the unipolar paced LUDB
  record 45, 3-11 in the biventricular paced record 93, at most 2.5 in sinus beats) starts
  its QRS search window ``qrs_spike_ms`` after the spike: ventricular depolarisation cannot
  start before the stimulus, and the slope of the stimulus's filtered ringing otherwise
  carries the onset to the start of the window (paced record 45 read 14 ms early). Rule AF
  (registry item 39): the QRS (its band-pass signal and rule AB's unfiltered derivative) is
  read with each such stimulus, the run of samples whose second difference is at least the
  QRS's, replaced by a straight line, and the window starts earlier than ``qrs_spike_ms``
  where, on that signal, every combined lead's slope has already fallen below the onset
  walk's stopping level (``qrs_on_lo`` times its steepest slope within 20 ms of the
  R-peak): a QRS starting within ``qrs_spike_ms`` of the stimulus is read from its onset,
  not from inside its q wave (whose level then misplaced the T wave). A P wave
  (per lead or global) whose span holds that stimulus is reported absent (rule AE, registry
  item 38, ``_delineation_spike.py``): the P/T band had spread the stimulus into a P-like bump.
* **T**: the largest deflection from the isoelectric level (the QRS-onset level) between
  the QRS offset + ``t_gap_ms`` and an RR-dependent end; a T smaller than ``t_min_rel`` times
  the QRS amplitude is absent. Onset and offset come from the limbs of that deflection by
  the trapezium-area method (Vazquez-Seisdedos et al. 2011), which handles inverted waves by
  their polarity; a biphasic T is measured on its larger lobe (a rule measuring it from the
  first to the last lobe placed T offsets later than the LUDB cardiologists and was removed).
* **P**: the largest deflection before the QRS onset (after the previous T offset); present
  only if larger than ``p_min_rel`` times the QRS amplitude, ``p_noise`` times the local
  high-frequency RMS, and dominant (no other deflection of the same sign beyond
  ``p_sep_ms`` reaches ``p_dominance`` of it), and in rhythm with the lead's other P waves
  (its peak-to-QRS-onset time within ``p_pr_tol_ms`` of the lead's median). Otherwise it is
  reported absent, never guessed. The P offset's trapezium reference point lies
  ``p_off_span_ms`` after the P's steepest descent (at most the QRS onset), the onset's
  ``p_span_ms`` before its steepest rise: with the onset's 30 ms the offset of a slowly
  decaying P stopped early (rule Q of the benchmark page, LUDB tuning half).
* **Atrial rhythm** (per call, i.e. per record): with at least 8 beats, when the RR intervals
  are irregular (median absolute successive RR difference at least ``p_af_irr`` of the
  median RR) and fewer than ``p_af_share`` of the beats have a global P, every P of the
  record is reported absent: true P waves come from one atrial rhythm, so they are in
  (nearly) every beat; P waves in only part of the beats of an irregular rhythm are
  f-waves or the previous T (atrial fibrillation).
* **Atrial flutter** (per call, rule R): with at least 8 beats, when in at least 3 beats, and
  in at least half of the beats with a global P, the P/T-band signal of the global P window
  repeats one atrial cycle (150-350 ms) earlier, inside the TP segment (correlation at
  least ``p_flutter_r``, RMS ratio 0.5-2), every P of the record is reported absent with
  the reason ``atrial_flutter_waves``: a sinus P is preceded by a flat baseline there, a
  flutter wave by the previous flutter wave. Only a TP segment longer than a P plus one
  atrial cycle leaves room for the test, so it reaches 4:1 flutter, not 2:1 (where the
  flutter wave hides in the T) and few beats of 3:1.

The multi-lead (global) boundary of each beat combines the leads: onsets and offsets
(P, QRS, T and J) are the mean of the lead values, rounded to a working-rate sample; peaks
the median of the lead values; a global P exists when at least ``global_p_vote`` of the
leads have one. (A pull of the global P offset towards the P peak, rule D of the benchmark
page, lowered the LUDB P-offset error SD but read P waves of 120 ms or more about 10 ms
short; it was removed.)
A beat with no global P, not premature (preceding RR at least ``p_rec_rr`` of the median RR),
in a record with global P waves in at least three beats, is searched again in each lead with
no P, with the same tests, only inside the record's own P window: the lead's QRS onset minus
the median global QRS onset - P onset to minus the median QRS onset - P offset of the beats
with a P; it gets a global P when ``global_p_vote`` of the leads find one (LUDB tuning half:
global P sensitivity 95.8 -> 98.6 %, +P 100 %; the first search's P was not dominant in its
300-ms window, the previous T's tail or a U wave being larger).
Per lead, a beat with a global P whose lead found no P of its own is searched again, with the
same tests, only inside the global P window (global P onset to the earlier of the global P
offset and the lead's QRS onset - ``p_gap_ms``), with ``p_min_rel`` and ``p_noise`` scaled by
``p_lead_rel``, and the deflection measured against the chord joining the signal at the
window's two ends (not against the level at its end, as in the first search: a lead whose P
is biphasic or drifts across the P window otherwise peaks at the window's first sample): a P
the cardiologist sees in a lead because it is clear in the others is then measured there too
(LUDB tuning half: per-lead P sensitivity 79 -> 96 %, +P 99 %; the chord, nested CV, 98.1 ->
99.0 %, on leads II, V1, V5 98.5 -> 99.25 %). The global boundary is formed before this step
and does not change.
Per lead, the T offset of a lead whose T is small (amplitude at its T peak against its QRS
onset, P/T band, under ``t_lead_rel`` of its QRS peak-to-peak amplitude) is the beat's global
T offset: the slope and trapezium of a small T place its end poorly (LUDB tuning half, per-lead
T offset -32.6 +/- 70.1 ms where that ratio is under 0.08, about 0 +/- 23 above 0.17), and the
mean of the leads is the better anchor there (nested CV on the tuning half: per-lead T offset
SD 44.4 -> 36.1 ms, Se 93.8 -> 97.9 %). The lead's T onset and peak stay its own; leads whose T
is clear keep their own T offset (a smaller spread of T offsets across the leads, i.e. QT
dispersion, is the cost where a lead's T is small).
Last, per lead and globally, P and T are put in order (``P_on <= P_peak <= P_off <= QRS_on``,
``QRS_off <= T_on <= T_peak <= T_off``; rule AD, ``_delineation_order.py``): a peak outside its
wave is searched again inside it, a value that cannot be ordered is NaN (``out_of_order``).
Defaults were chosen on the ``tune`` half of the visible LUDB records (positions 0, 2, 4,
... of the sorted list: records 1, 5, 9, ...; coordinate search, then a record-grouped
5-fold CV inside ``tune`` for the lead combination) and scored once per release on the
``test`` half; see the delineation benchmark page.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy.signal import resample_poly

from .._kernels import delineation as _k
from .._validation import check_fs, check_layout, check_rpeaks, select_leads
from . import _delineation_p as _dp
from ._delineation_checks import check_settings as _check_settings
from ._delineation_filter import band_filter as _filter
from ._delineation_order import fiducials_in_order as _fiducials_in_order
from ._delineation_qrs import raw_qrs_onsets as _raw_qrs_onsets
from ._delineation_spike import blank_stimuli as _blank_stimuli
from ._delineation_spike import drop_p_on_stimulus as _drop_p_on_stimulus
from ._delineation_spike import second_differences as _second_differences
from ._delineation_spike import spike_starts as _spike_starts
from ._delineation_spike import stimulus_decay_starts as _stimulus_decay_starts

__all__ = [
    "FIDUCIALS", "REASONS", "WORKING_FS_HZ", "Delineation", "DelineationSettings", "delineate",
    "working_factor",
]  # fmt: skip

FIDUCIALS = _k.FIDUCIALS
REASONS = _k.REASONS
#: Lowest rate the kernels run at (Hz): LUDB's rate, where every setting was tuned. A signal
#: sampled slower is upsampled by :func:`working_factor` first.
WORKING_FS_HZ = 500.0


def working_factor(fs: float) -> int:
    """Whole upsampling factor ``up`` with ``fs * up >= WORKING_FS_HZ`` (1 at 500 Hz and above).

    Examples
    --------
    >>> working_factor(100.0), working_factor(250.0), working_factor(360.0), working_factor(500.0)
    (5, 2, 2, 1)
    """
    from .._validation import check_fs

    return max(1, int(np.ceil(WORKING_FS_HZ / check_fs(fs) - 1e-9)))


@dataclass(frozen=True)
class DelineationSettings:
    """Settings of :func:`delineate` (times in ms, the rest fractions).

    Attributes
    ----------
    qrs_band_hz, wave_band_hz : (float, float)
        Zero-phase Butterworth (order 2) pass bands for the QRS and the P/T searches, Hz;
        upper edges are capped at 0.45 fs.
    qrs_pre_ms, qrs_post_ms : float
        QRS search window around the R-peak.
    slope_win_ms : float
        Half-width of the window around the R-peak where the steepest slope is taken.
    qrs_on_hi, qrs_on_lo, qrs_off_hi, qrs_off_lo : float
        Slope fractions of the QRS onset and offset search (see the module docstring).
    t_gap_ms : float
        T search starts this long after the QRS offset.
    t_a_ms, t_b, t_rr : float
        T search ends ``min(t_rr * RR, t_a_ms + t_b * RR)`` after the R-peak.
    t_span_ms, p_span_ms : float
        Distance from the steepest limb point to the trapezium reference point (the T's
        limbs; the P onset).
    p_off_span_ms : float
        The same for the P offset (rule Q): from the steepest descent after the P peak,
        capped at the QRS onset.
    t_min_rel : float
        Smallest T amplitude (fraction of the QRS peak-to-peak amplitude).
    p_pre_ms, p_gap_ms : float
        P search window: from ``p_pre_ms`` to ``p_gap_ms`` before the QRS onset.
    p_min_rel, p_noise, p_dominance, p_sep_ms : float
        P presence tests (see the module docstring).
    p_pr_tol_ms, p_consistent : float
        Rhythm test of each lead's P waves: a P whose peak-to-QRS-onset time differs from
        the lead's median by more than ``p_pr_tol_ms`` is dropped, and all are dropped when
        fewer than ``p_consistent`` of them agree (AF f-waves, noise); one or two P waves
        among five or more beats are dropped too.
    global_p_vote : float
        Share of the (usable) leads that must have a P for the beat to have a global P.
    p_af_irr, p_af_share : float
        Atrial-rhythm test of the record (see the module docstring): RR irregularity
        (median absolute successive RR difference / median RR) at or above ``p_af_irr``
        and a global P in fewer than ``p_af_share`` of the beats remove every P.
    p_lead_rel : float
        Per-lead P inside the global P window (see the module docstring): multiplier of
        ``p_min_rel`` and ``p_noise`` for the second search; 0 turns the search off.
    p_rec_rr : float
        Record P window (see the module docstring): a beat with no global P whose preceding
        RR is at least ``p_rec_rr`` times the record's median RR is searched again inside
        the record's own P window; 0 turns the search off.
    p_flutter_r : float
        Atrial-flutter test of the record (rule R, see the module docstring): correlation
        a beat's P window must reach with the same window one atrial cycle (150-350 ms)
        earlier, inside the TP segment; 0 turns the test off.
    t_lead_rel : float
        Per-lead T offset from the multi-lead one (see the module docstring): a lead whose T
        amplitude is below ``t_lead_rel`` of its QRS amplitude reports the beat's global T
        offset; 0 turns it off.
    qrs_spike_k, qrs_spike_ms : float
        Pacing spike (rule T, see the module docstring): a beat whose largest second
        difference 150-10 ms before the R-peak is at least ``qrs_spike_k`` times the largest
        within 20 ms of it starts its QRS search window ``qrs_spike_ms`` after that spike,
        or earlier where the spike's ringing has already decayed (rule AF); ``qrs_spike_k``
        0 turns both off.
    shift_ms : tuple of 12 float
        Constant added to each fiducial (order of
        :data:`~geoecg.features.delineation.FIDUCIALS`), ms: a calibration to an annotation
        convention (the defaults: the negated median error of the global boundary against
        the per-beat median of the cardiologists' marks on the LUDB tuning half; peaks from
        the first release).
    """

    qrs_band_hz: tuple[float, float] = (0.5, 40.0)
    wave_band_hz: tuple[float, float] = (0.5, 15.0)
    qrs_pre_ms: float = 85.0
    qrs_post_ms: float = 120.0
    slope_win_ms: float = 60.0
    qrs_on_hi: float = 0.2
    qrs_on_lo: float = 0.03
    qrs_off_hi: float = 0.2
    qrs_off_lo: float = 0.06
    t_gap_ms: float = 60.0
    t_a_ms: float = 250.0
    t_b: float = 0.35
    t_rr: float = 0.7
    t_span_ms: float = 80.0
    t_min_rel: float = 0.02
    p_pre_ms: float = 300.0
    p_gap_ms: float = 20.0
    p_span_ms: float = 30.0
    p_off_span_ms: float = 50.0
    p_min_rel: float = 0.01
    p_noise: float = 2.0
    p_dominance: float = 0.8
    p_sep_ms: float = 80.0
    p_pr_tol_ms: float = 30.0
    p_consistent: float = 0.7
    global_p_vote: float = 0.4
    p_af_irr: float = 0.06
    p_af_share: float = 0.75
    p_lead_rel: float = 0.25
    p_rec_rr: float = 0.8
    p_flutter_r: float = 0.8
    t_lead_rel: float = 0.16
    qrs_spike_k: float = 8.0
    qrs_spike_ms: float = 30.0
    # negated median global error on the LUDB tuning half (session 3; P_peak: session 1;
    # P_off: session 11, with p_off_span_ms)
    shift_ms: tuple = (-8.0, -4.0, -24.0, -8.0, 0.0, 0.0, 0.0, 8.0, 8.0, -14.0, 0.0, -2.0)
    __post_init__ = _check_settings  # each field in its range, named (ValueError/TypeError)

    def params(self, fs: float) -> np.ndarray:
        """The kernel's ``par`` array at ``fs`` Hz."""
        ms = fs / 1000.0
        par = np.zeros(_k.P_NPAR)
        par[_k.P_QRS_PRE] = round(self.qrs_pre_ms * ms)
        par[_k.P_QRS_POST] = round(self.qrs_post_ms * ms)
        par[_k.P_SLOPE_WIN] = max(1, round(self.slope_win_ms * ms))
        par[_k.P_ON_HI], par[_k.P_ON_LO] = self.qrs_on_hi, self.qrs_on_lo
        par[_k.P_OFF_HI], par[_k.P_OFF_LO] = self.qrs_off_hi, self.qrs_off_lo
        par[_k.P_T_GAP] = round(self.t_gap_ms * ms)
        par[_k.P_T_A] = self.t_a_ms * ms
        par[_k.P_T_B], par[_k.P_T_RR] = self.t_b, self.t_rr
        par[_k.P_T_SPAN] = max(2, round(self.t_span_ms * ms))
        par[_k.P_T_MIN] = self.t_min_rel
        par[_k.P_P_PRE] = round(self.p_pre_ms * ms)
        par[_k.P_P_GAP] = round(self.p_gap_ms * ms)
        par[_k.P_P_SPAN] = max(2, round(self.p_span_ms * ms))
        par[_k.P_P_OFF_SPAN] = max(2, round(self.p_off_span_ms * ms))
        par[_k.P_P_MIN], par[_k.P_P_NOISE] = self.p_min_rel, self.p_noise
        par[_k.P_P_DOM] = self.p_dominance
        par[_k.P_P_SEP] = round(self.p_sep_ms * ms)
        par[_k.P_RR1] = round(1000.0 * ms)
        return par


@dataclass(frozen=True)
class Delineation:
    """Result of :func:`delineate`.

    Attributes
    ----------
    fs : float
        Sampling rate (Hz).
    rpeaks : ndarray of int64, shape (n_beats,)
        R-peaks the beats are anchored on.
    lead_names : tuple of str
        Names of the leads (rows of the input).
    lead_samples : ndarray of float64, shape (n_leads, n_beats, 12)
        Per-lead fiducial positions (sample indices at ``fs``, fractional below 500 Hz;
        NaN where absent), columns :data:`~geoecg.features.delineation.FIDUCIALS`.
    lead_reasons : ndarray of int8, shape (n_leads, n_beats, 12)
        Reason codes, ``REASONS[code]`` (``""`` where measured; ``"t_offset_from_global"``
        where a lead's T offset is present but is the beat's multi-lead one, its own T being
        small: leave those out of per-lead QT dispersion).
    samples : ndarray of float64, shape (n_beats, 12)
        Multi-lead (global) positions.
    reasons : ndarray of int8, shape (n_beats, 12)
        Reason codes of the global positions.
    settings : DelineationSettings
        Settings used.
    """

    fs: float
    rpeaks: np.ndarray
    lead_names: tuple[str, ...]
    lead_samples: np.ndarray = field(repr=False)
    lead_reasons: np.ndarray = field(repr=False)
    samples: np.ndarray = field(repr=False)
    reasons: np.ndarray = field(repr=False)
    settings: DelineationSettings = field(repr=False, default_factory=DelineationSettings)

    @property
    def n_beats(self) -> int:
        """Number of beats."""
        return int(self.rpeaks.shape[0])

    def _select(self, lead):
        if lead is None or lead == "global":
            return self.samples, self.reasons
        if isinstance(lead, str):
            if lead not in self.lead_names:
                raise KeyError(f"no lead {lead!r}; leads: {self.lead_names} or 'global'")
            lead = self.lead_names.index(lead)
        elif (
            isinstance(lead, bool)
            or not isinstance(lead, (int, np.integer))
            or not -len(self.lead_names) <= lead < len(self.lead_names)
        ):
            raise KeyError(
                f"lead must be a name in {self.lead_names}, 'global' or an index in "
                f"[-{len(self.lead_names)}, {len(self.lead_names)}), got {lead!r}"
            )
        return self.lead_samples[lead], self.lead_reasons[lead]

    def wide(self, lead="global", unit: str = "ms") -> pd.DataFrame:
        """Beats x fiducials table of one lead (or ``"global"``), in ms or samples.

        Parameters
        ----------
        lead : str or int, default "global"
            A name of ``lead_names``, ``"global"``, or a row index in ``[-n_leads, n_leads)``
            (a negative one counts from the end).
        unit : {"ms", "samples"}
            Fiducial times in ms from the first sample, or sample indices.

        Returns
        -------
        pandas.DataFrame
            One row per beat, one column per fiducial (NaN where absent).
        """
        if unit not in ("ms", "samples"):
            raise ValueError(f"unit must be 'ms' or 'samples', got {unit!r}")
        s, _ = self._select(lead)
        vals = s * 1000.0 / self.fs if unit == "ms" else s
        suffix = "_ms" if unit == "ms" else "_sample"
        return pd.DataFrame(vals, columns=[f + suffix for f in FIDUCIALS]).rename_axis("beat")

    def table(self) -> pd.DataFrame:
        """Tidy table: one row per beat, lead (``"global"`` first) and fiducial.

        Columns ``beat``, ``lead``, ``fiducial``, ``sample`` (float, NaN where absent),
        ``time_ms`` (from the first sample) and ``reason`` (``""`` where measured).
        """
        frames = []
        for name in ("global", *self.lead_names):
            s, r = self._select(name)
            nb = s.shape[0]
            frames.append(
                pd.DataFrame(
                    {
                        "beat": np.repeat(np.arange(nb), len(FIDUCIALS)),
                        "lead": name,
                        "fiducial": np.tile(FIDUCIALS, nb),
                        "sample": s.ravel(),
                        "time_ms": s.ravel() * 1000.0 / self.fs,
                        "reason": np.asarray(REASONS, dtype=object)[r.ravel().astype(int)],
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)


def _check_signal(signal, fs):
    x = np.asarray(signal)
    if x.dtype == object or not (
        np.issubdtype(x.dtype, np.floating) or np.issubdtype(x.dtype, np.integer)
    ):
        raise TypeError(f"signal must be a numeric array, got dtype {x.dtype}")
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2:
        raise ValueError(f"signal must be (n_samples,) or (n_leads, n_samples), got {x.shape}")
    if x.shape[0] == 0:  # was an IndexError further on
        raise ValueError(
            f"signal has no leads, shape {x.shape}: expected (n_samples,) or "
            "(n_leads, n_samples) with at least one lead"
        )
    check_layout(x)  # (n_samples, n_leads) named as such, not as a complaint about rpeaks
    fs = check_fs(fs)  # text -> TypeError, like the rest of the API; <= 0 / NaN -> ValueError
    if fs < 50:
        raise ValueError(f"fs must be at least 50 Hz for delineation, got {fs}")
    return np.ascontiguousarray(x, dtype=np.float64), float(fs)


def _fill_nan(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    bad = ~np.isfinite(x)
    if not bad.any():
        return x, bad
    y = x.copy()
    idx = np.arange(x.shape[1])
    for k in range(x.shape[0]):
        ok = ~bad[k]
        y[k] = np.interp(idx, idx[ok], x[k, ok]) if ok.any() else 0.0
    return y, bad


def _derivative(x: np.ndarray, k: int) -> np.ndarray:
    d = np.zeros_like(x)
    d[:, k:-k] = (x[:, 2 * k :] - x[:, : -2 * k]) / (2.0 * k)
    return d


def _t_off_from_global(lead_s, lead_r, g, xq, xw, sh, rel) -> None:
    """Per lead and beat, the global T offset where the lead's T is small (in place).

    The replaced values get the reason ``"t_offset_from_global"`` (present, not the lead's own).

    The lead's T amplitude is ``|xw[T peak] - xw[QRS onset]|`` (the kernel's isoelectric
    level), its QRS amplitude the peak-to-peak of ``xq`` from its QRS onset to offset
    (positions with the ``sh`` calibration, working-rate samples, taken out). NaN samples
    make a lead-beat keep its own T offset.
    """
    on, off, tpk = (lead_s[:, :, c] - sh[c] for c in (_k.F_QON, _k.F_QOFF, _k.F_TPK))
    ok = np.isfinite(on) & np.isfinite(off) & np.isfinite(tpk)
    ok &= np.isfinite(lead_s[:, :, _k.F_TOFF]) & np.isfinite(g[None, :, _k.F_TOFF])
    jj, bb = np.nonzero(ok)
    if not jj.size:
        return
    i0, i1, ip = (a[jj, bb].astype(np.int64) for a in (on, off, tpk))
    n = xq.shape[1]
    flat = np.concatenate([xq, np.zeros((xq.shape[0], 1))], axis=1).ravel()
    idx = np.empty(2 * jj.size, dtype=np.int64)
    idx[0::2] = jj * (n + 1) + i0  # QRS windows [i0, i1] of every lead-beat, one flat array
    idx[1::2] = jj * (n + 1) + i1 + 1
    qamp = np.maximum.reduceat(flat, idx)[0::2] - np.minimum.reduceat(flat, idx)[0::2]
    with np.errstate(invalid="ignore"):
        small = np.abs(xw[jj, ip] - xw[jj, i0]) < rel * qamp
    lead_s[jj[small], bb[small], _k.F_TOFF] = g[bb[small], _k.F_TOFF]
    lead_r[jj[small], bb[small], _k.F_TOFF] = _k.R_TGLOBAL


def delineate(
    signal,
    fs,
    rpeaks=None,
    leads=None,
    *,
    combine_leads=None,
    settings: DelineationSettings | None = None,
) -> Delineation:
    """Delineate P, QRS and T waves per beat and lead, and combine the leads per beat.

    Parameters
    ----------
    signal : array_like, shape (n_samples,) or (n_leads, n_samples)
        ECG (any amplitude unit: every threshold is relative). NaN marks missing samples;
        a beat whose search window touches a gap gets NaN with reason ``nan_in_window``.
    fs : float
        Sampling rate in Hz (at least 50; tested at 100 and 500).
    rpeaks : array_like of int or RPeakResult, optional
        R-peak sample indices, checked by ``geoecg._validation.check_rpeaks`` (whole,
        strictly increasing, inside the signal); default:
        :func:`geoecg.features.detect_rpeaks` on all leads.
    leads : sequence of str, optional
        Lead names of the rows (default ``"0"``, ``"1"``, ...): distinct labels, any text
        (not checked against the standard lead names).
    combine_leads : str, int or sequence of str or int, optional
        Leads used for the global boundary (default: all): names in ``leads`` or row
        indices, distinct (one name or index alone is one lead).
    settings : DelineationSettings, optional
        Search settings (default: the defaults of
        :class:`~geoecg.features.DelineationSettings`).

    Returns
    -------
    Delineation
        Per-lead and global fiducials in samples with reason codes; ``.table()`` gives the
        tidy table (samples and ms), ``.wide(lead)`` a beats x fiducials frame.

    Raises
    ------
    ValueError
        If ``signal`` is not (n_samples,) or (n_leads, n_samples), ``fs`` is not a
        positive finite number of Hz (at least 50), ``rpeaks`` lie outside the signal, or
        ``leads`` does not give one distinct name per signal row.
    TypeError
        If ``fs`` is not a number (``fs="360"``) or ``settings`` is not a
        :class:`DelineationSettings`.

    Notes
    -----
    Beats whose QRS window leaves the signal are reported with reason ``edge``. A lead with
    no slope around the R-peak gets ``flat_lead``. An absent P (AF, ventricular rhythm, a
    P too small or not dominant in the window) gets ``no_p_wave``; a T smaller than
    ``t_min_rel`` of the QRS amplitude gets ``no_t_wave``; every P of a record read as atrial
    flutter gets ``atrial_flutter_waves``.

    Examples
    --------
    >>> from geoecg.simulate import synthesize_ecg
    >>> x = synthesize_ecg(fs=500, duration_s=10, hr_bpm=60, random_state=0)
    >>> d = delineate(x, 500.0)
    >>> qrs = (d.samples[:, 7] - d.samples[:, 3]) * 1000 / 500
    >>> from geoecg.simulate.wave_truth import ecgsyn_wave_times  # exact ECGSYN boundaries
    >>> t = ecgsyn_wave_times(fs=500, duration_s=10, hr_bpm=60)
    >>> true_qrs = float(np.median(t["QRS_off"] - t["QRS_on"])) * 1000 / 500  # 136 ms
    >>> abs(float(np.nanmedian(qrs)) - true_qrs) < 20
    True
    """
    x, fs = _check_signal(signal, fs)
    st = DelineationSettings() if settings is None else settings
    if not isinstance(st, DelineationSettings):
        raise TypeError(f"settings must be a DelineationSettings, got {type(st).__name__}")
    n_leads, n = x.shape
    if leads is None:
        names = tuple(str(i) for i in range(n_leads))
    else:
        names = tuple(str(s) for s in leads)
        if len(names) != n_leads:
            raise ValueError(f"leads has {len(names)} names for {n_leads} signal rows")
        if len(set(names)) != n_leads:
            raise ValueError(f"leads must be distinct names, got {list(names)}")
    if rpeaks is None:
        from .rpeaks import detect_rpeaks

        rp = detect_rpeaks(x if n_leads > 1 else x[0], fs).indices
    else:
        rp = check_rpeaks(rpeaks, n)
    rp = np.ascontiguousarray(rp, dtype=np.int64)
    use = np.arange(n_leads)
    if combine_leads is not None:
        use = np.asarray(select_leads(combine_leads, names, "combine_leads"), dtype=int)
    nb = rp.shape[0]
    lead_s = np.full((n_leads, nb, len(FIDUCIALS)), np.nan)
    lead_r = np.zeros((n_leads, nb, len(FIDUCIALS)), dtype=np.int8)
    up = working_factor(fs)
    if nb and n >= 16:
        filled, bad = _fill_nan(x)
        if up > 1:  # work at fs * up >= WORKING_FS_HZ, the rate the settings were tuned at
            filled = resample_poly(filled, up, 1, axis=1, padtype="line")
            bad = np.repeat(bad, up, axis=1)
            bad[:, : 1 - up] |= bad[:, up - 1 :]  # samples interpolated from a gap
        wfs = fs * up
        xq = _filter(filled, wfs, st.qrs_band_hz)
        xw = _filter(filled, wfs, st.wave_band_hz)
        if bad.any():
            xq[bad] = np.nan
            xw[bad] = np.nan
        dq = _derivative(xq, max(1, round(0.004 * wfs)))
        dw = _derivative(xw, max(1, round(0.01 * wfs)))
        par = st.params(wfs)
        rpw = rp * up
        d2 = _second_differences(filled[use]) if st.qrs_spike_k > 0 else None
        spk = _spike_starts(d2, rpw, wfs, st)
        lo_min, qin = spk, filled
        if (spk >= 0).any():  # rule AF (registry item 39): the QRS read without the stimuli
            qin = _blank_stimuli(filled, d2, spk, rpw, wfs, st)
            xq = _filter(qin, wfs, st.qrs_band_hz)
            if bad.any():
                xq[bad] = np.nan
            dq = _derivative(xq, max(1, round(0.004 * wfs)))
            lo_min = _stimulus_decay_starts(dq[use], rpw, spk, wfs, st)
        for j in range(n_leads):
            _k.delineate_lead(
                xq=xq[j], dq=dq[j], xw=xw[j], dw=dw[j], rpeaks=rpw, par=par,
                out=lead_s[j], reason=lead_r[j], lo_min=lo_min,
            )  # fmt: skip
        _dp.p_rhythm(lead_s, lead_r, wfs, st)
        shift = np.asarray(st.shift_ms, dtype=np.float64)  # 12 values: checked at construction
        if np.any(shift):
            lead_s += np.round(shift * wfs / 1000.0)
            np.clip(lead_s, 0, n * up - 1, out=lead_s)
    elif nb:
        lead_r[:] = _k.R_EDGE
    g, gr = _dp.combine(lead_s[use], lead_r[use], st)
    _dp.p_atrial_rhythm(g, gr, lead_s, lead_r, rp, st)
    if st.p_rec_rr > 0 and nb > 1 and n >= 16:
        _dp.p_record_window(lead_s, lead_r, g, gr, (xq, xw, dw), par, shift, use, rp, st, fs * up)
    if st.p_flutter_r > 0 and nb and n >= 16:
        _dp.p_flutter(g, gr, lead_s, lead_r, xw[use], shift, st, fs * up)
    if st.p_lead_rel > 0 and nb and n >= 16:
        _dp.p_in_global_window(lead_s, lead_r, g, (xq, xw, dw), par, shift, st, fs * up)
        np.clip(lead_s, 0, n * up - 1, out=lead_s)
    if nb and n >= 16:  # rule AE (registry item 38): no P wave on a pacing stimulus
        xs = round(st.qrs_spike_ms * wfs / 1000.0)
        _drop_p_on_stimulus(lead_s, lead_r, g, gr, spk, xs, np.round(shift * wfs / 1000.0))
    if st.t_lead_rel > 0 and nb and n >= 16:
        _t_off_from_global(lead_s, lead_r, g, xq, xw, np.round(shift * wfs / 1000.0), st.t_lead_rel)
    if nb and n >= 16:
        # rules AB, AB2 (registry items 33, 34): QRS onset on the unfiltered derivative
        _raw_qrs_onsets(qin, bad, dq, lead_s, g, rpw, par, lo_min, shift, use, wfs)
        # rule AD (registry items 36-37): P and T fiducials in the documented order
        _fiducials_in_order(lead_s, lead_r, g, gr, xw, use)
    if up > 1:  # back to (fractional) sample indices at fs
        lead_s /= up
        g /= up
    for a in (lead_s, lead_r, g, gr, rp):
        a.setflags(write=False)
    return Delineation(
        fs=fs, rpeaks=rp, lead_names=names, lead_samples=lead_s, lead_reasons=lead_r,
        samples=g, reasons=gr, settings=st,
    )  # fmt: skip


def settings_dict(st: DelineationSettings) -> dict:
    """The settings as a plain dict (for JSON)."""
    return asdict(st)
