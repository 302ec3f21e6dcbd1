"""Lead names of clinical_measurements / ClinicalFeatures: every spelling of a lead matches.

``geoecg.features.clinical.STANDARD_LEADS`` (the default) spells the Goldberger leads
``AVR``/``AVL``/``AVF`` as PTB-XL headers do, ``geoecg.leads.STANDARD_LEADS`` ``aVR``: both,
and every spelling :func:`geoecg.leads.parse_lead` reads (``"MLII"``, ``"D1"``, ``"lead III"``,
``" V1"``), must find the same lead. Until session 18 the match was an upper-case comparison,
so a name such as ``"MLII"`` or ``" V1"`` silently gave NaN axes, voltages and ST levels.
"""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.features.clinical import (
    CLINICAL_NAMES,
    STANDARD_LEADS,
    ClinicalFeatures,
    clinical_measurements,
)
from geoecg.leads import STANDARD_LEADS as HOUSE_LEADS
from geoecg.simulate import synthesize_ecg

FS = 500.0
#: lead-specific values: they need the lead to be found by name
LEAD_VALUES = ("qrs_axis_deg", "t_axis_deg", "sokolow_lyon_mv", "cornell_mv", "st_j60_avr_mv")


@pytest.fixture(scope="module")
def x() -> np.ndarray:
    return synthesize_ecg(fs=FS, duration_s=10, hr_bpm=70, random_state=3)


def _values(x, leads) -> np.ndarray:
    v = clinical_measurements(x, FS, leads).values
    return np.array([v[n] for n in CLINICAL_NAMES])


def test_default_spelling_measures_lead_specific_values(x):
    v = clinical_measurements(x, FS).values
    assert STANDARD_LEADS[3:6] == ("AVR", "AVL", "AVF")
    assert all(np.isfinite(v[n]) for n in LEAD_VALUES), {n: v[n] for n in LEAD_VALUES}


@pytest.mark.parametrize(
    "leads",
    [
        HOUSE_LEADS,  # aVR, aVL, aVF
        tuple(n.lower() for n in HOUSE_LEADS),
        # spellings parse_lead reads; NaN axes, voltages and ST levels before session 18
        ("D1", "MLII", "lead III", "aVR", "aVL", "aVF", " V1", "V2 ", "v-3", "V4", "V5", "V6"),
    ],
    ids=["aVR", "avr", "MLII-D1-spaces"],
)
def test_every_spelling_gives_the_default_values(x, leads):
    np.testing.assert_array_equal(_values(x, leads), _values(x, STANDARD_LEADS))


def test_a_row_that_is_no_standard_lead_matches_nothing(x):
    """``"ECG"`` (CinC 2017's name) for the V6 row: the V6 values are NaN, the rest kept."""
    ref = dict(zip(CLINICAL_NAMES, _values(x, STANDARD_LEADS), strict=True))
    m = clinical_measurements(x, FS, STANDARD_LEADS[:11] + ("ECG",))
    for name in CLINICAL_NAMES:
        if name.endswith("_v6_mv"):
            assert np.isnan(m.values[name]) and "missing" in m.reasons[name]
        elif name == "sokolow_lyon_mv":  # needs V6 too (tests/test_clinical_voltage.py)
            assert np.isnan(m.values[name]) and "V6 not among the leads" in m.reasons[name]
        else:
            assert m.values[name] == ref[name] or np.isnan(ref[name]), name


def test_clinical_features_house_spelling_equals_default(x):
    X = x[None]
    a = ClinicalFeatures(fs=FS).fit_transform(X)
    b = ClinicalFeatures(fs=FS, leads=HOUSE_LEADS).fit_transform(X)
    np.testing.assert_array_equal(a, b)
    assert np.isfinite(a[0, [list(CLINICAL_NAMES).index(n) for n in LEAD_VALUES]]).all()


def test_ptbxl_record_header_names_and_both_spellings(ptbxl_dir):
    """A real PTB-XL record (500 Hz): its header's names (``AVR``), the house spelling
    (``aVR``) and the default give the same measurements, with the lead values measured."""
    from geoecg.io import read_record

    headers = sorted((ptbxl_dir / "records500").rglob("*_hr.hea"))
    if not headers:
        pytest.skip(f"no 500 Hz PTB-XL record under {ptbxl_dir}/records500")
    rec = read_record(headers[0].with_suffix(""), annotator=None)
    assert tuple(rec.lead_names) == STANDARD_LEADS  # PTB-XL headers spell AVR upper case
    sig = rec.signal[:, : int(10 * FS)]
    ref = _values(sig, rec.lead_names)
    np.testing.assert_array_equal(_values(sig, HOUSE_LEADS), ref)
    np.testing.assert_array_equal(_values(sig, tuple(n.lower() for n in rec.lead_names)), ref)
    v = dict(zip(CLINICAL_NAMES, ref, strict=True))
    assert all(np.isfinite(v[n]) for n in ("qrs_axis_deg", "cornell_mv", "st_j60_avr_mv")), v
