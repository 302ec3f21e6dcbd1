"""simulations/leads_speed.py: the issue-21 speed figure's script runs, and its records are
what its docstring says (copies of the bases: circular shifts times gains in 0.8-1.25)."""

import importlib.util
import json
import os
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def script():
    env = dict(os.environ)
    spec = importlib.util.spec_from_file_location(
        "leads_speed", ROOT / "simulations/leads_speed.py"
    )
    mod = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(mod)
    finally:  # the script sets the thread variables to 1 for itself
        os.environ.clear()
        os.environ.update(env)
    return mod


def test_copies_are_shifted_scaled_bases(script):
    rng = np.random.default_rng(1)
    bases = rng.standard_normal((3, 12, 50))
    out = script.copies(bases, 20, np.random.default_rng(2), leads=[0, 1, 8])
    assert out.shape == (20, 3, 50)
    for rec in out:
        hits = []
        for b in bases[:, [0, 1, 8]]:
            for s in range(50):
                r = np.roll(b, s, axis=-1)
                g = np.vdot(rec, r) / np.vdot(r, r)
                if np.allclose(rec, g * r, atol=1e-12):
                    hits.append(g)
        assert hits, "a record is not a shifted, scaled base"
        assert 0.8 - 1e-12 <= hits[0] <= 1.25 + 1e-12


def test_tiny_synthetic_run(script, tmp_path, capsys):
    out = tmp_path / "speed.json"
    argv = "--synthetic --n-synthetic 4 --n-fit 6 --n-transform 5 --chunk 2 --configs plain,phase"
    res = script.main([*argv.split(), "--json", str(out)])
    assert res == json.loads(out.read_text())
    assert res["records"] == "ECGSYN synthetic" and res["n_bases"] == 4
    for name in ("plain", "phase"):
        r = res["configs"][name]
        assert r["fit_cpu_s"] > 0 and r["transform_cpu_s"] > 0
        assert r["fit_extrapolated"] and r["transform_extrapolated"]
        assert r["s_per_100000_transforms"] == pytest.approx(r["transform_cpu_s"] * 20_000)
        assert r["peak_rss_mib"] > 10
    assert res["configs"]["phase"]["params"]["phase_edges_s"] == "beat"
    text = capsys.readouterr().out
    assert text.count("(extrapolated)") == 4 and "one thread" in text


def test_bad_arguments(script):
    with pytest.raises(SystemExit):
        script.main(["--synthetic", "--configs", "plain,nope"])
    with pytest.raises(SystemExit):
        script.main(["--synthetic", "--n-fit", "0"])
