"""Long nested evaluations keep their finished outer folds and resume from them.

The per-fold hooks of the library (``on_fold`` / ``done_folds`` of
:func:`geoecg.evaluation.nested_evaluate`,
:func:`geoecg.estimators.record_prior.record_prior_beat_tables` and
:func:`geoecg.estimators.beat_protocols.nested_beat_tables`) and the runner's file
(:class:`geoecg.commands.bench_io.FoldLog`): a run stopped by an exception raised after
the first finished fold leaves valid JSON with that fold and ``"complete": false``; the
resumed run fits only the other folds and equals an uninterrupted run exactly.
"""

from __future__ import annotations

import argparse
import json

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, make_scorer

from geoecg.commands.bench_io import FoldLog
from geoecg.estimators.beat_protocols import nested_beat_tables
from geoecg.estimators.record_prior import record_prior_beat_tables
from geoecg.evaluation.nested import nested_evaluate


class Stop(Exception):
    """Raised by the hook after the first finished fold (a Ctrl-C stand-in)."""


def _stop_after(n, log):
    calls = []

    def hook(*args):
        log(*args)
        calls.append(args[-2])
        if len(calls) >= n:
            raise Stop

    return hook


def _data(seed=0, n_groups=8, per=25):
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(n_groups), per)
    X = rng.normal(size=(g.size, 3)) + rng.normal(scale=0.5, size=(n_groups, 3))[g]
    y = np.where(X[:, 0] + rng.normal(scale=0.7, size=g.size) > 0.2, "S", "N")
    return X, y, g


def _tables(seed=5):
    """Synthetic per-record beat tables (MIT-BIH names, columns of the transfer set)."""
    rng = np.random.default_rng(seed)
    names = ["101", "106", "108", "109", "112", "114", "115", "116"]
    out = []
    for k, _ in enumerate(names):
        n = 120
        ps = 0.3 if k % 3 == 0 else 0.02
        y = np.where(rng.random(n) < ps, "S", np.where(rng.random(n) < 0.15, "V", "N"))
        dom = np.where(y == "S", 0.7, 1.0) + rng.normal(0, 0.1, n)
        wid = np.where(y == "V", 1.6, 1.0) + rng.normal(0, 0.1, n)
        corr = 1.0 - 0.3 * np.abs(wid - 1.0)  # QRS like the dominant one but for V (no draw)
        X = np.c_[800 * dom, dom, wid, corr]  # dom_qrs_corr_l0: the default MF's veto column
        names_ = ["rr_pre", "dom_rr_pre", "dom_qrs_amp_l0", "dom_qrs_corr_l0"]
        out.append({"X": X, "y": y, "names": np.array(names_)})
    return names, out


def _log(tmp_path, **settings):
    return FoldLog(argparse.Namespace(json=tmp_path / "run.json", resume=False, **settings))


def test_nested_evaluate_interrupted_then_resumed_equals_uninterrupted(tmp_path, capsys):
    X, y, g = _data()
    pipes = {"lr": (LogisticRegression(), {"C": [0.01, 1.0]})}
    kw = dict(outer_cv=4, inner_cv=2, scoring=make_scorer(f1_score, pos_label="S"))
    full = nested_evaluate(pipes, X, y, g, **kw)["lr"]
    saved = _log(tmp_path, outer=4)
    with pytest.raises(Stop):
        nested_evaluate(pipes, X, y, g, **kw, on_fold=_stop_after(1, lambda n, k, f: saved(k, f)))
    d = json.loads((tmp_path / "run.json").read_text())
    assert d["complete"] is False and list(d["finished"]) == ["0"]
    assert d["finished"]["0"]["choice"] == full.choices[0]
    np.testing.assert_array_equal(d["finished"]["0"]["y_pred"], full.y_pred[full.fold == 0])
    resumed = FoldLog(argparse.Namespace(json=tmp_path / "run.json", resume=True, outer=4))
    seen = []
    r = nested_evaluate(
        pipes, X, y, g, **kw, on_fold=lambda n, k, f: seen.append(k),
        done_folds={("lr", k): f for k, f in resumed.done.items()},
    )["lr"]  # fmt: skip
    assert seen == [1, 2, 3]  # fold 0 was not fitted again
    np.testing.assert_array_equal(r.y_pred, full.y_pred)
    assert r.choices == full.choices and r.inner_scores == full.inner_scores
    shown = nested_evaluate(pipes, X, y, g, **kw, progress=True)["lr"]  # a bar, same result
    np.testing.assert_array_equal(shown.y_pred, full.y_pred)
    assert "lr: outer folds" in capsys.readouterr().err
    bad = {("lr", 0): {**d["finished"]["0"], "y_pred": ["N"]}}
    with pytest.raises(ValueError, match="done_folds"):
        nested_evaluate(pipes, X, y, g, **kw, done_folds=bad)


