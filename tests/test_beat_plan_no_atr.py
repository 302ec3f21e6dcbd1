"""``bench beats`` on a folder where a record's ``.atr`` is missing says so (session 24).

Before, a record whose ``.hea``/``.dat`` were there but whose reference annotations were not
(a partial download) was reported only as "missing from FOLDER: 106", which reads as a
wrong folder or record name."""

from __future__ import annotations

from geoecg.estimators._beat_run import plan_beat_run


def test_a_record_without_atr_is_named_as_such(tmp_path):
    for ext in ("hea", "dat", "atr"):
        (tmp_path / f"101.{ext}").write_text("")
    for ext in ("hea", "dat"):
        (tmp_path / f"106.{ext}").write_text("")
    plan = plan_beat_run("ds1-cv", "101,106,999", ["101"], tmp_path, cross_db=False)
    assert plan.missing.startswith(
        f"protocol ds1-cv needs records missing from {tmp_path}: 106, 999."
    )
    assert "106: .hea present, no .atr annotation file." in plan.missing
    assert "999:" not in plan.missing  # no header either: just missing


def test_nothing_added_when_no_header_is_there(tmp_path):
    plan = plan_beat_run("ds1-cv", "106", [], tmp_path, cross_db=False)
    assert ".atr" not in plan.missing
