"""The AF prior-shift scripts check ``$AF_MATRIX_DIR`` at start (session 24 audit: a missing
folder was a FileNotFoundError traceback at ``np.load``)."""

from __future__ import annotations

import runpy
from pathlib import Path

import numpy as np
import pytest

SIMULATIONS = Path(__file__).resolve().parents[1] / "simulations"
ARGS = {"af_prior_shift_s4": ["0", "PREFIX"], "af_prior_shift_seed": ["0", "rhythm", "OUT"]}


@pytest.mark.parametrize("script", sorted(ARGS))
@pytest.mark.parametrize("have", [(), ("X.npy",)])
def test_missing_matrix_named_at_start(script, have, tmp_path, monkeypatch, capsys):
    d = tmp_path / "matrix"
    d.mkdir()
    for f in have:
        np.save(d / f, np.zeros((2, 2)))
    monkeypatch.setenv("AF_MATRIX_DIR", str(d))
    main = runpy.run_path(str(SIMULATIONS / f"{script}.py"), run_name="not_main")["main"]
    argv = [a.replace("PREFIX", str(tmp_path / "r")).replace("OUT", str(tmp_path / "o.json"))
            for a in ARGS[script]]  # fmt: skip
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    lacks = "y.npy" if have else "X.npy and y.npy"
    assert f"error: $AF_MATRIX_DIR ({d}) lacks {lacks}: set it to" in err
    assert not list(tmp_path.glob("r_*.json")) and not (tmp_path / "o.json").exists()


def test_env_folder_is_the_one_check(tmp_path, monkeypatch, capsys):
    """Both scripts call ``geoecg.commands.bench_io.env_folder`` (the 6-line check they each
    held until session 25, the pair ``duplicates`` found): its message names the variable,
    the folder, the missing files and what they are; a complete folder comes back as a Path
    (the variable unset: the default)."""
    import argparse

    from geoecg.commands.bench_io import env_folder

    for script in ARGS:
        assert 'env_folder(ap, "AF_MATRIX_DIR"' in (SIMULATIONS / f"{script}.py").read_text()
    monkeypatch.setenv("SOME_DIR", str(tmp_path))
    (tmp_path / "a.npy").write_bytes(b"")
    with pytest.raises(SystemExit) as e:
        env_folder(argparse.ArgumentParser(), "SOME_DIR", ".", ("a.npy", "b.npy"), "the pair")
    assert e.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.endswith(
        f"$SOME_DIR ({tmp_path}) lacks b.npy: set it to the folder holding the pair "
        "(a.npy and b.npy)"
    )
    (tmp_path / "b.npy").write_bytes(b"")
    assert env_folder(argparse.ArgumentParser(), "SOME_DIR", ".", ("a.npy", "b.npy")) == tmp_path
    monkeypatch.delenv("SOME_DIR")
    assert str(env_folder(argparse.ArgumentParser(), "SOME_DIR", ".", ())) == "."