def test_record_prior_beat_tables_resumed_equals_uninterrupted(tmp_path):
    names, tables = _tables()
    kw = dict(records=names, outer_folds=3, inner_folds=2, seed=0, n_estimators=4,
              max_per_class=None, random_state=0)  # fmt: skip
    full = record_prior_beat_tables(tables, None, **kw)
    saved = _log(tmp_path)
    with pytest.raises(Stop):
        record_prior_beat_tables(tables, None, **kw, on_fold=_stop_after(1, saved))
    d = json.loads((tmp_path / "run.json").read_text())
    assert d["complete"] is False and list(d["finished"]) == ["0"]
    assert d["finished"]["0"]["test"] == full[4][0]["test"]
    seen = []
    got = record_prior_beat_tables(
        tables, None, **kw, on_fold=lambda k, f: seen.append(k),
        done_folds=FoldLog(argparse.Namespace(json=tmp_path / "run.json", resume=True)).done,
    )  # fmt: skip
    assert seen == [1, 2]
    for a, b in zip(got[:4], full[:4], strict=True):
        np.testing.assert_array_equal(a, b)
    assert json.dumps(got[4], default=float) == json.dumps(full[4], default=float)
    moved = {0: {**d["finished"]["0"], "test": ["999"]}}
    with pytest.raises(ValueError, match="changed"):
        record_prior_beat_tables(tables, None, **kw, done_folds=moved)


def test_nested_beat_tables_select_resumes_through_nested_evaluate():
    names, tables = _tables(6)
    kw = dict(select=True, record_prior=False, outer_folds=3, inner_folds=2, n_estimators=3,
              max_per_class=None, random_state=0)  # fmt: skip
    full = nested_beat_tables(tables, names, **kw)
    done = {}
    with pytest.raises(Stop):
        nested_beat_tables(tables, names, **kw, on_fold=_stop_after(1, done.__setitem__))
    assert list(done) == [0] and "y_pred" in done[0]
    got = nested_beat_tables(tables, names, **kw, done_folds=done)
    for a, b in zip(got[:3], full[:3], strict=True):
        np.testing.assert_array_equal(a, b)
    assert got[3] == full[3]


def test_fold_log_refuses_what_it_cannot_resume(tmp_path):
    f = tmp_path / "run.json"
    with pytest.raises(ValueError, match="needs --json"):
        FoldLog(argparse.Namespace(json=None, resume=True))
    started = FoldLog(argparse.Namespace(json=f, resume=True, folds=3, cache="a"))
    assert started.done == {}  # no file yet: a fresh start
    d = json.loads(f.read_text())
    assert d["complete"] is False and d["finished"] == {} and d["run_settings"] == {"folds": 3}
    started(0, {"y_pred": [1]})
    # the cache folder is no setting; the fold count is
    again = FoldLog(argparse.Namespace(json=f, resume=True, folds=3, cache="b"))
    assert again.done == {0: {"y_pred": [1]}}
    with pytest.raises(ValueError, match="folds 3"):
        FoldLog(argparse.Namespace(json=f, resume=True, folds=5))
    started.finish({"f1": 0.5}, quiet=True)
    d = json.loads(f.read_text())
    assert d["complete"] is True and d["f1"] == 0.5 and "finished" not in d
    with pytest.raises(ValueError, match="complete"):
        FoldLog(argparse.Namespace(json=f, resume=True, folds=3))
    (tmp_path / "other.json").write_text('{"complete": false}')
    with pytest.raises(ValueError, match="not the file of an unfinished run"):
        FoldLog(argparse.Namespace(json=tmp_path / "other.json", resume=True))


