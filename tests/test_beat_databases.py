"""Training the beat classifier on several databases: ids, groups, and no test patient in training.

Synthetic per-record tables (cached ``.npz`` files of
:func:`geoecg.features.beat_records.beat_record_table` next to empty WFDB stubs), so the
tests run in seconds without data.
"""

from __future__ import annotations

import numpy as np
import pytest

import geoecg.estimators.beat_protocols as bp
import geoecg.io.mitdb as mitdb
from geoecg.cli import main
from geoecg.features.beat_records import BEAT_TABLE_VERSION, beat_table_leads, stack_beat_tables

NAMES = np.array(["rr_pre", "dom_rr_pre", "dom_qrs_corr_l0"])  # the default MF's columns


def _table(rng, n=60, shift=0.0):
    """Beats whose class shows in dom_rr_pre (S premature), N/S/V mixed."""
    y = rng.choice(np.array(["N", "S", "V"]), size=n, p=[0.6, 0.2, 0.2])
    dom = np.where(y == "S", 0.6, np.where(y == "V", 0.8, 1.0)) + shift
    X = np.column_stack([800 * dom, dom + rng.normal(0, 0.05, n)])
    X = np.column_stack([X, 1.0 - 0.2 * (y == "V")])  # QRS correlation (no draw)
    return {"X": X, "names": NAMES, "y": y, "fs": np.float64(360.0)}


def _database(root, name, records, cache, seed=0):
    rng = np.random.default_rng(seed)
    folder = root / name
    folder.mkdir(parents=True)
    for r in records:
        (folder / f"{r}.hea").write_text(f"{r} 1 360 10\n")
        (folder / f"{r}.atr").write_bytes(b"")
        np.savez(cache / f"beats_{BEAT_TABLE_VERSION}_{name}_{r}.npz", **_table(rng))
    return folder


@pytest.fixture
def two_databases(tmp_path, monkeypatch):
    """A MIT-BIH-like folder (DS1 patched to 4 records, 201 and 202 one patient) and an
    SVDB-like one whose record names overlap the first's."""
    monkeypatch.setattr(mitdb, "DS1", ("101", "106", "201", "202"))
    cache = tmp_path / "cache"
    cache.mkdir()
    a = _database(tmp_path, "mitdb", ["101", "106", "201", "202", "100"], cache, seed=1)
    b = _database(tmp_path / "x", "svdb", ["101", "800", "802", "804"], cache, seed=2)
    return a, b, cache


def test_ids_are_prefixed_and_never_collide(two_databases):
    a, b, cache = two_databases
    da, db = bp.load_beat_databases([a], cache), bp.load_beat_databases([b], cache)
    # the MIT-BIH folder gives DS1 only (100 is not DS1); 201 and 202 are one patient
    assert da.records == ("mitdb:101", "mitdb:106", "mitdb:201", "mitdb:202")
    assert da.groups == ("mitdb:101", "mitdb:106", "mitdb:201", "mitdb:201")
    assert db.groups == ("svdb:101", "svdb:800", "svdb:802", "svdb:804")
    both = bp.load_beat_databases([a, b], cache)
    assert both.records == da.records + db.records
    assert not set(da.groups) & set(db.groups)  # record 101 in both databases: two patients
    assert (da + db).groups == both.groups
    with pytest.raises(ValueError, match="in both"):
        _ = da + bp.load_beat_databases([a], cache, records=["202"])
    with pytest.raises(ValueError, match="distinct names"):
        bp.load_beat_databases([a, a], cache)


def test_extra_records_always_train_and_are_never_scored(two_databases, monkeypatch):
    a, b, cache = two_databases
    main_ = bp.load_beat_databases([b], cache)
    extra = bp.load_beat_databases([a], cache)
    seen = []
    split = bp._ExtraTraining.split

    def spy(self, X, y=None, groups=None):
        for tr, te in split(self, X, y, groups):
            seen.append((np.asarray(groups)[tr], np.asarray(groups)[te], tr, te))
            yield tr, te

    monkeypatch.setattr(bp._ExtraTraining, "split", spy)
    y, pred, n, folds = bp.nested_beat_tables(
        main_.tables,
        main_.records,
        groups=main_.groups,
        extra=extra,
        n_estimators=5,
        random_state=0,
    )
    m = sum(int(np.isin(t["y"], list("NSVFQ")).sum()) for t in main_.tables)
    assert y.shape == pred.shape == (m,) and n.sum() == m
    assert [f["test"] for f in folds] == [[r] for r in main_.records]
    n_extra = sum(t["y"].size for t in extra.tables)
    for g_tr, g_te, tr, te in seen:
        assert not set(g_tr) & set(g_te)
        assert set(extra.groups) <= set(g_tr) and not set(extra.groups) & set(g_te)
        assert te.max() < m and (tr >= m).sum() == n_extra
    with pytest.raises(ValueError, match="in both"):
        bp.nested_beat_tables(extra.tables, extra.records, groups=extra.groups, extra=extra)


