"""The noise bench's CinC 2017 windows and ``geoecg compare``'s ``cinc2017-af`` task take
their records through the reader (session 20): :meth:`geoecg.io.CinC2017.labelled_records`,
so the folder's ``RECORDS`` file decides which records there are, a record without a label
is named in a warning instead of being dropped silently, and the order is sorted by name
whatever the label file's order (on the challenge files, sorted already, nothing moves).
Before, both took the label index (``REFERENCE.csv``'s order, no warning). Built from
copies of the embedded sample records, in ``tmp_path``."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from _factories import CINC_LABELS, cinc_folder

from geoecg.commands.compare_tasks import load_task
from geoecg.datasets.noise_training import cinc2017_windows

LABELS = CINC_LABELS


def _folder(tmp_path, *, on_disk, reference, records):
    """A CinC folder: headers of ``on_disk``, ``REFERENCE.csv`` rows (in the order given)
    for ``reference``, a ``RECORDS`` file listing ``records``."""
    return cinc_folder(
        tmp_path,
        on_disk=on_disk,
        labelled=reference,
        records=records,
        name="training2017",
        label_file="REFERENCE.csv",
    )


def _differing(tmp_path):
    # RECORDS lists A00004, A00005, A00009, A00014 and A09999 (no header); A00022 is on
    # disk and labelled but not listed; A00005 is listed but has no label; REFERENCE.csv
    # is written out of order
    return _folder(
        tmp_path,
        on_disk=list(LABELS),
        reference=["A00022", "A00014", "A00009", "A00004"],
        records=["A00004", "A00005", "A00009", "A00014", "A09999"],
    )


def _records_of(windows):
    return list(dict.fromkeys(windows.record.tolist()))


def _with_warnings(fn, *a, **k):
    """``fn(*a, **k)`` and the text of the UserWarning messages it raised (other categories,
    such as a dependency's deprecation notice on first import, are not this test's)."""
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        out = fn(*a, **k)
    return out, " | ".join(str(w.message) for w in got if w.category is UserWarning)


def test_noise_windows_follow_records_file_and_warn_about_unlabeled(tmp_path):
    root = _differing(tmp_path)
    W, text = _with_warnings(cinc2017_windows, root)
    assert "lists 1 record(s) without a header" in text and "A09999" in text
    assert "1 record(s)" in text and "no label" in text and "A00005" in text
    # listed, present and labelled, sorted; not REFERENCE.csv's order, not A00022
    assert _records_of(W) == ["A00004", "A00009", "A00014"]
    assert W.noise.tolist() == [LABELS[r] for r in W.record]
    assert np.array_equal(W.y, (W.noise == "~").astype(np.int64))


def test_noise_windows_named_record_without_label_is_a_clear_error(tmp_path):
    root = _differing(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match=r"1 of the records asked for have no label.*A00005"):
            cinc2017_windows(root, names=["A00004", "A00005"])
        W = cinc2017_windows(root, names=["A00014", "A00004"])  # given order is kept
    assert _records_of(W) == ["A00014", "A00004"]


def test_compare_task_follows_records_file_and_warns_about_unlabeled(tmp_path):
    root = _differing(tmp_path)
    task, text = _with_warnings(load_task, "cinc2017-af", root, quick=True)
    assert "no label" in text and "A00005" in text and "A09999" in text
    assert task.groups.tolist() == ["A00004", "A00009", "A00014"]
    assert task.y.tolist() == ["A", "A", "N"] and len(task.X) == 3
    # a seeded sample of the same sorted list, whatever the label file's order
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = load_task("cinc2017-af", root, quick=True, max_records=2, random_state=3)
        b = load_task("cinc2017-af", root, quick=True, max_records=2, random_state=3)
    assert a.groups.tolist() == b.groups.tolist() == sorted(a.groups.tolist())
    assert set(a.groups) < {"A00004", "A00009", "A00014"}


def test_sorted_fully_labelled_folder_keeps_label_file_order_without_warning(tmp_path):
    # where RECORDS and the label file agree (the challenge files: both sorted), the
    # records and their order are those of the label index, as before the switch
    names = list(LABELS)
    root = _folder(tmp_path, on_disk=names, reference=names, records=names)
    W, text_w = _with_warnings(cinc2017_windows, root)
    task, text_t = _with_warnings(load_task, "cinc2017-af", root, quick=True)
    assert text_w == text_t == ""
    assert _records_of(W) == names and task.groups.tolist() == names
