"""The documentation builds with warnings as errors and every gallery example executed.

This is the command the README names (``python -m sphinx -W --keep-going -b html docs
docs/_build/html``), run into a temporary folder with the examples forced to re-run.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sphinx", reason="the docs extra is not installed: pip install '.[docs]'")
pytest.importorskip("myst_parser", reason="the docs extra is not installed: pip install '.[docs]'")
pytest.importorskip("sphinx_gallery", reason="the docs extra is not installed")
pytest.importorskip("numpydoc", reason="the docs extra is not installed")

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(MPLBACKEND="Agg", OMP_NUM_THREADS="1", PYTHONWARNINGS="ignore")
    return env


@pytest.mark.slow
def test_docs_build_without_warnings(tmp_path):
    out = tmp_path / "html"
    pages = {f: sorted((DOCS / f).glob("*.md")) for f in ("user_guide", "benchmarks")}
    # -j auto: the build is parallel-safe (no warning with -j 2); on 2 loaded cores a full
    # build took 173 CPU s with -j 2 against 165 with -j 1, so it shortens the wall time
    # only when a core is free (docs/development.md)
    cmd = [
        sys.executable, "-m", "sphinx", "-j", "auto", "-W", "--keep-going", "-b", "html",
        "-D", "sphinx_gallery_conf.run_stale_examples=True",
        str(DOCS), str(out),
    ]  # fmt: skip
    proc = subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-6000:]
    assert "WARNING" not in proc.stderr, proc.stderr[-6000:]

    # every example ran and left its page with at least one figure
    examples = sorted(p.stem for p in (DOCS / "examples").glob("plot_*.py"))
    assert examples, "no gallery examples"
    if importlib.util.find_spec("torch") is None:  # conf.py leaves the neural ones out
        examples = [name for name in examples if "_neural_" not in name]
    for name in examples:
        page = (out / "auto_examples" / f"{name}.html").read_text()
        assert "sphx-glr-single-img" in page or "sphx-glr-multi-img" in page, name
    assert f"executed {len(examples)} out of {len(examples)}" in log

    # the API reference has a page for a sample of public names from every subpackage
    gen = out / "api" / "generated"
    for name in [
        "geoecg.io.read_record",
        "geoecg.signal.bandpass",
        "geoecg.features.detect_rpeaks",
        "geoecg.features.hrv_features",
        "geoecg.riemann.LeadCovariances",
        "geoecg.estimators.CovariateAdjustedClassifier",
        "geoecg.simulate.AnticausalSCM",
        "geoecg.sweep.run_sweep",
        "geoecg.evaluation.compare",
        "geoecg.neural.ResNet1DClassifier",
        "geoecg.viz.plot_record",
        "geoecg.datasets.sample_record_path",
    ]:
        assert (gen / f"{name}.html").is_file(), name
    # no class page's "Bases:" line shows a geoecg class without a page as unlinked code
    # (docs/conf.py's autodoc-process-bases hook; tests/test_docs_bases.py)
    from test_docs_bases import other_projects_bases, unlinked_bases

    allowed = other_projects_bases()
    shown = {p.stem: set(unlinked_bases(p.read_text())) - allowed for p in gen.glob("*.html")}
    assert not {page: names for page, names in shown.items() if names}
    # every user-guide and benchmarks page was built (the glob toctrees reach them: a page
    # outside every toctree would have been a warning) and the benchmarks index links them
    bench = (out / "benchmarks.html").read_text()
    for folder, found in pages.items():
        assert found, folder
        for page in found:
            assert (out / folder / f"{page.stem}.html").is_file(), page
            if folder == "benchmarks":
                assert f"benchmarks/{page.stem}.html" in bench, page


@pytest.mark.slow
def test_api_reference_builds_without_torch(tmp_path):
    """Without torch, geoecg.neural is documented from mocks instead of breaking the build."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        textwrap.dedent(
            """
            extensions = ["numpydoc", "sphinx.ext.autodoc", "sphinx.ext.autosummary"]
            numpydoc_show_class_members = False
            autodoc_mock_imports = ["torch"]
            """
        )
    )
    (src / "index.rst").write_text(
        "Neural\n======\n\n.. autoclass:: geoecg.neural.ResNet1DClassifier\n"
    )
    script = textwrap.dedent(
        f"""
        import sys

        class _NoTorch:  # torch behaves as if it were not installed
            def find_spec(self, name, path=None, target=None):
                if name == "torch" or name.startswith("torch."):
                    raise ModuleNotFoundError(f"No module named {{name!r}}")

        sys.meta_path.insert(0, _NoTorch())
        try:
            import geoecg.neural  # noqa: F401
        except ImportError as exc:
            assert "geoecg[neural]" in str(exc), exc
        else:
            raise AssertionError("torch was not blocked")
        sys.path.insert(0, {str(DOCS)!r})
        from pathlib import Path
        from _apigen import write_api_pages
        # the full build imports the other subpackages (and scipy.stats) before the mocked
        # torch; scipy's array-API helpers would take the mock for torch if it came first
        import scipy.stats  # noqa: F401
        write_api_pages(Path({str(tmp_path)!r}), mock_imports=["torch"], packages=("neural",))
        from sphinx.cmd.build import main
        sys.exit(main(["-W", "-q", "-b", "html", {str(src)!r}, {str(tmp_path / "out")!r}]))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=_env(), capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    listed = (tmp_path / "api" / "neural.rst").read_text()
    for name in ("ResNet1DClassifier", "CNN1DClassifier", "MLPClassifier"):
        assert re.search(rf"^   {name}$", listed, re.M), name
    assert "ResNet1DClassifier" in (tmp_path / "out" / "index.html").read_text()


def _shows_output(page: Path) -> bool:
    """A page with a ``python`` block followed by the ``text`` block it prints (a first-steps
    page); code on a page that shows no output is illustration with placeholder paths."""
    sys.path.insert(0, str(DOCS))
    try:
        from _snippets import page_blocks
    finally:
        sys.path.remove(str(DOCS))
    return any(expected is not None for _, expected in page_blocks(page))


GUIDE_PAGES = [p for p in sorted((DOCS / "user_guide").glob("*.md")) if _shows_output(p)]


def test_user_guide_pages_that_show_output_are_the_ones_run():
    """The first-steps pages are found by what they show (not by their names); none drops
    out of the code test silently."""
    run = {p.stem for p in GUIDE_PAGES}
    first_steps = {"reading_records", "rpeaks", "hrv_quality", "af", "beat_classification"}
    assert first_steps | {"riemann", "shift", "neural"} <= run, run


def test_every_user_guide_page_is_named_in_the_toctree_in_study_order():
    """The user guide's toctree names every page (no glob: a new page must get its place),
    starting where an ECG study starts and ending with the reference pages."""
    index = (DOCS / "index.md").read_text()
    block = index[index.index(":caption: User guide") :]
    named = re.findall(r"^user_guide/(\w+)$", block[: block.index("```")], re.M)
    assert sorted(named) == sorted(p.stem for p in (DOCS / "user_guide").glob("*.md"))
    assert named[:3] == ["reading_records", "rpeaks", "hrv_quality"], named
    assert named[-2:] == ["command_line", "input_validation"], named


_DOC_ROLE = re.compile(r"\{doc\}`([^`]*)`", re.S)


def test_doc_references_and_redirects_point_at_pages():
    """Every ``{doc}`` reference of a hand-written page names a page that exists, and each
    old address of a renamed page forwards to an existing page (the full build checks the
    same with warnings as errors, but only where the docs extra is installed)."""
    generated = ("auto_examples/", "api/")
    missing = []
    for page in sorted(DOCS.rglob("*.md")):
        if "_build" in page.parts:
            continue
        for m in _DOC_ROLE.finditer(page.read_text()):
            target = m.group(1).split("<")[-1].rstrip(">").strip()
            base = DOCS if target.startswith("/") else page.parent
            path = (base / target.lstrip("/")).resolve()
            rel = path.relative_to(DOCS).as_posix() if path.is_relative_to(DOCS) else target
            if rel.startswith(generated):
                continue
            if not any(path.with_suffix(s).is_file() for s in (".md", ".rst")):
                missing.append(f"{page.relative_to(DOCS)}: {{doc}}`{target}`")
    assert not missing, "\n".join(missing)

    text = (DOCS / "conf.py").read_text()
    block = text[text.index("REDIRECTS = {") : text.index("}.items()")]
    pairs = re.findall(r'^\s+"(\w+)": "(\w+)",$', block, re.M)
    assert len(pairs) == 10, pairs
    for old, new in pairs:
        assert not (DOCS / "user_guide" / f"{old}.md").exists(), old
        assert (DOCS / "user_guide" / f"{new}.md").is_file(), new


@pytest.mark.slow
@pytest.mark.parametrize("page", GUIDE_PAGES, ids=[p.stem for p in GUIDE_PAGES])
def test_user_guide_code_runs_and_prints_what_the_page_shows(page):
    """Each ``python`` block of a user-guide page runs (in order, one namespace per page) and
    prints exactly the ``text`` block shown right after it."""
    if "geoecg.neural" in page.read_text():
        pytest.importorskip("torch", reason="the neural extra is not installed")
    sys.path.insert(0, str(DOCS))
    try:
        from _snippets import page_blocks, run_page
    finally:
        sys.path.remove(str(DOCS))
    if not page_blocks(page):
        pytest.skip(f"{page.name} has no python block")
    problems = run_page(page)
    assert not problems, "\n\n".join(problems)


#: User-guide pages whose code runs although it shows no output: every block runs, in order,
#: in one namespace, on embedded data; the blocks that read ``GEOECG_DATA`` run afterwards
#: (each on its own imports) with the real data, or skip as the real-data tests do.
RUN_WITHOUT_OUTPUT = ("leads", "beats")

#: Pages whose ``python`` blocks no test runs, and why (their names and keywords are still
#: checked by ``test_illustration_code_names_what_exists``).
NOT_RUN = {
    "user_guide/cohort": "placeholder folders (/data/ptb-xl, saved .npy and Parquet parts)",
    "user_guide/delineation": "placeholder signals (x, rpeaks); page owned by the delineation work",
    "user_guide/prior_shift": "placeholder arrays (X_train, signals_train) and a CinC folder",
    "benchmarks/cold_start": "measurement scripts (fresh processes, timings)",
}


def test_every_page_with_python_code_is_run_or_listed():
    """A page's ``python`` blocks are run by a test (the output pages, the pages of
    ``RUN_WITHOUT_OUTPUT``, the front page) or listed in ``NOT_RUN`` with a reason."""
    run = {f"user_guide/{p.stem}" for p in GUIDE_PAGES}
    run |= {f"user_guide/{name}" for name in RUN_WITHOUT_OUTPUT} | {"index", "benchmarks/ptbxl"}
    pages = {p.relative_to(DOCS).with_suffix("").as_posix() for p in CODE_PAGES}
    assert pages - run == set(NOT_RUN), sorted(pages - run)
    assert not run & set(NOT_RUN)


@pytest.mark.slow
@pytest.mark.parametrize("name", RUN_WITHOUT_OUTPUT)
def test_user_guide_code_runs_on_embedded_and_real_data(name, request, tmp_path, monkeypatch):
    page = DOCS / "user_guide" / f"{name}.md"
    sys.path.insert(0, str(DOCS))
    try:
        from _snippets import page_blocks, run_page
    finally:
        sys.path.remove(str(DOCS))
    assert len(page_blocks(page)) >= 6, "the page lost its code"
    monkeypatch.chdir(tmp_path)  # the pages' caches ("beats_cache") go here
    monkeypatch.setenv("MPLBACKEND", "Agg")
    assert not run_page(page, only=lambda code: "GEOECG_DATA" not in code)
    if any("GEOECG_DATA" in code for code, _ in page_blocks(page)):
        for folder in ("mitdb_dir", "svdb_dir"):  # skip, or fail under CI=true, when missing
            request.getfixturevalue(folder)
        monkeypatch.setenv("GEOECG_DATA", str(request.getfixturevalue("data_root")))
        assert not run_page(page, only=lambda code: "GEOECG_DATA" in code)


@pytest.mark.slow
def test_ptbxl_page_ensemble_example_runs_on_embedded_records():
    """The benchmark page's ``hankel_ensemble_classifier`` example, its placeholder arrays
    filled from the 20 embedded PTB-XL records (target: sex; 14 to fit, 6 to score)."""
    import warnings

    from geoecg.datasets import sample_ptbxl_dir
    from geoecg.io import PTBXL

    sys.path.insert(0, str(DOCS))
    try:
        from _snippets import page_blocks
    finally:
        sys.path.remove(str(DOCS))
    (code, _), *rest = page_blocks(DOCS / "benchmarks" / "ptbxl.md")
    assert not rest and "hankel_ensemble_classifier" in code
    X, meta = PTBXL(sample_ptbxl_dir()).load(fs=100)
    y = (meta["sex"] == 1).to_numpy().astype(int)
    cov, pid = meta[["age", "sex"]].to_numpy(float), meta["patient_id"].to_numpy()
    ns = dict(X_train=X[:14], y_train=y[:14], age_sex_train=cov[:14], patient_id_train=pid[:14])
    ns.update(X_test=X[14:], age_sex_test=cov[14:], __name__="__docs__")
    import sklearn

    try:
        with warnings.catch_warnings():  # inner folds of 14 records can hold one class only
            warnings.simplefilter("ignore")
            exec(compile(code, "ptbxl.md", "exec"), ns)
    finally:
        sklearn.set_config(enable_metadata_routing=False)  # the page turns it on
    p = ns["p"]
    assert p.shape == (6,) and np.all((p >= 0) & (p <= 1))


def test_command_line_page_shows_what_geoecg_info_prints(capsys):
    from geoecg.cli import main
    from geoecg.datasets import sample_mitdb_dir

    page = (DOCS / "user_guide" / "command_line.md").read_text()
    shown = re.search(r"ends with:\n\n```text\n(.*?)```", page, re.S).group(1)
    assert main(["info", str(sample_mitdb_dir())]) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert printed[-2:] == shown.strip().splitlines()


def test_results_page_quotes_its_topic_pages():
    """Every figure of the "Results at a glance" table is on the topic page the row links to.

    The page copies headline figures from the benchmark pages; when a topic page changes a
    figure, this fails until the summary row is updated (or the figure is restored).
    """
    text = (DOCS / "results.md").read_text()
    rows = [ln for ln in text.splitlines() if ln.startswith("| ") and "{doc}`" in ln]
    assert len(rows) >= 15, "the results table lost its rows"
    missing = []
    for row in rows:
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]
        page = re.search(r"\{doc\}`([^`]+)`", cells[-1]).group(1)
        topic = (DOCS / f"{page}.md").read_text()
        for number in re.findall(r"\d+\.\d+|\d{1,3}(?:,\d{3})+", cells[1]):
            if not re.search(rf"(?<![\d.]){re.escape(number)}(?!\d)", topic):
                missing.append(f"{number} ({cells[0]}) not on {page}.md")
    assert not missing, "\n".join(missing)


def _illustration_problems(page: Path) -> list[str]:
    """Names a page's ``python`` blocks import from geoecg that do not exist, and keyword
    arguments they pass to those names that are not parameters (blocks are parsed, not run)."""
    import ast
    import importlib
    import inspect

    sys.path.insert(0, str(DOCS))
    try:
        from _snippets import page_blocks
    finally:
        sys.path.remove(str(DOCS))
    problems = []
    for k, (code, _) in enumerate(page_blocks(page)):
        where = f"{page.relative_to(DOCS) if page.is_relative_to(DOCS) else page} block {k}"
        try:
            tree = ast.parse(code)
        except SyntaxError as exc:
            problems.append(f"{where}: {exc}")
            continue
        names = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "geoecg":
                try:
                    mod = importlib.import_module(node.module)
                except ImportError as exc:  # an optional extra (torch) that is not installed
                    if "geoecg" in str(exc) and "geoecg[" not in str(exc):
                        problems.append(f"{where}: {exc}")
                    continue
                for alias in node.names:
                    if not hasattr(mod, alias.name):
                        problems.append(f"{where}: {node.module} has no {alias.name}")
                    else:
                        names[alias.asname or alias.name] = getattr(mod, alias.name)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id not in names:
                continue
            try:
                params = inspect.signature(names[node.func.id]).parameters
            except (TypeError, ValueError):
                continue
            if any(p.kind is p.VAR_KEYWORD for p in params.values()):
                continue
            for kw in node.keywords:
                if kw.arg is not None and kw.arg not in params:
                    problems.append(f"{where}: {node.func.id}() has no parameter {kw.arg!r}")
    return problems


CODE_PAGES = sorted(
    p for p in DOCS.rglob("*.md") if "_build" not in p.parts and "```python" in p.read_text()
)


@pytest.mark.parametrize(
    "page", CODE_PAGES, ids=[p.relative_to(DOCS).as_posix() for p in CODE_PAGES]
)
def test_illustration_code_names_what_exists(page):
    """Code that is not run (placeholder paths: the topic pages, the benchmark pages) still
    imports only geoecg names that exist and passes them only keywords they take: a renamed
    function or parameter fails here instead of on a reader's machine."""
    problems = _illustration_problems(page)
    assert not problems, "\n".join(problems)


def test_illustration_check_catches_a_stale_name(tmp_path):
    page = tmp_path / "stale.md"
    page.write_text(
        "```python\nfrom geoecg.features import detect_rpeaks, no_such_name\n\n"
        "detect_rpeaks(x, fs=360.0, no_such_option=1)\n```\n"
    )
    problems = _illustration_problems(page)
    assert any("no_such_name" in p for p in problems), problems
    assert any("no_such_option" in p for p in problems), problems


def test_front_page_example_prints_what_its_comment_says():
    """The first code a reader sees (docs/index.md) prints what its ``print(...)  # ...``
    comment promises."""
    import contextlib
    import io

    sys.path.insert(0, str(DOCS))
    try:
        from _snippets import page_blocks
    finally:
        sys.path.remove(str(DOCS))
    code = page_blocks(DOCS / "index.md")[0][0]
    promised = re.search(r"^print\(.*\)\s+#\s*(.+)$", code, re.M).group(1).strip()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "index.md", "exec"), {"__name__": "__docs__"})
    assert out.getvalue().strip() == promised
