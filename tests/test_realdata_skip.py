"""A real-data test skips with a reason naming what is missing, and fails under CI=true."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("_conftest", Path(__file__).with_name("conftest.py"))
conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(conftest)


@pytest.mark.parametrize(
    "env, sub, says",
    [
        ("{tmp}/nowhere", "ptbxl", "GEOECG_DATA='{tmp}/nowhere' is not a folder"),
        ("{tmp}", "ludb", "GEOECG_DATA='{tmp}' holds no ludb/"),
        ("{tmp}/nowhere", "", "real data folder 'root' not found"),
    ],
)
def test_missing_data_skips_naming_the_folder_and_fails_under_ci(
    tmp_path, monkeypatch, env, sub, says
):
    monkeypatch.setenv("GEOECG_DATA", env.format(tmp=tmp_path))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        conftest._require(sub)
    assert says.format(tmp=tmp_path) in str(skipped.value)
    assert "ludb/, svdb/" in str(skipped.value)  # every database the tests use
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true but real data folder"):
        conftest._require(sub)


def test_present_data_is_returned(tmp_path, monkeypatch):
    (tmp_path / "mitdb").mkdir()
    monkeypatch.setenv("GEOECG_DATA", str(tmp_path))
    assert conftest._require("mitdb") == tmp_path / "mitdb"
