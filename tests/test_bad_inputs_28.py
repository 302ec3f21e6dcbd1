"""Bad inputs to what sessions 26-27 added (session 28 sweep, helper 5): each case below was
a crash (IndexError, numpy's "Singular matrix", MemoryError, AttributeError) or a silent
wrong answer (a str of floors read character by character, an amplitude map of NaN) and is
now a clear error naming what was wrong and what is expected."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from geoecg.commands.bench_precheck import precheck
from geoecg.estimators.record_s_floor import RecordPrematurityFloor, _candidates
from geoecg.features.delineation import delineate
from geoecg.leads import LeadReconstructor

FS = 500.0


def _twelve_leads(n_rec=8, n_s=4.0, seed=0):
    """12-lead records: three Gaussian-beat sources mixed by a random matrix (mV)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(n_s * FS)) / FS
    mix = rng.normal(size=(12, 3))
    out = []
    for _ in range(n_rec):
        src = np.zeros((3, t.size))
        for r in np.arange(0.3 + 0.2 * rng.random(), n_s - 0.3, 0.8):
            for j, (c, w) in enumerate(((0.0, 0.01), (0.02, 0.02), (0.25, 0.04))):
                src[j] += np.exp(-0.5 * ((t - r - c) / w) ** 2)
        rec = (mix + 0.1 * rng.normal(size=mix.shape)) @ src
        out.append(rec + 0.01 * rng.normal(size=rec.shape))
    return np.array(out)


# ------------------------------------------------------------------------------ delineate
def test_delineate_refuses_a_signal_without_leads():
    """(0, n) was an IndexError inside delineate."""
    with pytest.raises(ValueError, match=r"signal has no leads, shape \(0, 100\)"):
        delineate(np.zeros((0, 100)), FS)


def test_delineate_names_an_fs_too_high_for_its_filters():
    """fs = 1e9 Hz (a wrong unit) was numpy's bare 'Singular matrix' from the filter design."""
    x = np.sin(np.arange(5000) / 30.0)
    with pytest.raises(ValueError, match=r"fs=1e\+09 Hz is too high for the .* band filter"):
        delineate(np.vstack([x, x]), 1e9, np.arange(300, 4800, 400))
    r = np.arange(300, 4800, 400)
    assert delineate(np.vstack([x, x]), FS, r).samples.shape[0] == r.size  # 500 Hz: as before


# ------------------------------------------------------------------------------ precheck
def test_precheck_names_words_that_are_not_text(tmp_path):
    nope = str(tmp_path / "nope")
    with pytest.raises(TypeError, match="argv must be a list of str.*PosixPath"):
        precheck("beats", ["bench", "beats", "--data", Path(nope)])
    with pytest.raises(TypeError, match="argv must be a list of str.*got a str"):
        precheck("beats", f"bench beats --data {nope}")
    with pytest.raises(TypeError, match="name must be a str"):
        precheck(["beats"], ["bench", "beats", "--data", nope])
    line = precheck("beats", ("bench", "beats", "--data", nope))  # a tuple is read as a list
    assert line is not None and line.startswith("geoecg bench beats: error: ")


# ------------------------------------------------------------------------------ LeadReconstructor
@pytest.mark.parametrize("kw", [{"template_neighbors": 2}, {"source": "II", "map_neighbors": 2}])
def test_reconstructor_beat_window_longer_than_the_records(kw):
    """fs far above the records' rate allocated the beat window (a MemoryError at 1e9 Hz);
    records shorter than the 0.7-s window were a silent no-op. Both are now named."""
    X = _twelve_leads()
    with pytest.raises(ValueError, match=r"median beats of 700000000 samples.*which have 2000"):
        LeadReconstructor(fs=1e9, **kw).fit(X)
    with pytest.raises(ValueError, match=r"median beats of 350 samples.*which have 300"):
        LeadReconstructor(fs=FS, **kw).fit(X[:, :, :300])
    out = LeadReconstructor(fs=FS, **kw).fit(X).transform(X[:2])  # the right rate: as before
    assert out.shape == (2, 12, X.shape[2]) and np.isfinite(out).all()


def test_reconstructor_r_quantile_without_any_r_peak():
    """fs = 1e6 for 500-Hz records found no R-peak: the map was NaN (amplitudes left as they
    were) with RuntimeWarnings; now a ValueError naming fs."""
    X = _twelve_leads()
    with pytest.raises(ValueError, match=r"found no R amplitude.*fs=1e\+06 Hz"):
        LeadReconstructor(fs=1e6, amplitude="r_quantile").fit(X)
    m = LeadReconstructor(fs=FS, amplitude="r_quantile").fit(X)
    assert np.isfinite(m.amplitude_map_).all()


# ---------------------------------------------------------------- RecordPrematurityFloor
@pytest.mark.parametrize(
    "bad, what",
    [("40", "str '40'"), (40, "int 40"), (None, r"NoneType None \(\(None,\) turns it off\)"),
     ({1: 2}, "dict"), ({2.0}, "set")],
)  # fmt: skip
def test_floor_candidates_must_be_a_sequence(bad, what):
    """morph_floors="40" was read as the candidates 4 and 0 (and chosen); 40 / None were
    "'int' object is not iterable"; a dict gave its keys."""
    with pytest.raises(TypeError, match=f"morph_floors must be a sequence .*got {what}"):
        _candidates("morph_floors", bad)
    assert _candidates("morph_floors", [40]) == [40.0]


def test_record_floor_refuses_a_str_of_morph_floors():
    from test_record_s_floor import _names, _train

    from geoecg.estimators.heartbeat import make_default_beat_model
    from geoecg.features.beat_records import stack_beat_tables

    X, y, nn, names = stack_beat_tables(_train(np.random.default_rng(5), _names(), 4, 60), True)
    g = np.repeat(np.arange(len(nn)), nn)
    base = make_default_beat_model(
        names, s_floor=False, n_estimators=3, max_per_class=100, random_state=0
    )
    model = RecordPrematurityFloor(base, feature_names=names, morph_floors="40")
    with pytest.raises(TypeError, match="morph_floors must be a sequence"):
        model.fit(X, y, g)
