"""`geoecg bench qrs` checks every requested record's signal file against its header before
the timing loop (session 24 audit: a truncated .dat was found only when its turn came, 90 s
into the run)."""

import shutil

import pytest

from geoecg.cli import main
from geoecg.datasets import sample_mitdb_dir
from geoecg.features import rpeaks_peers as rp


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "mitdb"
    shutil.copytree(sample_mitdb_dir(), d)
    dat = d / "mitdb_201.dat"
    full = dat.stat().st_size
    with open(dat, "r+b") as fh:
        fh.truncate(full - 3000)
    return d, full


def test_truncated_record_named_before_detection(folder, capsys, monkeypatch):
    d, full = folder

    def refuse(*a, **k):
        raise AssertionError("detection ran before the size check")

    monkeypatch.setattr(rp, "run_detection_benchmark", refuse)
    monkeypatch.setattr(rp, "benchmark_detectors", refuse)
    assert main(["bench", "qrs", "--data", str(d), "--repeats", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("geoecg bench qrs: error: WFDB record ")
    assert "mitdb_201" in err[0] and "truncated signal file" in err[0]
    assert f"holds {full - 3000} of the {full} bytes the header promises" in err[0]


def test_check_signal_files_direct(folder):
    from geoecg.io.header import check_signal_files

    d, full = folder
    check_signal_files(d, ["mitdb_101", "mitdb_119"])  # whole files: no error
    with pytest.raises(ValueError, match=rf"mitdb_201.*holds {full - 3000} of the {full} bytes"):
        check_signal_files(d, ["mitdb_101", "mitdb_201"])
    with pytest.raises(ValueError, match="truncated"):
        rp.annotated_records(d)
    assert rp.annotated_records(d, ["mitdb_119"]) == ["mitdb_119"]  # not asked for: no check
    (d / "mitdb_119.hea").write_text("not a header\n")
    check_signal_files(d, ["mitdb_119"])  # an unreadable header is left to the reader
