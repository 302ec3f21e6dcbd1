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
