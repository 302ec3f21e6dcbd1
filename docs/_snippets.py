"""Run the ``python`` code blocks of a MyST page and compare with the ``text`` block after.

Used by ``tests/test_docs.py`` so that the user guide's code stays correct: the blocks of a
page run in order in one namespace; a ``text`` block right after a ``python`` block is the
output that block must print (exactly, after stripping trailing spaces).
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

_BLOCK = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)


def page_blocks(path: Path) -> list[tuple[str, str | None]]:
    """``(code, expected_output_or_None)`` for each python block of a page."""
    text = Path(path).read_text()
    blocks = [(m.group(1), m.group(2), m.start(), m.end()) for m in _BLOCK.finditer(text)]
    out = []
    for i, (lang, body, _, end) in enumerate(blocks):
        if lang != "python":
            continue
        expected = None
        if i + 1 < len(blocks) and blocks[i + 1][0] == "text":
            between = text[end : blocks[i + 1][2]]
            if not between.strip():
                expected = blocks[i + 1][1]
        out.append((body, expected))
    return out


def _norm(s: str) -> str:
    return "\n".join(line.rstrip() for line in s.strip().splitlines())


def run_page(path: Path, only=None) -> list[str]:
    """Run a page's blocks; return a list of mismatch messages (empty when all agree).

    ``only``: a predicate on a block's code; the blocks it rejects are not run (the real-data
    blocks of a page run apart from the others, see ``tests/test_docs.py``).
    """
    namespace: dict = {"__name__": "__docs__"}
    problems = []
    for k, (code, expected) in enumerate(page_blocks(path)):
        if only is not None and not only(code):
            continue
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            exec(compile(code, f"{path}:block{k}", "exec"), namespace)
        if expected is not None and _norm(buf.getvalue()) != _norm(expected):
            name = Path(path).name
            problems.append(
                f"{name} block {k}: printed\n{buf.getvalue()}\nthe page shows\n{expected}"
            )
    return problems


if __name__ == "__main__":
    import sys

    import matplotlib

    matplotlib.use("Agg")
    bad = [p for f in sys.argv[1:] for p in run_page(Path(f))]
    print("\n".join(bad) or "all blocks agree")
    sys.exit(1 if bad else 0)
