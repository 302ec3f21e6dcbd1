"""The cohort's fast paths give the same bits as the public functions they stand for.

``SQISet`` calls the unvalidated ``_sqi_row`` (the chunk validated the record), ``RPeaksSet``
takes the median, minimum and maximum RR from one sort, and ``CovarianceSet`` batches up to
``_COV_BATCH`` records per call: each is compared here with the straightforward computation
(public :func:`sqi_features`, ``np.median``/``min``/``max``, one record per call), exactly.
"""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.cohort.feature_sets import CovarianceSet, RecordData, RPeaksSet, SQISet
from geoecg.datasets import sample_record_path
from geoecg.features import detect_rpeaks
from geoecg.features.sqi import SQI_NAMES, sqi_features
from geoecg.io import read_record

FS = 360.0


def _records() -> list[np.ndarray]:
    """2-lead 10-s windows of the embedded MIT-BIH excerpts, with NaN-gap, flat-lead,
    all-NaN-lead and short variants (mV)."""
    out = []
    for name in ("mitdb_101", "mitdb_119"):
        x = read_record(sample_record_path(name)).signal
        for start in (0, 3600, 7200):
            w = np.ascontiguousarray(x[:, start : start + 3600])
            out.append(w)
            g = w.copy()
            g[1, 900:1100] = np.nan
            out.append(g)
            f = w.copy()
            f[1] = 0.25
            out.append(f)
    nan_lead = out[0].copy()
    nan_lead[1] = np.nan
    return out + [nan_lead, np.ascontiguousarray(out[0][:, :200])]


@pytest.fixture(scope="module")
def recs():
    return [RecordData(x, FS, ("a", "b"), 1) for x in _records()]


def _same(a, b) -> bool:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and np.array_equal(a.view(np.uint64), b.view(np.uint64))


def test_sqi_set_equals_public_sqi_features(recs):
    fset = SQISet()
    for r in recs:
        q = sqi_features(r.lead, FS, rpeaks=detect_rpeaks(r.lead, FS, track=False))
        assert _same(fset.compute_one(r), [q[k] for k in SQI_NAMES])


def test_sqi_set_chunk_rows_do_not_depend_on_the_chunk(recs):
    """SQISet batches a chunk (one kernel call and one 2-D FFT per length): every row equals
    the record's row alone, in any order and beside any other records (NaN gaps, flat and
    all-NaN leads, a short window, two sampling rates)."""
    fset = SQISet()
    down = [RecordData(np.ascontiguousarray(r.signal[:, ::2]), FS / 2, r.leads, 1) for r in recs]
    chunk = recs + down
    alone = np.vstack([fset.compute_one(r) for r in chunk])
    order = np.random.default_rng(0).permutation(len(chunk))
    mixed = fset.compute([chunk[i] for i in order])
    assert _same(mixed, alone[order])
    assert _same(fset.compute(chunk[3:9]), alone[3:9])
    assert np.isfinite(alone[:, 1]).sum() >= len(chunk) // 2


def test_rpeaks_summary_equals_numpy(recs):
    fset = RPeaksSet()
    n_even = n_odd = 0
    for r in recs:
        p, conf = r.rpeaks, r.confidence
        rr = np.diff(p) * (1000.0 / FS)
        want = np.full(9, np.nan)
        want[0], want[8] = p.size, r.signal.shape[1] / FS
        if p.size:
            want[7] = float(np.mean(conf))
        if rr.size:
            med = float(np.median(rr))
            want[1:7] = [60000.0 / med, rr.mean(), med, np.nan, rr.min(), rr.max()]
            if rr.size > 1:
                want[4] = float(np.std(rr, ddof=1))
            n_even += rr.size % 2 == 0
            n_odd += rr.size % 2 == 1
        assert _same(fset.compute_one(r), want)
    assert n_even and n_odd  # both median branches were compared


def test_covariance_batch_size_does_not_change_bits(recs, monkeypatch):
    import geoecg.cohort._covariance_sets as fs_mod  # CovarianceSet's batch size

    ok = [r for r in recs if r.signal.shape[1] > 1000]
    whole = CovarianceSet().compute(ok)
    monkeypatch.setattr(fs_mod, "_COV_BATCH", 1)
    one = CovarianceSet().compute(ok)
    assert np.isfinite(whole).any()
    assert _same(whole, one)


def _variants() -> list[tuple[np.ndarray, int]]:
    """The windows of :func:`_records` and, for the paths the one-call kernel leaves to the
    properties, noisy copies (tracking steps in NumPy), an infinite sample, one lead; with
    the primary lead of each."""
    base = _records()
    rng = np.random.default_rng(1)
    out = [(x, 1) for x in base]
    for x in base[:9:3]:
        out.append((x + 0.6 * rng.standard_normal(x.shape), 1))
        inf = x.copy()
        inf[0, 500] = np.inf
        out.append((inf, 1))
        out.append((np.ascontiguousarray(x[1:]), 0))
    return out


