"""The README: its example runs and prints what it shows, its two commands are the ones CI
uses, it stays short, and every link into the docs points at a page that exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_readme_python_example_runs_and_prints_its_expected_output(capsys):
    block = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    expected = re.search(r"Output:\n\n```text\n(.*?)```", README, re.S).group(1)
    exec(compile(block, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert out == expected
    n_beats, rmssd = out.split("\n")[0].split()
    assert 300 < int(n_beats) < 350  # 5 min of record 119 holds 326 annotated beats
    assert float(rmssd) > 0


def test_readme_commands_match_ci():
    first_block = re.search(r"```bash\n(.*?)```", README, re.S).group(1)
    assert "pip install . && geoecg demo --out geoecg-demo" in first_block
    assert 'pip install -e ".[test,neural]" "torch==2.13.0" && pytest' in first_block
    ci = (ROOT / ".ci" / "run").read_text()
    assert 'pip install -q -e ".[test,neural]" "torch==2.13.0"' in ci
    # the same pytest options (pytest-xdist workers) in the README and in CI
    options = re.search(r"&& pytest( [^\n]*)?\n", first_block).group(1) or ""
    assert re.search(rf"^python -m pytest -q -p no:cacheprovider{re.escape(options)}$", ci, re.M)


def test_readme_is_short_and_starts_with_what_geoecg_is():
    assert len(README.encode()) < 8192
    first_paragraph = README.split("\n\n")[1]
    assert first_paragraph.startswith("**geoecg** is a Python library")
    assert README.index("**geoecg** is") < README.index("```bash")


def test_readme_names_the_docs_build_command():
    assert "python -m sphinx -W --keep-going -b html docs docs/_build/html" in README


def test_readme_links_point_at_existing_files():
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", README)
    local = [link for link in links if "://" not in link]
    assert any(link.startswith("docs/benchmarks/") for link in local)
    for link in local:
        assert (ROOT / link).is_file(), f"README links to {link}, which does not exist"
        if link.startswith("docs/"):
            assert link.endswith((".md", ".rst")), link


def test_readme_docs_links_are_pages_of_the_site():
    """Every docs page the README links to is reached from the docs' toctrees (glob or named)."""
    index = (ROOT / "docs" / "index.md").read_text() + (ROOT / "docs" / "benchmarks.md").read_text()
    for link in re.findall(r"\]\((docs/[^)#\s]+)", README):
        page = Path(link).relative_to("docs").with_suffix("")
        folder = page.parent.as_posix()
        assert page.as_posix() in index or page.name == "index" or f"{folder}/*" in index, (
            f"{link} is not in a toctree"
        )


def test_citation_license_and_changelog():
    yaml = __import__("pytest").importorskip("yaml")
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    # the keys CFF 1.2.0 requires, and the version and license of the package
    assert cff["cff-version"] == "1.2.0"
    assert cff["message"] and cff["title"] and cff["authors"]
    pyproject = (ROOT / "pyproject.toml").read_text()
    # CITATION.cff cites the last release; pyproject holds it or a development version of a
    # later one (0.2.0.dev0 after 0.1.0)
    from packaging.version import Version

    version = Version(re.search(r'^version = "([^"]+)"', pyproject, re.M).group(1))
    release = Version(cff["version"])
    assert version == release or (version.is_devrelease and version > release), version
    assert f'license = "{cff["license"]}"' in pyproject
    assert (ROOT / "LICENSE").read_text().startswith("BSD 3-Clause License")
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert changelog.startswith("# Changelog")
    assert changelog.index("## Unreleased") < changelog.index(f"## {cff['version']}")
