"""The README's example runs as written, and its two commands are the ones CI uses."""

from __future__ import annotations

import re
from pathlib import Path

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_readme_python_example_runs(capsys):
    block = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    exec(compile(block, "README.md", "exec"), {})
    out = capsys.readouterr().out.split("\n")
    n_beats, rmssd = out[0].split()
    assert 300 < int(n_beats) < 350  # 5 min of record 119 holds 326 annotated beats
    assert float(rmssd) > 0
    assert out[1] == "(20, 2)"


def test_readme_commands_match_ci():
    first_block = re.search(r"```bash\n(.*?)```", README, re.S).group(1)
    assert "geoecg demo" in first_block
    assert 'pip install -e ".[test,neural]" "torch==2.13.0"' in first_block
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert 'pip install -q -e ".[test,neural]" "torch==2.13.0"' in ci