_SHARED = ("rpeaks", "confidence", "lead_rpeaks", "lead_copy", "band_decimated", "n_samples")


def _value(rec, name):
    try:
        v = getattr(rec, name)
    except Exception as exc:  # noqa: BLE001 - the same error on both paths
        return repr(exc)
    return v[0] if name == "band_decimated" else v


def test_precompute_gives_the_properties_arrays(monkeypatch):
    """RecordData.precompute (one kernel call per record; the NumPy tracking steps of
    noisy stretches on its hand-back) caches the same arrays the properties compute one
    by one, and leaves what it does not compute (an infinite sample, a non-finite band) to
    them."""
    import geoecg.cohort._record as record

    taken = {"rpeaks": 0, "lead_rpeaks": 0, "band_decimated": 0, "left": 0, "handed": 0}
    finish = record._finish_noisy

    def counted(*args):
        taken["handed"] += 1
        return finish(*args)

    monkeypatch.setattr(record, "_finish_noisy", counted)
    for x, primary in _variants():
        leads = tuple("ab"[: x.shape[0]])
        fast = RecordData(x, FS, leads, primary)
        # the infinite-sample variants: inf - inf (NaN, by design) warns on NumPy scalars in
        # the kernels' plain-Python run (NUMBA_DISABLE_JIT=1), never in machine code
        with np.errstate(invalid="ignore"):
            fast.precompute()
        for key in ("rpeaks", "lead_rpeaks", "band_decimated"):
            taken[key] += key in fast._cache
        taken["left"] += "rpeaks" not in fast._cache
        ref = RecordData(x, FS, leads, primary)
        for name in _SHARED:
            with np.errstate(invalid="ignore"):
                a, b = _value(fast, name), _value(ref, name)
            if isinstance(a, str) or isinstance(b, str):
                assert a == b, name
            else:
                assert np.asarray(a).dtype == np.asarray(b).dtype, name
                assert _same(a, b), name
    n = len(_variants())
    assert taken["rpeaks"] >= n // 2 and taken["lead_rpeaks"] >= n // 2
    assert taken["band_decimated"] >= n // 3 and taken["left"] >= 3
    assert taken["handed"] >= 3  # the noisy copies


@pytest.mark.parametrize(
    "names", [("rpeaks", "hrv", "sqi", "covariance"), ("noise", "morphology", "tangent")]
)
def test_chunk_table_is_the_same_with_and_without_the_one_call(names, monkeypatch):
    """compute_features with the one-call intermediates equals, bit for bit and error for
    error, the table computed through the properties alone."""
    from geoecg.cohort._chunk import RunConfig, compute_features
    from geoecg.cohort.feature_sets import resolve_feature_sets

    xs = [x for x, primary in _variants() if x.shape[0] == 2]
    fsets = tuple(resolve_feature_sets(list(names)))
    leads = ("a", "b")
    cols = tuple(c for f in fsets for c in f.columns(leads))
    cfg = RunConfig(fsets, leads, "position", 1, None, "keep", cols, {})

    def table():
        return compute_features(((k, RecordData(x, FS, leads, 1)) for k, x in enumerate(xs)),
                                len(xs), cfg)  # fmt: skip

    fast, fast_err = table()
    monkeypatch.setattr(RecordData, "precompute", lambda self, **kw: None)
    ref, ref_err = table()
    assert np.isfinite(fast).sum() > fast.size // 2
    assert _same(fast, ref) and fast_err == ref_err


def test_a_record_row_alone_equals_its_row_in_the_chunk():
    """Every set's row of a record does not depend on the other records of its chunk."""
    from geoecg.cohort._chunk import RunConfig, compute_features
    from geoecg.cohort.feature_sets import resolve_feature_sets

    xs = [x for x, primary in _variants() if x.shape[0] == 2]
    fsets = tuple(resolve_feature_sets(["rpeaks", "hrv", "sqi", "noise", "covariance"]))
    leads = ("a", "b")
    cols = tuple(c for f in fsets for c in f.columns(leads))
    cfg = RunConfig(fsets, leads, "position", 1, None, "keep", cols, {})
    chunk, errors = compute_features(
        ((k, RecordData(x, FS, leads, 1)) for k, x in enumerate(xs)), len(xs), cfg
    )
    for k, x in enumerate(xs):
        row, err = compute_features([(0, RecordData(x, FS, leads, 1))], 1, cfg)
        assert _same(row[0], chunk[k])
        assert err == {(0, i): msg for (j, i), msg in errors.items() if j == k}
