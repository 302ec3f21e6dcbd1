"""One lead selection for ``delineate(combine_leads=...)`` and ``read_record(channels=...)``
(session 11): the two name-or-index loops became ``geoecg._validation.select_leads``."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.datasets import sample_record_path
from geoecg.features import delineate
from geoecg.io import read_record


def test_select_leads_one_policy_for_both_entry_points():
    """Session 11: the two name-or-index loops became ``_validation.select_leads``; the
    same selection gets the same error from both, with the argument's name."""
    path = sample_record_path("mitdb_119")  # leads MLII, V1
    x = read_record(path, sampto=3600, annotator=None)
    for bad, exc, message in [
        (["aVF"], ValueError, "no lead 'aVF'"),
        ([2], ValueError, r"row index 2 is not in \[0, 2\) \(out of range for 2 leads"),
        ([-1], ValueError, r"row index -1 is not in \[0, 2\)"),
        ([0, "MLII"], ValueError, "must name distinct leads, at least one"),
        ([], ValueError, "must name distinct leads, at least one"),
        ([1.0], TypeError, "entries must be str or int"),
        ([True], TypeError, "entries must be str or int"),
        (2.5, TypeError, "must be a sequence of lead names or row indices"),
    ]:
        with pytest.raises(exc, match=f"^combine_leads:? .*{message}"):
            delineate(x.signal, x.fs, leads=x.lead_names, combine_leads=bad)
        with pytest.raises(exc, match=f"^channels:? .*{message}"):
            read_record(path, channels=bad, sampto=3600, annotator=None)
    # read_record says which record; before, [] and [0, 0] failed inside wfdb with a
    # "truncated file?" message
    with pytest.raises(ValueError, match=r"in record 'mitdb_119'"):
        read_record(path, channels=[0, 0], sampto=3600, annotator=None)
    # one name or index alone is one lead, in both
    assert read_record(path, channels="V1", sampto=10, annotator=None).lead_names == ("V1",)
    assert read_record(path, channels=np.int64(1), sampto=10).lead_names == ("V1",)
    a = delineate(x.signal, x.fs, leads=x.lead_names, combine_leads="MLII")
    b = delineate(x.signal, x.fs, leads=x.lead_names, combine_leads=[0])
    assert np.array_equal(a.samples, b.samples, equal_nan=True)
    # the order given is kept (read_record) and names match exactly (no aliases)
    r = read_record(path, channels=[1, "MLII"], sampto=10, annotator=None)
    assert r.lead_names == ("V1", "MLII")
    with pytest.raises(ValueError, match="no lead 'II'"):
        read_record(path, channels=["II"], sampto=10)
