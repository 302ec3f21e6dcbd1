"""A stop that came out of a feature set as another exception is never stored as a record's
error in a cohort part, also where no stop was recorded: a joblib (loky) or Dask worker
process, which gets Ctrl-C's SIGINT with its process group but has none of the command
line's handlers (session 28 review of 4287bd0).

The exception Python makes of a ``KeyboardInterrupt`` raised in Python code called from a C
extension that then returned a value (numba's dispatcher) is ``SystemError(... returned a
result with an exception set)`` with the ``KeyboardInterrupt`` as its cause. Before the fix,
:func:`geoecg.cohort._chunk.run_chunk` stored it as the record's error and wrote the part
(its features NaN), and a rerun of the stopped extraction kept that part.
"""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import pytest

from geoecg import _stop
from geoecg.cohort import FeatureSet, extract_features
from geoecg.cohort.layout import mimic_layout_from_ptbxl

C_EXTENSION = "CPUDispatcher(<function kernel>) returned a result with an exception set"


class _StopInKernel(FeatureSet):
    """Length of the record; the record numbered ``hit`` is hit by a stop inside a kernel
    (``"one"``: :meth:`compute_one`; ``"prepare"``: :meth:`prepare` of a batched set)."""

    name = "stopset"

    def __init__(self, where="one", hit=1):
        self.where, self.hit, self.seen = where, hit, 0

    def columns(self, leads):
        return [("stopset_n", "count")]

    def _maybe_stop(self):
        self.seen += 1
        if self.seen == self.hit + 1:
            try:
                raise KeyboardInterrupt  # what the signal handler raised
            except KeyboardInterrupt as exc:
                raise SystemError(C_EXTENSION) from exc

    def compute_one(self, rec):
        if self.where == "one":
            self._maybe_stop()
        return np.array([float(rec.signal.shape[1])])


class _BatchedStopInKernel(_StopInKernel):
    def prepare(self, rec):
        self._maybe_stop()
        return True

    def compute(self, recs):
        return np.array([[float(r.signal.shape[1])] for r in recs])


@pytest.fixture(scope="module")
def tree(ptbxl_dir, tmp_path_factory):
    root = tmp_path_factory.mktemp("mimic")
    mimic_layout_from_ptbxl(ptbxl_dir, root, 4)
    return root


@pytest.mark.parametrize("fset", [_StopInKernel(), _BatchedStopInKernel("prepare")],
                         ids=["compute_one", "prepare"])  # fmt: skip
def test_a_stop_in_a_feature_set_writes_no_part_without_a_recorded_stop(tree, tmp_path, fset):
    assert _stop.stop_requested() is None  # as in a worker process: nothing recorded
    out = tmp_path / "out"
    with pytest.raises(SystemError, match="exception set"):  # before: the part was written
        extract_features(tree, [fset], out=out, fs=100, chunk_size=4, progress=False)
    assert not list(out.glob("part-*.parquet"))


def test_an_ordinary_feature_set_error_is_still_the_record_s_error(tree, tmp_path):
    class Fails(_StopInKernel):
        def compute_one(self, rec):
            self.seen += 1
            if self.seen == 2:
                raise SystemError("a bug in one record")  # no stop in its chain
            return np.array([float(rec.signal.shape[1])])

    out = tmp_path / "out"
    extract_features(tree, [Fails()], out=out, fs=100, chunk_size=4, progress=False)
    (part,) = out.glob("part-*.parquet")
    errors = pq.read_table(part).column("error").to_pylist()
    assert errors.count(None) == 3 and "a bug in one record" in errors[1]
