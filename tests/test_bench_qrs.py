"""`geoecg bench qrs`: runs end to end on real records and writes the documented JSON."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from geoecg.bench import qrs
from geoecg.cli import main


def test_bench_qrs_mitdb_json(mitdb_dir, tmp_path, capsys):
    out = tmp_path / "qrs.json"
    rc = main(
        ["bench", "qrs", "--data", str(mitdb_dir), "--records", "119", "--repeats", "1",
         "--json", str(out)]
    )  # fmt: skip
    assert rc == 0
    res = json.loads(out.read_text())
    assert set(res["total"]) == {"se", "ppv", "f1", "tp", "fp", "fn"}
    rec = res["records"]["119"]
    # 119 has 1987 reference beats (MIT-BIH directory); every one is matched or missed
    assert rec["tp"] + rec["fn"] == 1987 == rec["n_beats"]
    assert res["total"]["se"] > 99.0 and res["total"]["ppv"] > 99.0
    assert res["throughput_sps"] > 0 and res["versions"]["geoecg"]
    assert "geoecg-all-leads" in res["variants"]
    assert "119" in capsys.readouterr().out


def test_bench_qrs_nstdb_by_snr(nstdb_dir, tmp_path):
    out = tmp_path / "ns.json"
    rc = main(
        ["bench", "qrs", "--data", str(nstdb_dir), "--records", "118e24", "--repeats", "1",
         "--no-all-leads", "--json", str(out)]
    )  # fmt: skip
    assert rc == 0
    res = json.loads(out.read_text())
    assert res["database"] == "nstdb"
    snr = res["by_snr"]["24"]
    assert snr["whole"]["f1"] > 99.0 and snr["noisy"]["f1"] > 99.0
    # noisy blocks hold fewer beats than the whole record
    assert snr["noisy"]["tp"] + snr["noisy"]["fn"] < snr["whole"]["tp"] + snr["whole"]["fn"]


def test_bench_qrs_bad_folder(tmp_path):
    assert main(["bench", "qrs", "--data", str(tmp_path / "nope")]) == 2
    with pytest.raises(FileNotFoundError):
        qrs._resolve_folder(str(tmp_path))


def test_helpers():
    from geoecg.evaluation.detection import drop_intervals, nstdb_noisy_windows
    from geoecg.evaluation.tables import detection_rates
    from geoecg.features.rpeaks_peers import evenly_spaced

    assert evenly_spaced(list("abcdefghij"), 3) == ["a", "e", "j"]
    assert evenly_spaced(list("abc"), 0) == list("abc")
    fs = 1.0
    assert nstdb_noisy_windows(int(30 * 60), fs)[:2] == [(300, 420), (540, 660)]
    r = detection_rates(0, 0, 0)
    assert math.isnan(r["se"]) and math.isnan(r["f1"])
    x = np.array([1, 5, 10, 20])
    np.testing.assert_array_equal(drop_intervals(x, [(4, 11)]), [1, 20])