def test_test_patients_labels_reach_nothing_but_extra_labels_do(two_databases):
    a, b, cache = two_databases
    main_ = bp.load_beat_databases([b], cache)
    extra = bp.load_beat_databases([a], cache)
    kw = dict(groups=main_.groups, extra=extra, outer_folds=2, n_estimators=5, random_state=0)
    y, pred, n, folds = bp.nested_beat_tables(main_.tables, main_.records, **kw)
    # permute the labels of the first outer fold's test records: their predictions stay
    rng = np.random.default_rng(0)
    perm = [
        {**t, "y": rng.permutation(t["y"])} if r in folds[0]["test"] else t
        for t, r in zip(main_.tables, main_.records, strict=True)
    ]
    _, pred_p, _, _ = bp.nested_beat_tables(perm, main_.records, **kw)
    held = np.repeat(np.isin(main_.records, folds[0]["test"]), n)
    assert held.any() and np.array_equal(pred[held], pred_p[held])
    # the extra records' labels are used: flipping S and V there changes predictions
    flip = {"S": "V", "V": "S"}
    swapped = bp.BeatDatabases(
        tuple({**t, "y": np.array([flip.get(c, c) for c in t["y"]])} for t in extra.tables),
        extra.records,
        extra.groups,
    )
    _, pred_s, _, _ = bp.nested_beat_tables(main_.tables, main_.records, **{**kw, "extra": swapped})
    assert not np.array_equal(pred, pred_s)


def test_bench_flags(tmp_path, capsys):
    assert main(["bench", "beats", "--test-data", str(tmp_path)]) == 2
    assert "--train-data" in capsys.readouterr().err


def _lead_table(rng, leads, n=30):
    """A beat table with per-lead columns ``r_amp_l<k>`` for ``leads`` leads."""
    names = np.array(["rr_pre", *[f"r_amp_l{k}" for k in range(leads)]])
    y = rng.choice(np.array(["N", "V"]), size=n)
    return {"X": rng.normal(size=(n, names.size)), "names": names, "y": y, "fs": 360.0}


def test_stack_names_the_records_and_their_lead_counts():
    """Before: numpy's "all the input array dimensions ... must match exactly"."""
    rng = np.random.default_rng(0)
    tables = [_lead_table(rng, 2), _lead_table(rng, 2), _lead_table(rng, 1)]
    assert [beat_table_leads(t) for t in tables] == [2, 2, 1]
    with pytest.raises(ValueError, match=r"2 leads \(3 columns\): a, b; 1 lead \(2 columns\): c"):
        stack_beat_tables(tables, ids=["a", "b", "c"])
    with pytest.raises(ValueError, match=r"1 lead \(2 columns\): table 2"):
        stack_beat_tables(tables, adapt=True)
    X, _, n, _ = stack_beat_tables(tables[:2], ids=["a", "b"])  # same leads: stacked
    assert X.shape == (60, 3) and n.tolist() == [30, 30]


def test_bench_single_lead_test_data_stops_before_fitting(tmp_path, monkeypatch, capsys):
    """A one-lead test database against two-lead training data: a named error before any
    fit (before: scikit-learn's "X has 252 features, but SelectBeatFeatures is expecting
    434" after the training)."""
    rng = np.random.default_rng(3)
    cache = tmp_path / "cache"
    cache.mkdir()
    for name, records, leads in (("train2", ["a1", "a2"], 2), ("single", ["s1"], 1)):
        folder = tmp_path / name
        folder.mkdir()
        for r in records:
            (folder / f"{r}.hea").write_text(f"{r} {leads} 360 10\n")
            (folder / f"{r}.atr").write_bytes(b"")
            np.savez(cache / f"beats_{BEAT_TABLE_VERSION}_{name}_{r}.npz",
                     **_lead_table(rng, leads))  # fmt: skip

    def no_fit(*a, **k):
        raise AssertionError("fitted before the lead check")

    monkeypatch.setattr(bp, "transfer_beat_tables", no_fit)
    args = ["bench", "beats", "--train-data", str(tmp_path / "train2"), "--test-data",
            str(tmp_path / "single"), "--cache", str(cache)]  # fmt: skip
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "2 leads (3 columns): train2:a1, train2:a2; 1 lead (2 columns): single:s1" in err
