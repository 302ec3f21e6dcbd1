"""The protocol decisions of ``bench beats`` and the stage plan of ``bench delineate``, as
library code (geoecg.estimators._beat_run, geoecg.evaluation._delineate_plan)."""

from __future__ import annotations

import argparse

import pytest

from geoecg.estimators import _beat_run as br
from geoecg.evaluation import _delineate_plan as dp
from geoecg.io.mitdb import DS1, DS2, PACED

ALL = sorted({*DS1, *DS2, *PACED})


def test_default_protocol_is_nested_with_a_hint_even_with_all_records():
    plan = br.plan_beat_run(None, None, ALL, "/m", cross_db=False)
    assert plan.protocol == "ds1-cv" and plan.wanted == list(DS1) and plan.shown == list(DS1)
    assert plan.hint and "--protocol ds1-ds2" in plan.hint and plan.missing is None
    named = br.plan_beat_run("ds1-ds2", None, ALL, "/m", cross_db=False)
    assert named.hint is None and named.shown == list(DS2)
    assert named.wanted == list(DS1 + DS2)


def test_records_subset_missing_records_and_ds1_ds2_refusal():
    plan = br.plan_beat_run("ds1-cv", "118, 119,", ALL, "/m", cross_db=False)
    assert plan.wanted == ["118", "119"] and plan.hint is None
    miss = br.plan_beat_run(None, "999", ALL, "/m", cross_db=False)
    assert miss.missing.startswith("protocol ds1-cv needs records missing from /m: 999.")
    assert "`--protocol ds1-cv` would run" in miss.missing
    few = br.plan_beat_run(None, None, ["119", "208"], "/m", cross_db=False)
    assert "`--protocol intra` would run" in few.missing
    with pytest.raises(ValueError, match="--records with ds1-ds2"):
        br.plan_beat_run("ds1-ds2", "118", ALL, "/m", cross_db=False)


def test_intra_leaves_out_paced_records_and_cross_db_takes_every_record():
    intra = br.plan_beat_run("intra", None, ALL, "/m", cross_db=False)
    assert not set(PACED) & set(intra.wanted) and intra.shown == ["all"]
    cross = br.plan_beat_run(None, None, ["b", "a"], "/svdb", cross_db=True)
    assert cross.protocol == "cross-db" and cross.wanted == ["a", "b"] and cross.hint is None


def test_source_checks_and_pipeline_text():
    with pytest.raises(ValueError, match="--test-data needs --train-data"):
        br.check_beat_sources([], "/svdb", None)
    with pytest.raises(ValueError, match="not intra"):
        br.check_beat_sources(["/m"], None, "intra")
    br.check_beat_sources(["/m"], "/svdb", None)
    assert br.beat_pipeline_text("ds1-cv", True, False).startswith("calibrated decision")
    assert br.beat_pipeline_text("ds1-cv", False, True).endswith("(--select)")
    assert br.beat_pipeline_text("intra", True, False).endswith("(intra)")
    assert br.beat_pipeline_text("ds1-cv", False, False).endswith("(--record-prior off)")
    # --record-prior's help says what "on" runs (stale before session 21: "per-record prior")
    on = br.beat_pipeline_text("ds1-cv", True, False)
    assert on.replace("), label-free", ") and label-free") in br.RECORD_PRIOR_HELP
    assert br.beat_pipeline_text("ds1-cv", False, False).startswith("no per-record prior or self")


def test_model_params_from_options():
    args = argparse.Namespace(feature_set="all", adapt="both", n_estimators=3, max_per_class=0,
                              class_weight="none", n_jobs=1, seed=7)  # fmt: skip
    p = br.beat_model_params(args)
    assert p["adapt"] == "both" and p["max_per_class"] is None and p["class_weight"] is None
    assert p["random_state"] == 7


def test_delineate_stage_order_and_ludb_flags():
    full = dp.delineate_stages(data="d", qtdb="q", noise="n", synthetic=True, ptbxl="p")
    assert full == list(dp.DELINEATE_STAGES)
    assert dp.delineate_stages(data=None, synthetic=True) == ["settings", "synthetic"]
    assert dp.delineate_stages(data="d") == ["ludb", "settings"]
    with pytest.raises(ValueError, match=r"--records, --noise need\(s\) LUDB"):
        dp.delineate_stages(data=None, records=[1], noise="n", synthetic=True)
    with pytest.raises(ValueError, match="the LUDB protocol runs"):
        dp.delineate_stages(data=None)
    with pytest.raises(ValueError, match="--split"):
        dp.delineate_stages(data=None, split="tune", qtdb="q")


class _DB:
    data_dir = "/ludb"

    def records(self):
        return ["1", "2", "3", "4"]

    def missing_annotations(self, names):
        return {"4": ["v6"]} if "4" in names else {}


def test_ludb_record_names_and_folder(tmp_path):
    assert dp.ludb_record_names(_DB(), None, "tune") == ["1", "3"]
    assert dp.ludb_record_names(_DB(), [2, 3], "all") == ["2", "3"]
    with pytest.raises(FileNotFoundError, match=r"lack annotation files .*'4': \['v6'\]"):
        dp.ludb_record_names(_DB(), [2, 4], "all")  # checked before any record is scored
    with pytest.raises(FileNotFoundError, match=r"not found in /ludb: \['9'\]"):
        dp.ludb_record_names(_DB(), [9], "all")
    assert dp.ludb_folder(tmp_path) == tmp_path
    with pytest.raises(FileNotFoundError, match="is not a folder"):
        dp.ludb_folder(tmp_path / "none")
