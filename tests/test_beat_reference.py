"""Label-free sinus reference (P wave, PR, RR) on synthetic records with known beat types."""

import numpy as np
import pytest

from geoecg.features.beat_dominant import dominant_beat_features, record_beat_table
from geoecg.features.beat_reference import SinusReference, sinus_reference_beats

FS = 250.0


def _g(t, at, sd, amp):
    return amp * np.exp(-(((t - at) / sd) ** 2))


def _beat(kind, t):
    """One beat's waveform around its R-peak (t in s, R at 0)."""
    if kind == "N":  # sinus: P 160 ms before R, narrow QRS, upright T
        return _g(t, -0.16, 0.025, 0.15) + _g(t, 0.0, 0.012, 1.0) + _g(t, 0.26, 0.04, 0.3)
    if kind == "S":  # atrial premature: inverted early P, narrow QRS
        return _g(t, -0.10, 0.02, -0.12) + _g(t, 0.0, 0.012, 1.0) + _g(t, 0.24, 0.04, 0.3)
    if kind == "V":  # ventricular: no P, wide QRS, inverted T
        return _g(t, 0.0, 0.045, -1.4) + _g(t, 0.3, 0.06, 0.4)
    if kind == "A":  # AF-conducted: no P, narrow QRS
        return _g(t, 0.0, 0.012, 1.0) + _g(t, 0.26, 0.04, 0.3)
    raise ValueError(kind)


def _record(kinds, rr_s, *, af=False, seed=0):
    """Signal (mV) and R-peaks of beats ``kinds`` with RR intervals ``rr_s`` (s, before each)."""
    rng = np.random.default_rng(seed)
    r = np.round((1.0 + np.cumsum(rr_s)) * FS).astype(int)
    n = r[-1] + int(1.5 * FS)
    x = 0.01 * rng.standard_normal(n)
    t = np.arange(-int(0.4 * FS), int(0.5 * FS)) / FS
    for k, i in zip(kinds, r, strict=True):
        idx = i + np.round(t * FS).astype(int)
        ok = (idx >= 0) & (idx < n)
        x[idx[ok]] += _beat(k, t[ok])
    if af:  # fibrillatory waves, 4-8 Hz, random phases
        tt = np.arange(n) / FS
        for f in rng.uniform(4.0, 8.0, 6):
            x += 0.03 * np.sin(2 * np.pi * f * tt + rng.uniform(0, 2 * np.pi))
    return x, r


def _check(kinds, ref):
    kinds = np.asarray(kinds)
    assert ref.method == "sinus-p", ref.reason
    assert not ref.mask[kinds != "N"].any()  # no ectopic beat in the reference
    assert ref.mask[kinds == "N"].mean() >= 0.95  # (nearly) every sinus beat in it


def test_bigeminy_half_ventricular():
    kinds = ["N", "V"] * 100
    rr = [0.9] + [0.5, 1.1] * 99 + [0.5]
    x, r = _record(kinds, rr)
    ref = sinus_reference_beats(x, r, FS)
    _check(kinds, ref)
    # the relative features then compare each beat with the sinus QRS
    T = dominant_beat_features(x, r, FS, reference="sinus-p")
    c = T.values[:, list(T.names).index("dom_qrs_corr_l0")]
    k = np.asarray(kinds)
    assert np.nanmin(c[k == "N"]) > 0.95 and np.nanmax(c[k == "V"]) < 0.7


def test_ventricular_majority():
    # 60 % ventricular beats: the majority QRS is the ectopic one, the reference is not
    kinds = (["N", "V", "V", "N", "V"] * 40)[:200]
    rr = [0.9] + [{"V": 0.55, "N": 0.95}[k] for k in kinds[1:]]
    x, r = _record(kinds, rr, seed=1)
    _check(kinds, sinus_reference_beats(x, r, FS))


def test_trigeminy():
    kinds = ["N", "N", "V"] * 60
    rr = [0.8] + [{"N": 0.8, "V": 0.5}[k] for k in kinds[1:]]
    rr = [1.1 if i > 0 and kinds[i - 1] == "V" else v for i, v in enumerate(rr)]
    x, r = _record(kinds, rr, seed=2)
    _check(kinds, sinus_reference_beats(x, r, FS))


