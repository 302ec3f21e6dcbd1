"""Bad input is named (session 15's contract sweep): ``rpeaks=``, dtypes and SPD inputs.

Every case below was accepted (a number computed from a cast of the input: complex parts
dropped, text parsed, NaN indices cast to garbage) or crashed with numpy's message before
the sweep; each must now be a ``ValueError``/``TypeError`` whose message names the argument
(``test_bad_input_is_named``, one case per row of :func:`_contract_cases`). Also: a matrix
that is not positive definite gives a NaN tangent row, valid ``rpeaks=`` forms keep
working, and ``extract_features(records=)`` names unknown records. Moved out of
``tests/test_fuzz_api.py`` in session 20 (that file was at 594 lines), unchanged.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from geoecg.features import noise_level_features
from geoecg.leads import LeadReconstructor, r_amplitudes
from geoecg.riemann import beat_averages

# the input classes of the issue-19 suite (pytest runs with --import-mode=importlib, so
# the sibling file is loaded by path)
_spec = importlib.util.spec_from_file_location(
    "_fuzz_signal", Path(__file__).with_name("test_fuzz_signal.py")
)
_fs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fs)
make_signal = _fs.make_signal


def _spd(n: int = 6, c: int = 3, seed: int = 0) -> np.ndarray:
    A = np.random.default_rng(seed).standard_normal((n, c, 40))
    return A @ A.transpose(0, 2, 1) / 40


def _contract_cases() -> dict:
    from geoecg.cohort import read_features, resolve_feature_sets
    from geoecg.features import (
        cornell_criterion,
        median_template,
        rhythm_profile_features,
        rhythm_profile_features_batch,
        template_correlation,
    )
    from geoecg.leads import BEAT_PHASE_EDGES_S, amplitude_spread, beat_phase_index
    from geoecg.riemann import (
        RiemannianRecentering,
        geodesic_augment,
        lead_covariances,
        tangent_vectors,
    )

    fs = 250.0
    x = make_signal("normal", fs, 1, 0)[0]
    x12 = make_signal("normal", fs, 12, 0)[0][None]
    rp = np.arange(75, x.size - 100, 200)
    nan_rp, two_d_rp = np.r_[rp[:3], np.nan, rp[4:]].astype(float), np.vstack([rp, rp])
    beats = np.stack([x[r - 50 : r + 50] for r in rp])
    C, y = _spd(), np.array([0, 1] * 3)
    return {
        "noise_level rpeaks NaN": (lambda: noise_level_features(x, fs, rpeaks=nan_rp), "rpeaks"),
        "noise_level rpeaks 2-D": (lambda: noise_level_features(x, fs, rpeaks=two_d_rp), "rpeaks"),
        "noise_level rpeaks complex": (
            lambda: noise_level_features(x, fs, rpeaks=rp.astype(complex)),
            "rpeaks",
        ),
        "rhythm_profile signal complex": (
            lambda: rhythm_profile_features(x.astype(complex), fs),
            "signal",
        ),
        "rhythm_profile signal text": (
            lambda: rhythm_profile_features(x.astype(str), fs, rpeaks=rp),
            "signal",
        ),
        "rhythm_profile rpeaks NaN": (
            lambda: rhythm_profile_features(x, fs, rpeaks=nan_rp),
            "rpeaks",
        ),
        "rhythm_profile rpeaks past the end": (
            lambda: rhythm_profile_features(x, fs, rpeaks=np.r_[rp, x.size + 500]),
            "rpeaks",
        ),
        "r_amplitudes rpeaks inf": (
            lambda: r_amplitudes(x12, fs, rpeaks=[np.r_[rp[:-1], np.inf]]),
            r"rpeaks\[0\]",
        ),
        "r_amplitudes rpeaks 2-D": (
            lambda: r_amplitudes(x12, fs, rpeaks=[two_d_rp]),
            r"rpeaks\[0\]",
        ),
        "beat_averages rpeaks NaN": (
            lambda: beat_averages(x12, fs, rpeaks=[nan_rp]),
            r"rpeaks\[0\]",
        ),
        "beat_averages rpeaks 2-D": (
            lambda: beat_averages(x12, fs, rpeaks=[two_d_rp]),
            r"rpeaks\[0\]",
        ),
        "amplitude_spread X_rec complex": (
            lambda: amplitude_spread(x12, x12.astype(complex), fs),
            "X_rec",
        ),
        "median_template complex": (lambda: median_template(beats.astype(complex)), "beats"),
        "median_template inf": (
            lambda: median_template(np.where(beats > 0.9, np.inf, beats)),
            "beats",
        ),
        "template_correlation template text": (
            lambda: template_correlation(beats, beats[0].astype(str)),
            "template",
        ),
        "cornell_criterion array": (
            lambda: cornell_criterion(np.array([2.5, 3.0]), "M"),
            "cornell_mv",
        ),
        "cornell_criterion text": (lambda: cornell_criterion("2.5", "M"), "cornell_mv"),
        "geodesic_augment zero matrices": (
            lambda: geodesic_augment(0 * C, y, random_state=0),
            "positive-definite",
        ),
        "geodesic_augment ratio text": (
            lambda: geodesic_augment(C, y, ratio="1", random_state=0),
            "ratio",
        ),
        "tangent_vectors reference not SPD": (lambda: tangent_vectors(C, -C[0]), "references"),
        "tangent_vectors no reference": (lambda: tangent_vectors(C, C[:0]), "references"),
        "RiemannianRecentering empty": (
            lambda: RiemannianRecentering().fit(C[:0]),
            r"\bX\b",
        ),
        "RiemannianRecentering zero matrices": (
            lambda: RiemannianRecentering().fit(0 * C),
            "positive-definite",
        ),
        "rhythm_profile_batch complex": (
            lambda: rhythm_profile_features_batch([x.astype(complex)], fs),
            "signal",
        ),
        "resolve_feature_sets None": (lambda: resolve_feature_sets(None), "features"),
        "read_features number": (lambda: read_features(3), r"\bout\b"),
        "beat_phase_index rpeaks count": (
            lambda: beat_phase_index(
                np.stack([x12[0], x12[0]]), fs, BEAT_PHASE_EDGES_S, rpeaks=[rp]
            ),
            "rpeaks",
        ),
        "beat_phase_index rpeaks NaN": (
            lambda: beat_phase_index(x12, fs, BEAT_PHASE_EDGES_S, rpeaks=[nan_rp]),
            r"rpeaks\[0\]",
        ),
        "beat_averages window_s text": (
            lambda: beat_averages(x12, fs, window_s="a"),
            "window_s",
        ),
        "beat_averages min_beats text": (
            lambda: beat_averages(x12, fs, min_beats="2"),
            "min_beats",
        ),
        "lead_covariances chunk_size 0": (
            lambda: lead_covariances(x12, chunk_size=0),
            "chunk_size",
        ),
        "LeadReconstructor ragged records": (
            lambda: LeadReconstructor().fit([x12[0], x12[0][:, :1000]]),
            r"\bX\b.*differ in length",
        ),
    }


CONTRACT_IDS = sorted(
    [
        "noise_level rpeaks NaN", "noise_level rpeaks 2-D", "noise_level rpeaks complex",
        "rhythm_profile signal complex", "rhythm_profile signal text",
        "rhythm_profile rpeaks NaN", "rhythm_profile rpeaks past the end",
        "r_amplitudes rpeaks inf", "r_amplitudes rpeaks 2-D",
        "beat_averages rpeaks NaN", "beat_averages rpeaks 2-D",
        "amplitude_spread X_rec complex", "median_template complex", "median_template inf",
        "template_correlation template text", "cornell_criterion array",
        "cornell_criterion text", "geodesic_augment zero matrices",
        "geodesic_augment ratio text", "tangent_vectors reference not SPD",
        "tangent_vectors no reference", "RiemannianRecentering empty",
        "RiemannianRecentering zero matrices", "rhythm_profile_batch complex",
        "resolve_feature_sets None", "read_features number", "LeadReconstructor ragged records",
        "beat_phase_index rpeaks count", "beat_phase_index rpeaks NaN",
        "beat_averages window_s text", "beat_averages min_beats text",
        "lead_covariances chunk_size 0",
    ]
)  # fmt: skip


@pytest.mark.parametrize("case", CONTRACT_IDS)
def test_bad_input_is_named(case):
    """Bad input -> a ValueError/TypeError whose message names the argument."""
    cases = _contract_cases()
    assert set(cases) == set(CONTRACT_IDS)
    func, named = cases[case]
    with pytest.raises((ValueError, TypeError), match=named):
        func()


def test_tangent_vectors_non_spd_row_is_nan():
    """A matrix of X that is not positive definite: a NaN row (documented), the others
    unchanged; never a crash."""
    from geoecg.riemann import tangent_vectors

    C = _spd()
    bad = C.copy()
    bad[2] = -bad[2]
    T, T0 = tangent_vectors(bad, C[0]), tangent_vectors(C, C[0])
    assert np.isnan(T[2]).all()
    assert np.array_equal(np.delete(T, 2, axis=0), np.delete(T0, 2, axis=0))


def test_valid_rpeaks_still_accepted():
    """Whole-number float rpeaks and an RPeakResult keep working where rpeaks= is taken."""
    from geoecg.features import detect_rpeaks, rhythm_profile_features

    fs = 250.0
    x = make_signal("normal", fs, 1, 0)[0]
    res = detect_rpeaks(x, fs)
    a = noise_level_features(x, fs, rpeaks=res.indices)
    b = noise_level_features(x, fs, rpeaks=res.indices.astype(float))
    assert a == b or np.allclose(list(a.values()), list(b.values()), equal_nan=True)
    f1 = rhythm_profile_features(x, fs, rpeaks=res)
    f2 = rhythm_profile_features(x, fs, rpeaks=res.indices)
    assert np.array_equal(f1, f2, equal_nan=True)


def test_extract_unknown_records_is_a_value_error(tmp_path):
    """records= naming a record the source lacks: a ValueError naming the records (it was
    a bare KeyError); still a KeyError for code written against the old behaviour."""
    from geoecg.cohort import extract_features
    from geoecg.datasets import sample_cinc2017_dir

    for exc in (ValueError, KeyError):
        with pytest.raises(exc, match=r"records not in the source: \['nope'\].*record_id"):
            extract_features(
                sample_cinc2017_dir(), ["rpeaks"], out=tmp_path / exc.__name__, records=["nope"]
            )
