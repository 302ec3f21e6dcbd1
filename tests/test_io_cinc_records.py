"""Which records a CinC 2017 folder holds (session 19): the ``RECORDS`` file is honoured as
for MIT-BIH (listed records without a header: a warning naming them; headers it does not
list: not records), and records without a label are never dropped silently (``load`` warns
with their count and first names, or keeps them with label NaN on request). Before, the
reader globbed ``A*.hea`` whatever ``RECORDS`` said and ``load()`` left unlabeled records out
without a word. Built from copies of the embedded sample records, in ``tmp_path``."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from _factories import CINC_LABELS, cinc_folder

from geoecg.estimators.af.protocols import load_cinc_matrix
from geoecg.io import CinC2017

NAMES = list(CINC_LABELS)  # A00004, A00005, A00009, A00014, A00022
LABELS = CINC_LABELS


def _folder(tmp_path, names=NAMES, labelled=NAMES, records=None):
    return cinc_folder(tmp_path, on_disk=names, labelled=labelled, records=records)


def _quiet(fn, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*a, **k)


def test_records_file_decides_which_headers_are_records(tmp_path):
    # A00022 is on disk but not listed: not a record of this database (as for MIT-BIH)
    db = CinC2017(_folder(tmp_path, records=NAMES[:4]))
    assert _quiet(db.records) == NAMES[:4]
    assert list(_quiet(db.labels).index) == NAMES[:4]
    X, y = _quiet(db.load)
    assert len(X) == 4 and y.tolist() == ["A", "A", "A", "N"]
    assert _quiet(db.content_keys)[0].startswith("A00004|") and len(db.signals()) == 4


def test_records_listed_without_a_header_are_named_in_a_warning(tmp_path):
    db = CinC2017(_folder(tmp_path, records=[*NAMES, "A09998", "A09999"]))
    with pytest.warns(UserWarning, match=r"lists 2 record\(s\) without a header.*A09998"):
        assert db.records() == NAMES
    assert list(_quiet(db.labels).index) == NAMES  # labels() does not repeat the warning


def test_records_file_naming_no_present_record_is_ignored(tmp_path):
    db = CinC2017(_folder(tmp_path, records=["B1", "B2"]))
    assert _quiet(db.records) == NAMES  # every A*.hea, as without RECORDS


def test_unlabeled_records_are_named_not_dropped_silently(tmp_path):
    db = CinC2017(_folder(tmp_path, labelled=NAMES[:2]))
    with pytest.warns(UserWarning, match=r"3 record\(s\) .* no label .* \['A00009', 'A00014',"):
        X, y = db.load()
    assert len(X) == 2 and y.tolist() == ["A", "A"]
    with pytest.warns(UserWarning, match=r"3 record\(s\)"):
        assert db.labelled_records() == NAMES[:2]
    X, y = _quiet(db.load, unlabeled="keep")
    assert len(X) == 5 and y[:2].tolist() == ["A", "A"] and all(v != v for v in y[2:])
    assert X[2].shape[0] == 1 and np.isfinite(X[2]).any()
    with pytest.raises(ValueError, match=r"1 of the records asked for have no label.*A00022"):
        db.load(["A00004", "A00022"])
    X, y = _quiet(db.load, ["A00004", "A00022"], unlabeled="keep")
    assert y[0] == "A" and y[1] != y[1]
    with pytest.raises(ValueError, match="unlabeled must be 'warn' or 'keep'"):
        db.load(unlabeled="drop")


def test_fully_labelled_folder_loads_without_a_warning(tmp_path):
    db = CinC2017(_folder(tmp_path, records=NAMES))
    X, y = _quiet(db.load)
    assert y.tolist() == [LABELS[n] for n in NAMES]
    assert _quiet(db.labelled_records) == NAMES


def test_af_bench_matrix_warns_about_unlabeled_records(tmp_path):
    root = _folder(tmp_path, names=NAMES[:3], labelled=NAMES[:2])
    with pytest.warns(UserWarning, match=r"1 record\(s\) .* no label .*A00009"):
        m, y, _ = load_cinc_matrix(root, progress=False)
    assert m.X.shape[0] == 2 and y.tolist() == ["A", "A"]


def _same_signals(X, db, names):
    return len(X) == len(names) and all(
        np.array_equal(x, db.read(n).signal) for x, n in zip(X, names, strict=True)
    )


def test_load_and_labelled_records_agree_on_sorted_order(tmp_path):
    # a label file out of order (and a RECORDS file in yet another order): load() gives
    # the records sorted by name, as labelled_records() does, each with its own label
    # (session 21; load() followed the label file before)
    shuffled = ["A00022", "A00004", "A00014", "A00009", "A00005"]
    db = CinC2017(_folder(tmp_path, labelled=shuffled, records=shuffled[::-1]))
    assert list(_quiet(db.labels).index) == shuffled  # labels() keeps the file's order
    assert _quiet(db.labelled_records) == NAMES
    X, y = _quiet(db.load)
    assert y.tolist() == [LABELS[n] for n in NAMES] and _same_signals(X, db, NAMES)


def test_load_keeps_unlabeled_after_the_sorted_labelled_records(tmp_path):
    db = CinC2017(_folder(tmp_path, labelled=["A00022", "A00005", "A00014"]))
    with pytest.warns(UserWarning, match=r"2 record\(s\) .* \['A00004', 'A00009'\]"):
        X, y = db.load()
    assert y.tolist() == ["A", "N", "~"] and _same_signals(X, db, ["A00005", "A00014", "A00022"])
    X, y = _quiet(db.load, unlabeled="keep")
    assert _same_signals(X, db, ["A00005", "A00014", "A00022", "A00004", "A00009"])
    assert y[:3].tolist() == ["A", "N", "~"] and all(v != v for v in y[3:])