def _same(a, b) -> bool:
    """Equal as the runners write them (NumPy values as plain ones, NaN as null)."""
    from geoecg.commands.bench_io import to_jsonable

    return json.dumps(to_jsonable(a), sort_keys=True) == json.dumps(to_jsonable(b), sort_keys=True)


def test_prior_shift_protocol_resumes_per_seed(tmp_path):
    from geoecg.estimators import PriorShiftClassifier
    from geoecg.estimators.af.protocols import prior_shift_protocol

    rng = np.random.default_rng(0)
    y = np.repeat(np.array(["N", "A", "O", "~"]), 50)
    X = rng.normal(size=(y.size, 3))
    X[:, 0] += (y == "A") * 2.0 + (y == "O") * 1.0

    def cands(seed):
        return PriorShiftClassifier(LogisticRegression(), n_bootstrap=0, random_state=seed)

    kw = dict(test_size=60, seeds=[0, 1, 2])
    target = {"N": 0.6, "A": 0.1, "O": 0.3, "~": 0.0}
    full = prior_shift_protocol(cands, X, y, target, **kw)
    saved = _log(tmp_path, seeds="0,1,2")
    with pytest.raises(Stop):
        prior_shift_protocol(cands, X, y, target, **kw, on_fold=_stop_after(1, saved))
    d = json.loads((tmp_path / "run.json").read_text())
    assert d["complete"] is False and list(d["finished"]) == ["0"]
    assert _same(d["finished"]["0"], full["per_seed"][0])
    done = FoldLog(argparse.Namespace(json=tmp_path / "run.json", resume=True, seeds="0,1,2"))
    seen = []
    got = prior_shift_protocol(
        cands, X, y, target, **kw, on_fold=lambda s, r: seen.append(s), done_folds=done.done
    )
    assert seen == [1, 2] and _same(got, full)
    with pytest.raises(ValueError, match="seed 1"):
        prior_shift_protocol(cands, X, y, target, **kw, done_folds={1: d["finished"]["0"]})


