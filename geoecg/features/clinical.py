"""Clinical ECG measurements from the median beat: intervals, QTc, axes, ST level, voltage.

:func:`clinical_measurements` builds the median cycle of every lead (beats aligned on the
R-peaks, one median RR long), delineates it with :func:`geoecg.features.delineation.delineate`
(multi-lead global boundaries) and measures, as a 12-lead reading does:

* intervals (ms): ``rr_ms`` (median RR), ``hr_bpm``, ``pr_ms`` (P onset to QRS onset),
  ``p_dur_ms``, ``qrs_dur_ms``, ``qt_ms`` (QRS onset to T offset), ``jt_ms`` (J to T offset);
* QTc (ms), named by formula with RR in s: Bazett ``QT / RR^(1/2)``, Fridericia
  ``QT / RR^(1/3)``, Framingham ``QT + 154 (1 - RR)`` (Sagie et al. 1992), Hodges
  ``QT + 1.75 (HR - 60)`` (Hodges et al. 1983);
* frontal-plane axes (degrees, -180..180): ``atan2(aVF, I)`` of the net areas of the QRS,
  T and P waves above the isoelectric level (the QRS-onset level);
* ST level (mV) at J + 60 ms and J + 80 ms in every lead;
* voltage (mV): Sokolow-Lyon ``S(V1) + max(R(V5), R(V6))`` (criterion >= 3.5 mV), Cornell
  ``R(aVL) + S(V3)`` (criterion > 2.8 mV in men, > 2.0 mV in women). Each needs all of its
  leads: one lead absent from ``leads`` or with a missing (NaN) sample in its QRS makes it
  NaN, with a reason naming the lead (V5 or V6 alone would give only a lower bound of
  the Sokolow-Lyon maximum).

A value that cannot be measured (no P wave in AF, a missing lead, fewer than 2 beats) is
NaN; :class:`ClinicalMeasurements` says why in ``reasons``. A flat lead (its median beat
constant: a disconnected electrode, at 0 mV or at a DC level) is not read as 0 mV: the
axes (lead I or aVF flat), voltages and ST levels that need it are NaN with a reason naming
it, e.g. ``"lead I flat (constant median beat: no signal)"``.
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._validation import check_rpeaks, flat_leads
from ..leads.names import parse_lead
from ._fitted_names import _FittedNamesTransformer
from .delineation import FIDUCIALS, DelineationSettings, delineate

__all__ = [
    "CLINICAL_NAMES",
    "ClinicalFeatures",
    "ClinicalMeasurements",
    "STANDARD_LEADS",
    "clinical_measurements",
    "cornell_criterion",
    "qtc",
]

#: The 12 standard leads in the usual order, the default lead names of
#: :func:`~geoecg.features.clinical_measurements` and
#: :class:`~geoecg.features.ClinicalFeatures`. Upper case (the ``AVR`` of PTB-XL headers);
#: :data:`geoecg.leads.STANDARD_LEADS` spells ``aVR``. Both spellings, and any other that
#: :func:`geoecg.leads.parse_lead` reads, name the same lead.
STANDARD_LEADS = ("I", "II", "III", "AVR", "AVL", "AVF", "V1", "V2", "V3", "V4", "V5", "V6")
_SCALAR = (
    "rr_ms", "hr_bpm", "pr_ms", "p_dur_ms", "qrs_dur_ms", "qt_ms", "jt_ms",
    "qtc_bazett_ms", "qtc_fridericia_ms", "qtc_framingham_ms", "qtc_hodges_ms",
    "p_axis_deg", "qrs_axis_deg", "t_axis_deg", "sokolow_lyon_mv", "cornell_mv",
)  # fmt: skip
#: Names of :func:`clinical_measurements` values, ST levels per standard lead last.
CLINICAL_NAMES = _SCALAR + tuple(
    f"st_j{d}_{ld.lower()}_mv" for d in (60, 80) for ld in STANDARD_LEADS
)
_F = {f: i for i, f in enumerate(FIDUCIALS)}
# Reason of a value that needs a lead whose median beat is constant (a disconnected lead):
# not 0 mV, which would give an axis of 90 or 0 deg and S(V1) = 0 in Sokolow-Lyon.
_FLAT_WHY = "flat (constant median beat: no signal)"


@dataclass(frozen=True)
class ClinicalMeasurements:
    """Result of :func:`clinical_measurements`.

    Attributes
    ----------
    values : dict of str to float
        Every name of :data:`CLINICAL_NAMES` (units in the names), NaN where not measurable,
        plus ``lvh_sokolow_lyon`` and ``lvh_cornell`` (1.0 / 0.0, NaN if unknown).
    reasons : dict of str to str
        Why a value is NaN (only for NaN values).
    median_beat : ndarray, shape (n_leads, n_samples)
        The median cycle of each lead (mV), R-peak at ``r_index``.
    r_index : int
        Sample of the R-peak in ``median_beat``.
    fiducials_ms : dict of str to float
        Global fiducials of the median beat, ms relative to the R-peak.
    n_beats : int
        Beats averaged.
    """

    values: dict
    reasons: dict
    median_beat: np.ndarray = field(repr=False)
    r_index: int = 0
    fiducials_ms: dict = field(default_factory=dict)
    n_beats: int = 0


def qtc(qt_ms, rr_ms, formula: str = "bazett"):
    """Heart-rate corrected QT (ms).

    Parameters
    ----------
    qt_ms, rr_ms : float or array_like
        QT and RR intervals, ms.
    formula : {"bazett", "fridericia", "framingham", "hodges"}
        Bazett ``QT / sqrt(RR)``, Fridericia ``QT / cbrt(RR)`` (RR in s), Framingham
        ``QT + 154 (1 - RR)``, Hodges ``QT + 1.75 (HR - 60)`` (HR in bpm).

    Returns
    -------
    float or ndarray
        QTc in ms (NaN where an input is NaN).

    Raises
    ------
    ValueError
        If ``formula`` is not one of the four names, ``qt_ms`` or ``rr_ms`` holds a
        value <= 0 (``rr_ms`` that looks like seconds is rejected too: both are in ms), or
        their shapes do not broadcast (two arrays of different lengths).

    Examples
    --------
    >>> round(float(qtc(400.0, 1000.0, "bazett")), 1), round(float(qtc(400.0, 750.0, "hodges")), 1)
    (400.0, 435.0)
    """
    from .._validation import check_rr  # > 0 or NaN; RR in seconds rejected (not ms)

    check_rr(np.ravel(qt_ms), "qt_ms", check_units=False), check_rr(np.ravel(rr_ms), "rr_ms")
    qt = np.asarray(qt_ms, dtype=np.float64)
    rr = np.asarray(rr_ms, dtype=np.float64) / 1000.0
    try:
        np.broadcast_shapes(qt.shape, rr.shape)
    except ValueError:
        raise ValueError(
            f"qt_ms and rr_ms must have the same shape (or one be a number), got shapes "
            f"{qt.shape} and {rr.shape}"
        ) from None
    with np.errstate(invalid="ignore", divide="ignore"):
        if formula == "bazett":
            return qt / np.sqrt(rr)
        if formula == "fridericia":
            return qt / np.cbrt(rr)
        if formula == "framingham":
            return qt + 154.0 * (1.0 - rr)
        if formula == "hodges":
            return qt + 1.75 * (60.0 / rr - 60.0)
    raise ValueError(
        f"formula must be 'bazett', 'fridericia', 'framingham' or 'hodges', got {formula!r}"
    )


def cornell_criterion(cornell_mv, sex) -> float:
    """Cornell voltage LVH criterion: > 2.8 mV in men, > 2.0 mV in women (1.0 / 0.0).

    ``sex`` is ``"M"``/``"F"`` (or 0 = male, 1 = female as in PTB-XL); unknown sex or a NaN
    voltage give NaN.

    Parameters
    ----------
    cornell_mv : float
        Cornell voltage, R in aVL + S in V3, mV.
    sex : {"M", "F", 0, 1}
        Sex of the patient.

    Returns
    -------
    float
        1.0 when the criterion is met, 0.0 when not, NaN when unknown.

    Raises
    ------
    TypeError
        If ``cornell_mv`` is not one real number (an array, a string, None).
    ValueError
        If ``cornell_mv`` is infinite.

    Examples
    --------
    A Cornell voltage of 2.5 mV is below the men's threshold (2.8 mV) and above the
    women's (2.0 mV); PTB-XL codes sex as 0 = male, 1 = female:

    >>> cornell_criterion(2.5, "M"), cornell_criterion(2.5, "F"), cornell_criterion(2.5, 1)
    (0.0, 1.0, 1.0)
    >>> cornell_criterion(2.5, None), cornell_criterion(float("nan"), "M")  # unknown
    (nan, nan)
    """
    v = (
        cornell_mv.item()
        if isinstance(cornell_mv, np.ndarray) and cornell_mv.ndim == 0
        else cornell_mv
    )
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        shape = f" of shape {cornell_mv.shape}" if isinstance(cornell_mv, np.ndarray) else ""
        raise TypeError(
            "cornell_mv must be one number (mV, R in aVL + S in V3), got "
            f"{type(cornell_mv).__name__}{shape}"
        )
    if np.isinf(v):
        raise ValueError(f"cornell_mv must be finite (mV; NaN when unknown), got {v}")
    if isinstance(sex, str):
        s = {"M": 0, "F": 1}.get(sex.strip().upper()[:1])
    elif isinstance(sex, numbers.Real) and not isinstance(sex, bool) and sex in (0, 1):
        s = int(sex)
    else:
        s = None
    if s is None or not np.isfinite(v):
        return float("nan")
    return float(v > (2.0 if s == 1 else 2.8))


def _median_cycle(x: np.ndarray, rp: np.ndarray, fs: float):
    rr = np.diff(rp)
    rr_med = float(np.median(rr))
    length = int(round(rr_med))
    pre = int(round(0.4 * rr_med))
    starts = rp - pre
    ok = (starts >= 0) & (starts + length <= x.shape[1])
    idx = starts[ok][:, None] + np.arange(length)[None, :]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN lead: NaN, reason later
        cyc = np.nanmedian(x[:, idx], axis=1)  # (n_leads, length)
    return cyc, pre, rr_med * 1000.0 / fs, int(ok.sum())


def _idx(v) -> int:
    """Nearest whole sample of a (fractional) position."""
    return int(np.floor(v + 0.5))


def _lead_index(names) -> dict[str, int]:
    """Row of each standard lead (key: its :data:`STANDARD_LEADS` spelling) among ``names``.

    A name is read by :func:`geoecg.leads.parse_lead` (``"aVR"``, ``"AVR"``, ``"avr"``,
    ``"MLII"``, ``"lead I"``, ``" V5"``); a name that is not a standard lead (``"ECG"``)
    matches none; of two rows naming the same lead the first is used.
    """
    out: dict[str, int] = {}
    for row, name in enumerate(names):
        try:
            lead = parse_lead(name).upper()
        except ValueError:
            continue
        out.setdefault(lead, row)
    return out


def clinical_measurements(
    signal,
    fs,
    leads=STANDARD_LEADS,
    *,
    rpeaks=None,
    sex=None,
    settings: DelineationSettings | None = None,
) -> ClinicalMeasurements:
    """Measure intervals, QTc, axes, ST levels and voltage criteria on the median beat.

    Parameters
    ----------
    signal : array_like, shape (n_leads, n_samples)
        ECG in mV (amplitude criteria assume mV). One lead is accepted (intervals only).
    fs : float
        Sampling rate, Hz.
    leads : sequence of str, default :data:`~geoecg.features.clinical.STANDARD_LEADS`
        Lead names of the rows, in any spelling :func:`geoecg.leads.parse_lead` reads
        (``"aVL"`` = ``"AVL"`` = ``"avl"``, ``"MLII"`` = ``"II"``); default the 12 standard
        leads in order. A row whose name is not a standard lead (``"ECG"``) is delineated
        but gives no lead-specific value (axes, voltages, ST levels).
    rpeaks : array_like of int or RPeakResult, optional
        R-peak sample indices, checked as in :func:`delineate` (default:
        :func:`geoecg.features.detect_rpeaks` on all leads).
    sex : {"M", "F", 0, 1} or None
        For the Cornell criterion (0 = male, 1 = female as in PTB-XL).
    settings : DelineationSettings, optional
        Delineation settings.

    Returns
    -------
    ClinicalMeasurements
        ``values``: the measurements by name, the unit in the name (``qrs_dur_ms``,
        ``qtc_fridericia_ms``, ``qrs_axis_deg`` ...), NaN where not measurable with the
        reason in ``reasons`` (a flat lead gives no axis, voltage or ST level); the median
        beat of each lead (mV) and its fiducials (ms from the R-peak). Amplitudes and areas
        are read on the median cycle repeated three times (the signal delineated), so a P
        that starts before the cycle (high heart rates) is read across its edge.

    Raises
    ------
    ValueError
        If ``fs`` is not a positive finite number of Hz, ``rpeaks`` lie outside the
        signal, or ``leads`` does not give one name per signal row.
    TypeError
        If ``fs`` is not a number (e.g. the string ``"360"``).

    Examples
    --------
    >>> from geoecg.simulate import synthesize_ecg
    >>> x = synthesize_ecg(fs=500, duration_s=10, hr_bpm=75, random_state=1)
    >>> m = clinical_measurements(x, 500.0)
    >>> 70 < m.values["hr_bpm"] < 80, 60 < m.values["qrs_dur_ms"] < 140
    (True, True)
    """
    from .._validation import as_signal, check_fs

    x, fs = as_signal(signal, "signal", ndims=(1, 2)), check_fs(fs)
    if fs < 50:  # as delineate: before R-peak detection fails on its band-pass edges
        raise ValueError(f"fs must be at least 50 Hz for clinical measurements, got {fs:g}")
    if x.ndim == 1:
        x = x[None, :]
    names = tuple(str(s) for s in leads)
    if len(names) != x.shape[0]:
        hint = " (a single lead: pass its name, e.g. leads=['II'])" if x.shape[0] == 1 else ""
        raise ValueError(f"leads has {len(names)} names for {x.shape[0]} signal rows{hint}")
    vals = dict.fromkeys(CLINICAL_NAMES, float("nan"))
    vals["lvh_sokolow_lyon"] = float("nan")
    vals["lvh_cornell"] = float("nan")
    reasons: dict[str, str] = {}
    if rpeaks is None:
        from .rpeaks import detect_rpeaks

        rp = detect_rpeaks(x if x.shape[0] > 1 else x[0], fs).indices
    else:
        rp = check_rpeaks(rpeaks, x.shape[1])
    if rp.size < 2:
        reasons = dict.fromkeys(vals, "fewer than 2 beats")
        return ClinicalMeasurements(vals, reasons, np.zeros((x.shape[0], 0)), 0, {}, int(rp.size))
    cyc, pre, rr_ms, nbeats = _median_cycle(x, rp, fs)
    L = cyc.shape[1]
    tiled = np.concatenate([cyc, cyc, cyc], axis=1)
    d = delineate(tiled, fs, np.array([pre, pre + L, pre + 2 * L]), names, settings=settings)
    g = d.samples[1] - L  # middle beat, positions in the median cycle
    gr = d.reasons[1]
    ms = 1000.0 / fs
    fid_ms = {f: float((g[i] - pre) * ms) for i, f in enumerate(FIDUCIALS)}
    vals["rr_ms"] = rr_ms
    vals["hr_bpm"] = 60000.0 / rr_ms

    def interval(name, a, b):
        v = (g[_F[b]] - g[_F[a]]) * ms
        vals[name] = float(v)
        if not np.isfinite(v):
            bad = a if not np.isfinite(g[_F[a]]) else b
            reasons[name] = f"{bad}: {_reason(gr[_F[bad]])}"

    interval("pr_ms", "P_on", "QRS_on")
    interval("p_dur_ms", "P_on", "P_off")
    interval("qrs_dur_ms", "QRS_on", "QRS_off")
    interval("qt_ms", "QRS_on", "T_off")
    interval("jt_ms", "J", "T_off")
    for f in ("bazett", "fridericia", "framingham", "hodges"):
        vals[f"qtc_{f}_ms"] = float(qtc(vals["qt_ms"], rr_ms, f))
        if "qt_ms" in reasons:
            reasons[f"qtc_{f}_ms"] = reasons["qt_ms"]
    # ------------------------------------------------------------ amplitudes
    # Amplitudes are read on the tiled median cycle (the signal delineated above), at the
    # middle copy's positions ``gt``: a P that starts before the cycle (or a T that ends
    # after it; high heart rates, the R-peak at 0.4 RR) continues into the copy beside it.
    # Slicing the single cycle cut such a wave short, or gave an empty slice and an axis
    # of atan2(0, 0) = 0 deg (session 25).
    li = _lead_index(names)
    constant = flat_leads(cyc) & ~np.isnan(cyc).all(axis=1)  # an all-NaN lead is NaN below
    flat = {ld for ld, row in li.items() if constant[row]}
    gt = d.samples[1]
    on = g[_F["QRS_on"]]
    if np.isfinite(on):
        k0 = _idx(gt[_F["QRS_on"]])
        iso = np.mean(tiled[:, k0 - int(0.01 * fs) : k0 + 1], axis=1)
        y = tiled - iso[:, None]

        def area(lead, a, b):
            if lead not in li or not (np.isfinite(a) and np.isfinite(b)) or b <= a:
                return float("nan")
            return float(np.sum(y[li[lead], _idx(a) : _idx(b) + 1]))

        dead = [ld for ld in ("I", "AVF") if ld in flat]
        for wave, a, b in (("qrs", "QRS_on", "QRS_off"), ("t", "T_on", "T_off"),
                           ("p", "P_on", "P_off")):  # fmt: skip
            if dead:  # a flat lead has no area: it is not an axis of 90 or 0 deg
                reasons[f"{wave}_axis_deg"] = f"lead {parse_lead(dead[0])} {_FLAT_WHY}"
                continue
            ai, av = area("I", gt[_F[a]], gt[_F[b]]), area("AVF", gt[_F[a]], gt[_F[b]])
            vals[f"{wave}_axis_deg"] = float(np.degrees(np.arctan2(av, ai)))
            if not np.isfinite(vals[f"{wave}_axis_deg"]):
                reasons[f"{wave}_axis_deg"] = f"{wave.upper()} wave or lead I/aVF missing"
        qoff = gt[_F["QRS_off"]]

        def peak(lead, sign):
            """R (sign 1) or S (sign -1) amplitude of ``lead`` in the QRS, mV; NaN when the
            lead is not among ``leads``, is flat, or its QRS holds a missing (NaN) sample."""
            if lead not in li or lead in flat or not np.isfinite(qoff):
                return float("nan")
            seg = y[li[lead], _idx(gt[_F["QRS_on"]]) : _idx(qoff) + 1]
            if seg.size == 0 or not np.isfinite(seg).all():
                return float("nan")
            return float(max(0.0, sign * (seg.max() if sign > 0 else seg.min())))

        sok = {"V1": peak("V1", -1), "V5": peak("V5", 1), "V6": peak("V6", 1)}
        _voltage(vals, reasons, "sokolow_lyon_mv", sok, sok["V1"] + max(sok["V5"], sok["V6"]),
                 np.isfinite(qoff), flat)  # fmt: skip
        cor = {"AVL": peak("AVL", 1), "V3": peak("V3", -1)}
        _voltage(vals, reasons, "cornell_mv", cor, cor["AVL"] + cor["V3"], np.isfinite(qoff),
                 flat)  # fmt: skip
        j = g[_F["J"]]
        for dms in (60, 80):
            for ld in STANDARD_LEADS:
                name = f"st_j{dms}_{ld.lower()}_mv"
                k = j + round(dms * fs / 1000.0) if np.isfinite(j) else np.nan
                if ld not in li:
                    reasons[name] = f"lead {parse_lead(ld)} missing (not among the leads)"
                elif ld in flat:
                    reasons[name] = f"lead {parse_lead(ld)} {_FLAT_WHY}"
                elif not np.isfinite(k):
                    reasons[name] = f"J: {_reason(gr[_F['J']])}"
                elif _idx(k) >= L:
                    reasons[name] = f"J+{dms} ms lies past the median cycle (RR {rr_ms:.0f} ms)"
                else:
                    vals[name] = float(y[li[ld], _idx(k) + L])
                    if not np.isfinite(vals[name]):
                        reasons[name] = f"lead {parse_lead(ld)}: NaN sample at J+{dms} ms"
    else:
        why = f"no QRS onset on the median beat (QRS_on: {_reason(gr[_F['QRS_on']])})"
        for k in CLINICAL_NAMES[CLINICAL_NAMES.index("p_axis_deg") :]:
            reasons[k] = why
    sl = vals["sokolow_lyon_mv"]
    vals["lvh_sokolow_lyon"] = float(sl >= 3.5) if np.isfinite(sl) else float("nan")
    vals["lvh_cornell"] = cornell_criterion(vals["cornell_mv"], sex)
    for crit, volt in (("lvh_sokolow_lyon", "sokolow_lyon_mv"), ("lvh_cornell", "cornell_mv")):
        if volt in reasons:
            reasons[crit] = reasons[volt]
    for k, v in vals.items():
        if not np.isfinite(v) and k not in reasons:
            reasons[k] = "not measurable (lead missing, wave absent or sex unknown)"
    return ClinicalMeasurements(vals, reasons, cyc, pre, fid_ms, nbeats)


def _voltage(vals, reasons, name, parts, value, qrs_found, flat=frozenset()) -> None:
    """Store voltage criterion ``name`` (mV): ``value`` when every lead of ``parts`` (lead ->
    its R or S amplitude) was measured, else NaN with a reason naming the leads missing
    (``flat``: leads whose median beat is constant, named as flat).

    One missing lead makes the value NaN whichever it is: the Sokolow-Lyon
    ``S(V1) + max(R(V5), R(V6))`` from V5 alone (or V6 alone) would only be a lower bound, so
    it is not reported as the criterion (before session 19 a missing V6 gave
    ``S(V1) + R(V5)`` and a missing V5 gave NaN).
    """
    bad = [ld for ld, v in parts.items() if not np.isfinite(v)]
    if not bad:
        vals[name] = float(value)
        return
    vals[name] = float("nan")
    if not qrs_found:
        reasons[name] = "no QRS offset on the median beat"
        return
    need = ", ".join(parse_lead(ld) for ld in parts)
    why = []
    if missing := [parse_lead(ld) for ld in bad if ld not in flat]:
        why.append(f"{', '.join(missing)} not among the leads or NaN samples in its QRS")
    if dead := [parse_lead(ld) for ld in bad if ld in flat]:
        why.append(f"{', '.join(dead)} {_FLAT_WHY}")
    reasons[name] = f"needs {need}: {'; '.join(why)}"


def _reason(code) -> str:
    from .delineation import REASONS

    return REASONS[int(code)] or "not measured"


class ClinicalFeatures(_FittedNamesTransformer):
    """Clinical measurements of each record (:func:`clinical_measurements`) as features.

    Parameters
    ----------
    fs : float
        Sampling rate, Hz.
    leads : sequence of str, default :data:`~geoecg.features.clinical.STANDARD_LEADS`
        Lead names of the rows of every record, in any spelling
        :func:`geoecg.leads.parse_lead` reads (``"aVR"`` = ``"AVR"``; the order of
        :data:`geoecg.leads.STANDARD_LEADS` is the default's).
    settings : DelineationSettings, optional
        Delineation settings.

    Notes
    -----
    The sex-specific Cornell criterion needs the sex of each record: the transformer outputs
    the Cornell voltage (``cornell_mv``); apply :func:`cornell_criterion` with the sex.

    Examples
    --------
    >>> from geoecg.simulate import synthesize_ecg
    >>> X = synthesize_ecg(fs=250, duration_s=10, hr_bpm=[60.0, 90.0], random_state=0)
    >>> F = ClinicalFeatures(fs=250).fit(X).transform(X)
    >>> F.shape, bool(F[1, 1] > F[0, 1])
    ((2, 40), True)
    """

    def __init__(self, fs=500.0, leads=STANDARD_LEADS, settings=None):
        self.fs = fs
        self.leads = leads
        self.settings = settings

    def fit(self, X, y=None):
        """Check the parameters and the lead count (the transform is stateless); returns self."""
        from .._validation import as_signal, check_fs

        check_fs(self.fs)
        if self.settings is not None and not isinstance(self.settings, DelineationSettings):
            raise TypeError("settings must be a DelineationSettings or None")
        if not isinstance(X, str) and len(X) == 0:
            raise ValueError("X holds no records; expected (n_records >= 1, n_leads, n_samples)")
        first = as_signal(X if isinstance(X, str) else X[0], "X[0]", ndims=(1, 2))
        if first.ndim != 2 or first.shape[0] != len(self.leads):
            raise ValueError(
                f"each record must be (n_leads={len(self.leads)}, n_samples), got {first.shape}"
            )
        self.n_leads_ = first.shape[0]
        self.feature_names_out_ = np.asarray(CLINICAL_NAMES, dtype=object)
        return self

    def transform(self, X):
        """Array (n_records, len(CLINICAL_NAMES)); NaN where not measurable."""
        from .._validation import _to_float

        check_is_fitted(self, "feature_names_out_")
        rows = []
        for i, x in enumerate(X):
            x = _to_float(x, f"ClinicalFeatures.transform: X[{i}]")  # text: named TypeError
            if x.ndim != 2 or x.shape[0] != self.n_leads_:
                raise ValueError(f"each record must be ({self.n_leads_}, n_samples), got {x.shape}")
            v = clinical_measurements(x, self.fs, self.leads, settings=self.settings).values
            rows.append([v[n] for n in CLINICAL_NAMES])
        return np.asarray(rows, dtype=np.float64).reshape(-1, len(CLINICAL_NAMES))