def test_svt_run():
    kinds = ["N"] * 60 + ["S"] * 40 + ["N"] * 60
    rr = [0.8] * 60 + [0.4] * 40 + [0.9] + [0.8] * 59
    x, r = _record(kinds, rr, seed=3)
    _check(kinds, sinus_reference_beats(x, r, FS))


def test_bradycardia_with_pauses():
    kinds = ["N"] * 120
    rr = np.full(120, 1.25)
    rr[10::15] = 2.8  # sinus pauses
    x, r = _record(kinds, rr, seed=4)
    ref = sinus_reference_beats(x, r, FS)
    _check(kinds, ref)
    assert ref.mask[10::15].all()  # the beats after a pause are sinus


def test_af_falls_back_with_a_reason():
    rng = np.random.default_rng(5)
    kinds = ["A"] * 200
    x, r = _record(kinds, rng.uniform(0.4, 1.1, 200), af=True, seed=5)
    ref = sinus_reference_beats(x, r, FS)
    assert ref.method == "majority" and ref.reason and not ref.mask.any()
    # and the features are then those of the majority reference, column for column
    a = dominant_beat_features(x, r, FS, reference="sinus-p").values
    b = dominant_beat_features(x, r, FS).values
    np.testing.assert_array_equal(a, b)


def test_short_record_and_bad_reference():
    x, r = _record(["N"] * 10, [0.8] * 10)
    ref = sinus_reference_beats(x, r, FS)
    assert isinstance(ref, SinusReference)
    assert ref.method == "majority" and "10 beats" in ref.reason
    with pytest.raises(ValueError, match="reference"):
        dominant_beat_features(x, r, FS, reference="median")
    with pytest.raises(ValueError, match="reference"):
        record_beat_table(x, r, FS, reference="p")


def test_both_references_in_one_table():
    from geoecg.features.beat_reference import BeatReferenceColumns

    kinds = ["N", "V"] * 60
    rr = [0.9] + [0.5, 1.1] * 59 + [0.5]
    x, r = _record(kinds, rr, seed=6)
    maj = record_beat_table(x, r, FS)
    sp = record_beat_table(x, r, FS, reference="sinus-p")
    both = record_beat_table(x, r, FS, reference="both")
    names = [str(n) for n in both.names]
    k = maj.names.size
    np.testing.assert_array_equal(both.values[:, :k], maj.values)
    twins = [n for n in names if n.startswith("sp_")]
    assert twins and all(n[3:].startswith(("dom_", "sin_")) for n in twins)
    spn = list(sp.names)
    for n in twins:
        np.testing.assert_array_equal(
            both.values[:, names.index(n)], sp.values[:, spn.index(n[3:])]
        )
    # the column step gives each reference's table under the majority names
    assert not np.allclose(
        np.nan_to_num(sp.values), np.nan_to_num(maj.values)
    )  # the references differ on bigeminy
    for ref, want in (("majority", maj), ("sinus-p", sp)):
        step = BeatReferenceColumns(names, ref).fit(both.values)
        np.testing.assert_array_equal(step.transform(both.values), want.values)
        assert step.get_feature_names_out().tolist() == [str(n) for n in maj.names]


def test_reference_columns_standardised_twins_and_errors():
    from sklearn.base import clone

    from geoecg.features.beat_reference import BeatReferenceColumns

    names = ["rr_pre", "dom_a", "sp_dom_a", "rs_rr_pre", "rs_dom_a", "rs_sp_dom_a"]
    X = np.arange(12.0).reshape(2, 6)
    step = clone(BeatReferenceColumns(names, "sinus-p")).fit(X)
    assert step.columns_.tolist() == [0, 2, 3, 5]
    with pytest.raises(ValueError, match="sp_"):
        BeatReferenceColumns(names[:2], "sinus-p").fit(X[:, :2])
    with pytest.raises(ValueError, match="reference"):
        BeatReferenceColumns(names, "median").fit(X)
    with pytest.raises(ValueError, match="feature_names"):
        BeatReferenceColumns(names[:3]).fit(X)
