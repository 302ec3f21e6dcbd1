"""CinC 2017 cache keys follow the records' bytes, not their paths or modification times."""

from __future__ import annotations

import os
import shutil

from geoecg.datasets import sample_cinc2017_dir
from geoecg.io import CinC2017


def _copy(tmp_path, name):
    dst = tmp_path / name
    shutil.copytree(sample_cinc2017_dir(), dst)
    return dst


def test_keys_survive_a_copy_and_a_touch(tmp_path):
    a, b = _copy(tmp_path, "a"), _copy(tmp_path, "b")
    names = CinC2017(a).records()[:4]
    for f in b.iterdir():
        os.utime(f, ns=(1, 1))  # what a re-sync of the folder does to every file
    assert CinC2017(a).content_keys(names) == CinC2017(b).content_keys(names)


def test_a_changed_signal_or_header_changes_only_its_key(tmp_path):
    root = _copy(tmp_path, "c")
    db = CinC2017(root)
    names = db.records()[:3]
    before = db.content_keys(names)
    mat = root / f"{names[1]}.mat"
    raw = bytearray(mat.read_bytes())
    raw[-1] ^= 0xFF
    mat.write_bytes(bytes(raw))
    after = db.content_keys(names)
    assert after[0] == before[0] and after[2] == before[2]
    assert after[1] != before[1]
    hea = root / f"{names[2]}.hea"
    hea.write_text(hea.read_text() + "# note\n")
    assert db.content_keys(names)[2] != after[2]


def test_keys_are_distinct_per_record_and_name_the_record(tmp_path):
    db = CinC2017(_copy(tmp_path, "d"))
    names = db.records()
    keys = db.content_keys(names)
    assert len(set(keys)) == len(keys)
    assert [k.split("|")[0] for k in keys] == list(names)
    assert db.content_keys() == keys
