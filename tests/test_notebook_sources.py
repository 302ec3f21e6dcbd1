"""Each notebook in ``notebooks/`` is what its ``make_*.py`` script writes.

The notebooks are generated (``python notebooks/make_NN_name.py`` writes ``NN_name.ipynb``)
and stored without outputs; ``tests/test_notebooks.py`` executes the stored ``.ipynb``. An
edit made to one side only (the notebook in Jupyter, or the script without rerunning it)
would leave the two telling different stories, and the next regeneration would silently undo
the notebook edit. Here every script runs with :func:`nbformat.write` captured (nothing is
written) and its cells (type and source, in order) and ``geoecg`` metadata must equal the
stored notebook's; cell ids, which nbformat draws at random, are not compared.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
MAKERS = sorted(NOTEBOOKS.glob("make_*.py"))


def _generated(maker: Path, monkeypatch) -> dict[str, object]:
    written = {}
    monkeypatch.setattr(nbformat, "write", lambda nb, fp, *a, **k: written.update({str(fp): nb}))
    runpy.run_path(str(maker), run_name="__main__")
    return written


def _cells(nb) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source) for c in nb.cells]


def test_every_notebook_has_a_maker_and_every_maker_a_notebook():
    notebooks = {p.stem for p in NOTEBOOKS.glob("*.ipynb")}
    makers = {p.stem.removeprefix("make_") for p in MAKERS}
    assert notebooks and notebooks == makers, (sorted(notebooks), sorted(makers))


@pytest.mark.parametrize("maker", MAKERS, ids=[p.stem for p in MAKERS])
def test_notebook_is_what_its_script_writes(maker, monkeypatch, capsys):
    written = _generated(maker, monkeypatch)
    target = NOTEBOOKS / (maker.stem.removeprefix("make_") + ".ipynb")
    assert list(written) == [str(target)], written.keys()
    stored = nbformat.read(target, as_version=4)
    new = written[str(target)]
    assert _cells(new) == _cells(stored), (
        f"{target.name} differs from what {maker.name} writes: run python notebooks/{maker.name}"
    )
    assert new.metadata.get("geoecg") == stored.metadata.get("geoecg")
    outputs = [c for c in stored.cells if c.cell_type == "code" and c.get("outputs")]
    assert not outputs, f"{target.name} is stored with outputs"