def test_noise_study_resumes_per_feature_set(tmp_path):
    from types import SimpleNamespace

    from geoecg.evaluation.noise_study import noise_study

    rng = np.random.default_rng(1)

    def windows(n_rec, per):
        rec = np.repeat([f"r{i}" for i in range(n_rec)], per)
        y = rng.integers(0, 2, rec.size)
        noise = np.where(y == 1, rng.choice(["bw", "ma", "em"], rec.size), "none")
        snr = np.where(y == 1, rng.choice([6.0, 0.0], rec.size), np.nan)
        F = np.column_stack([y + rng.normal(0, 0.7, rec.size), rng.normal(size=rec.size)])
        return SimpleNamespace(y=y, record=rec, noise=noise, snr_db=snr), F

    (tr, F_tr), (te, F_te), (cc, F_cc) = windows(8, 10), windows(8, 10), windows(12, 4)
    kw = dict(features={"train": F_tr, "test": F_te, "other": F_cc},
              groups={f"r{i}": i // 2 for i in range(8)}, feature_sets=("a", "b", "c"),
              n_folds=2, log=None)  # fmt: skip
    full = noise_study(lambda f: LogisticRegression(), tr, te, cc, **kw)
    saved = _log(tmp_path, folds=2)
    with pytest.raises(Stop):
        noise_study(lambda f: LogisticRegression(), tr, te, cc, **kw,
                    on_fold=_stop_after(1, saved))  # fmt: skip
    d = json.loads((tmp_path / "run.json").read_text())
    assert d["complete"] is False and list(d["finished"]) == ["a"]
    assert _same(d["finished"]["a"]["pairs"], full["pairs"][:5])
    done = FoldLog(argparse.Namespace(json=tmp_path / "run.json", resume=True, folds=2)).done
    seen = []
    got = noise_study(lambda f: LogisticRegression(), tr, te, cc, **kw,
                      on_fold=lambda s, p: seen.append(s), done_folds=done)  # fmt: skip
    assert seen == ["b", "c"] and _same(got, full)


def test_bench_beats_interrupted_then_resumed_writes_the_same_json(tmp_path, monkeypatch):
    """``geoecg bench beats`` (nested ds1-cv) on synthetic tables: Ctrl-C after the first
    outer fold leaves valid JSON (complete false, that fold's predictions); ``--resume``
    fits the other folds only and writes the JSON of an uninterrupted run (elapsed time and
    versions aside); a changed setting is refused."""
    import geoecg.io
    import geoecg.io.mitdb
    from geoecg.cli import main
    from geoecg.estimators import beat_protocols as bp

    names, tables = _tables(7)
    names = ["101", "106", "108", "109", "112", "114"]
    tables = tables[: len(names)]
    monkeypatch.setattr(geoecg.io, "mitdb_records", lambda folder: names)
    monkeypatch.setattr(geoecg.io.mitdb, "mitdb_dir", lambda data: tmp_path)

    def load(folders, cache, records=None, test=None):
        idx = [names.index(r) for r in records]
        ids = tuple(f"mitdb:{names[i]}" for i in idx)
        return bp.BeatDatabases(tuple(tables[i] for i in idx), ids, ids)

    monkeypatch.setattr(bp, "load_beat_databases", load)
    cmd = ["bench", "beats", "--protocol", "ds1-cv", "--records", ",".join(names),
           "--outer-folds", "3", "--n-estimators", "3", "--max-per-class", "0"]  # fmt: skip
    assert main([*cmd, "--json", str(tmp_path / "full.json")]) == 0
    full = json.loads((tmp_path / "full.json").read_text())
    assert full["complete"] is True and "finished" not in full

    out = tmp_path / "run.json"
    real_call = FoldLog.__call__

    def interrupted(self, key, unit):
        real_call(self, key, unit)
        raise KeyboardInterrupt

    monkeypatch.setattr(FoldLog, "__call__", interrupted)
    assert main([*cmd, "--json", str(out)]) == 130  # Ctrl-C: exit status 130
    d = json.loads(out.read_text())
    assert d["complete"] is False and list(d["finished"]) == ["0"]
    assert d["finished"]["0"]["test"] == full["folds"][0]["test"]
    monkeypatch.setattr(FoldLog, "__call__", real_call)
    assert main([*cmd, "--n-estimators", "4", "--json", str(out), "--resume"]) == 2  # refused
    fitted = []
    monkeypatch.setattr(FoldLog, "__call__", lambda s, k, u: fitted.append(k) or real_call(s, k, u))
    assert main([*cmd, "--json", str(out), "--resume"]) == 0
    assert fitted == [1, 2]
    resumed = json.loads(out.read_text())
    for d in (full, resumed):
        del d["elapsed_s"], d["versions"]
    assert resumed == full


def test_nested_cinc_cv_resumes_per_seed(tmp_path):
    from geoecg.estimators.af.protocols import nested_cinc_cv

    rng = np.random.default_rng(0)
    y = np.repeat(np.array(["N", "A", "O", "~"]), [30, 12, 20, 8])
    X = rng.normal(size=(y.size, 193))  # the record + rhythm-profile columns
    X[:, 0] += (y == "A") * 2.0
    kw = dict(seeds=[0, 1], folds=2, inner_folds=2, n_estimators=3)
    full = nested_cinc_cv(X, y, **kw)
    saved = _log(tmp_path, seeds="0,1")
    with pytest.raises(Stop):
        nested_cinc_cv(X, y, **kw, on_fold=_stop_after(1, saved))
    d = json.loads((tmp_path / "run.json").read_text())
    assert d["complete"] is False and list(d["finished"]) == ["0"]
    assert _same(d["finished"]["0"], full["per_seed"][0])
    done = FoldLog(argparse.Namespace(json=tmp_path / "run.json", resume=True, seeds="0,1"))
    seen = []
    got = nested_cinc_cv(X, y, **kw, on_fold=lambda s, r: seen.append(s), done_folds=done.done)
    assert seen == [1] and _same(got, full)
