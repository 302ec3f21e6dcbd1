"""Voltage criteria with a lead missing (session 19): Sokolow-Lyon ``S(V1) + max(R(V5), R(V6))``
and Cornell ``R(aVL) + S(V3)`` need every one of their leads. Before, a missing V5 gave NaN
but a missing V6 gave ``S(V1) + R(V5)`` (Python's ``max`` keeps its first argument when the
second is NaN), and a lead of NaN samples counted as 0 mV (``max(0.0, nan)`` is ``0.0``). Now
one missing or unmeasurable lead, whichever it is, gives NaN with a reason naming it."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.features.clinical import (
    CLINICAL_NAMES,
    STANDARD_LEADS,
    ClinicalFeatures,
    clinical_measurements,
)
from geoecg.simulate import synthesize_ecg

FS = 500.0
ROW = {name: i for i, name in enumerate(STANDARD_LEADS)}


@pytest.fixture(scope="module")
def x() -> np.ndarray:
    return synthesize_ecg(fs=FS, duration_s=10, hr_bpm=70, random_state=3)


@pytest.fixture(scope="module")
def full(x):
    return clinical_measurements(x, FS)


def _renamed(lead: str, to: str = "ECG") -> tuple[str, ...]:
    return tuple(to if n == lead else n for n in STANDARD_LEADS)


def test_all_leads_present_gives_the_criteria(full):
    v = full.values
    assert np.isfinite(v["sokolow_lyon_mv"]) and v["sokolow_lyon_mv"] > 0
    assert np.isfinite(v["cornell_mv"]) and v["lvh_sokolow_lyon"] in (0.0, 1.0)
    assert "sokolow_lyon_mv" not in full.reasons and "cornell_mv" not in full.reasons


def test_sokolow_is_symmetric_in_v5_and_v6(x, full):
    # swapping the names of the V5 and V6 rows cannot change max(R(V5), R(V6))
    swapped = list(STANDARD_LEADS)
    swapped[ROW["V5"]], swapped[ROW["V6"]] = "V6", "V5"
    v = clinical_measurements(x, FS, swapped).values
    assert v["sokolow_lyon_mv"] == full.values["sokolow_lyon_mv"]


@pytest.mark.parametrize("lead", ["V1", "V5", "V6"])
def test_sokolow_lyon_is_nan_whichever_lead_is_missing(x, full, lead):
    m = clinical_measurements(x, FS, _renamed(lead))
    assert np.isnan(m.values["sokolow_lyon_mv"]) and np.isnan(m.values["lvh_sokolow_lyon"])
    why = m.reasons["sokolow_lyon_mv"]
    assert why == f"needs V1, V5, V6: {lead} not among the leads or NaN samples in its QRS"
    assert m.reasons["lvh_sokolow_lyon"] == why
    assert m.values["cornell_mv"] == full.values["cornell_mv"]  # Cornell needs none of them


@pytest.mark.parametrize("lead, shown", [("AVL", "aVL"), ("V3", "V3")])
def test_cornell_is_nan_whichever_lead_is_missing(x, full, lead, shown):
    m = clinical_measurements(x, FS, _renamed(lead), sex="M")
    assert np.isnan(m.values["cornell_mv"]) and np.isnan(m.values["lvh_cornell"])
    assert m.reasons["cornell_mv"] == (
        f"needs aVL, V3: {shown} not among the leads or NaN samples in its QRS"
    )
    assert m.reasons["lvh_cornell"] == m.reasons["cornell_mv"]
    assert m.values["sokolow_lyon_mv"] == full.values["sokolow_lyon_mv"]


@pytest.mark.parametrize("lead", ["V5", "V6", "V3"])
def test_a_dead_lead_is_missing_not_zero_volts(x, full, lead):
    dead = x.copy()
    dead[ROW[lead]] = np.nan
    m = clinical_measurements(dead, FS)
    name = "cornell_mv" if lead == "V3" else "sokolow_lyon_mv"
    assert np.isnan(m.values[name]) and f"{lead} not among the leads" in m.reasons[name]
    other = "sokolow_lyon_mv" if lead == "V3" else "cornell_mv"
    assert np.isfinite(m.values[other])


def test_both_precordial_leads_missing_names_both(x):
    m = clinical_measurements(x, FS, _renamed("V6", "X2")[:10] + ("X1", "X2"))
    assert m.reasons["sokolow_lyon_mv"].startswith("needs V1, V5, V6: V5, V6 ")


def test_clinical_features_column_follows(x):
    col = list(CLINICAL_NAMES).index("sokolow_lyon_mv")
    for lead in ("V5", "V6"):
        F = ClinicalFeatures(fs=FS, leads=_renamed(lead)).fit_transform(x[None])
        assert np.isnan(F[0, col]), lead
    F = ClinicalFeatures(fs=FS).fit_transform(x[None])
    assert np.isfinite(F[0, col])
