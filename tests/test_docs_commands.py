"""Every ``geoecg ...`` command line in the docs parses with the real command-line parser.

The command lines in ``README.md``, ``docs/**/*.md`` and ``docs/examples/*.py`` (fenced code
blocks and inline code) are parsed with :func:`geoecg.cli.build_parser`, never run: a flag
or subcommand that does not exist, or a value argparse rejects (a choice, a count), fails
the test naming the file and line. Placeholders (``DIR``, ``S``, ``$C``, ``PATH``, ``...``)
stand for a value and get a dummy one the option accepts. A complete command in a code
block must also name every required argument; an inline fragment (``geoecg bench af``)
need not. A line of a historical section that documents a flag since removed carries the
marker ``(flag removed in session N)`` (also ``flags``, ``option``, ``value``, ``subcommand``,
``renamed``) and is skipped. The command lines in the ``--help`` texts (the subcommands'
descriptions and epilogs) are checked the same way.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from geoecg.cli import COMMAND_MODULES, build_parser

ROOT = Path(__file__).resolve().parents[1]

#: a line carrying it documents a command line that no longer parses, on purpose
HISTORY = re.compile(
    r"\((?:flag|option|value|subcommand|command)s? (?:removed|renamed) in session \d+"
)
PLACEHOLDER = re.compile(r"^(?:[A-Z][A-Z0-9_]*|.*\$.*|<[^>]*>|\.\.\.|…)$")
FENCE = re.compile(r"^\s*(```+|~~~+)")
SEPARATORS = {"&&", "||", ";", "|", "&"}
WRAPPERS = {"nice", "time", "timeout", "nohup", "env", "exec"}
COMMAND_WORD = re.compile(r"^(?:-.*|[a-z][a-z0-9-]*)$")
KNOWN = {*COMMAND_MODULES, "bench"}
#: aligned columns (3+ spaces inside a line): a table or program output in a code block
COLUMNS = re.compile(r"\S {3,}\S")


@dataclass(frozen=True)
class Command:
    """A ``geoecg`` command line found in a file: where, the words, complete or a fragment."""

    path: str
    line: int
    words: tuple[str, ...]
    complete: bool

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {shlex.join(self.words)}"


def _commands_in(text: str, path: str, line: int, complete: bool) -> list[Command]:
    """The ``geoecg`` invocations of one shell text (a line, a joined continuation)."""
    if HISTORY.search(text):
        return []
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        words = list(lexer)
    except ValueError:  # an unclosed quote: prose, not a command
        return []
    segments: list[list[str]] = [[]]
    for w in words:
        if w in SEPARATORS:
            segments.append([])
        else:
            segments[-1].append(w)
    found = []
    for seg in segments:
        while seg and (re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", seg[0]) or seg[0] in WRAPPERS):
            head = seg.pop(0)
            if head in {"nice", "timeout"}:  # their own options and numbers
                while seg and (seg[0].startswith("-") or seg[0][:1].isdigit()):
                    seg.pop(0)
        if len(seg) < 2 or seg[0] != "geoecg" or not COMMAND_WORD.match(seg[1]):
            continue
        if not seg[1].startswith("-") and not any(w.startswith("-") for w in seg[2:]):
            if seg[1] not in KNOWN:  # "geoecg throughput (lead 0 ...": output, not a command
                continue
            if any(w.endswith(":") for w in seg[1:3]):  # "geoecg bench hrv: 1000 ...": output
                continue
        found.append(Command(path, line, tuple(seg[1:]), complete))
    return found


def _fenced(lines: list[str], path: str) -> tuple[list[Command], list[str]]:
    """Commands of the fenced code blocks, and the lines with the blocks blanked out."""
    found, prose, fence = [], [], None
    pending, pending_line = "", 0
    for i, raw in enumerate(lines, 1):
        m = FENCE.match(raw)
        if fence is None:
            if m:
                fence = m.group(1)
            prose.append("" if m else raw)
            continue
        prose.append("")
        if m and m.group(1).startswith(fence) and not raw.strip()[len(m.group(1)) :].strip():
            fence = None
            continue
        text = re.sub(r"^\s*[$>]\s+", "", raw)
        if COLUMNS.search(re.sub(r"\s+#.*$|\s*\\$", "", text).strip()):
            text = ""  # a table or program output
        if not pending:
            pending_line = i
        if text.rstrip().endswith("\\"):
            pending += text.rstrip()[:-1] + " "
            continue
        found += _commands_in(pending + text, path, pending_line, complete=True)
        pending = ""
    return found, prose


def _inline(prose: list[str], path: str, ticks: str) -> list[Command]:
    """Commands in inline code (``ticks``: "`" in Markdown, "``" in reST), across line breaks."""
    text = "\n".join(prose)
    tick = re.escape(ticks[0])
    pattern = re.compile(
        rf"(?<!{tick})({tick}{{{len(ticks)},}})(?!{tick})(.+?)(?<!{tick})\1(?!{tick})", re.S
    )
    found = []
    for m in pattern.finditer(text):
        body = m.group(2)
        if "\n\n" in body or "geoecg" not in body:
            continue
        line = text.count("\n", 0, m.start()) + 1
        span_lines = text[m.start() : m.end()].split("\n")
        if any(HISTORY.search(prose[line - 1 + k]) for k in range(len(span_lines))):
            continue
        found += _commands_in(" ".join(body.split()), path, line, complete=False)
    return found


def doc_commands(root: Path = ROOT) -> list[Command]:
    """Every ``geoecg`` command line of README.md, docs/**/*.md and docs/examples/*.py."""
    found: list[Command] = []
    files = [root / "README.md", *sorted((root / "docs").rglob("*.md"))]
    for f in files:
        if "_build" in f.parts or "auto_examples" in f.parts:
            continue
        rel = f.relative_to(root).as_posix()
        blocks, prose = _fenced(f.read_text(encoding="utf-8").splitlines(), rel)
        found += blocks + _inline(prose, rel, "`")
    for f in sorted((root / "docs" / "examples").glob("*.py")):
        lines = [re.sub(r"^\s*# ?", "", s) for s in f.read_text(encoding="utf-8").splitlines()]
        found += _inline(lines, f.relative_to(root).as_posix(), "``")
    return found


def _lenient(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Make every argument of ``parser`` and its subparsers optional (for fragments)."""
    for action in parser._actions:
        action.required = False
        if isinstance(action, argparse._SubParsersAction):
            for sub in set(action.choices.values()):
                _lenient(sub)
        elif not action.option_strings and action.nargs in (None, argparse.ONE_OR_MORE):
            action.nargs = argparse.OPTIONAL if action.nargs is None else argparse.ZERO_OR_MORE
    return parser


def _dummy(action: argparse.Action) -> str:
    """A value ``action`` accepts, standing in for a placeholder."""
    if action.choices:
        return str(next(iter(action.choices)))
    for candidate in ("1", "0.5", "x", "a,b"):
        try:
            if action.type is None or action.type(candidate) is not None:
                return candidate
        except (TypeError, ValueError, argparse.ArgumentTypeError):
            continue
    return "x"


def _has_sub(parser: argparse.ArgumentParser) -> bool:
    return any(isinstance(a, argparse._SubParsersAction) for a in parser._actions)


def _wants_value(action: argparse.Action) -> bool:
    return action.nargs not in (0, argparse.OPTIONAL, argparse.ZERO_OR_MORE)


def _dangling(nxt: str | None) -> bool:
    return nxt is None or (nxt.startswith("-") and not re.fullmatch(r"-\d+(?:\.\d*)?", nxt))


def _subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices.get(name)
    return None


def check(cmd: Command, strict: argparse.ArgumentParser, lenient: argparse.ArgumentParser):
    """argparse's complaint about ``cmd`` (one line), or None when it parses."""
    words = list(cmd.words)
    parser = strict if cmd.complete and "..." not in words else lenient
    # resolve the subcommand path; a placeholder there is a generic statement, not checkable
    sub, depth = parser, 0
    while depth < len(words) and not words[depth].startswith("-") and _has_sub(sub):
        if PLACEHOLDER.match(words[depth]):
            return None
        nxt = _subparser(sub, words[depth])
        if nxt is None:
            break
        sub, depth = nxt, depth + 1
    options = {s: a for a in sub._actions for s in a.option_strings}
    out = words[:depth]
    rest = [w.strip("[]") if w.startswith("[") else w for w in words[depth:]]
    for i, word in enumerate(rest):
        prev, nxt = rest[i - 1] if i else "", rest[i + 1] if i + 1 < len(rest) else None
        key, eq, value = word.partition("=")
        if eq and key in options and PLACEHOLDER.match(value):
            word = f"{key}={_dummy(options[key])}"
        elif PLACEHOLDER.match(word):
            act = options.get(prev.strip("[]"))
            if act is not None and act.nargs != 0:
                word = _dummy(act)
            elif word in ("...", "…"):
                continue
        out.append(word)
        act = options.get(word)
        if parser is lenient and act is not None and _wants_value(act) and _dangling(nxt):
            out.append(_dummy(act))  # a fragment naming a flag: `--json`, `--records`
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            parser.parse_args(out)
    except SystemExit as exc:
        if exc.code:
            return (err.getvalue().strip().splitlines() or ["error"])[-1]
    return None


@pytest.fixture(scope="module")
def parsers():
    return build_parser(), _lenient(build_parser())


def test_doc_command_lines_parse(parsers):
    commands = doc_commands()
    assert len(commands) > 150, f"only {len(commands)} geoecg command lines found in the docs"
    bad = [f"{c}\n    -> {e}" for c in commands if (e := check(c, *parsers))]
    assert not bad, f"{len(bad)} documented command lines do not parse:\n" + "\n".join(bad)


def _help_commands(parser: argparse.ArgumentParser, name: str = "geoecg") -> list[Command]:
    """The command lines in the ``--help`` texts (descriptions, epilogs) of every subcommand."""
    found = []
    text = f"{parser.description or ''}\n{parser.epilog or ''}".splitlines()
    for i, line in enumerate(text, 1):
        found += _commands_in(line, f"{name} --help", i, complete=True)
    found += _inline(text, f"{name} --help", "`")  # geoecg.cli._plain: ``x`` -> `x`
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub, subparser in action.choices.items():
                found += _help_commands(subparser, f"{name} {sub}")
    return found


def test_help_text_command_lines_parse(parsers):
    commands = _help_commands(parsers[0])
    assert len(commands) >= 5, [str(c) for c in commands]
    bad = [f"{c}\n    -> {e}" for c in commands if (e := check(c, *parsers))]
    assert not bad, f"{len(bad)} command lines in --help texts do not parse:\n" + "\n".join(bad)


def test_checker_catches_what_it_should(parsers, tmp_path):
    (tmp_path / "docs" / "examples").mkdir(parents=True)
    (tmp_path / "README.md").write_text(
        "Run `geoecg bench qrs --data DIR --no-such-flag` first.\n"
        "```bash\n"
        "$ geoecg bench beats --data DIR --protocol no-such-protocol \\\n"
        "    --seed S\n"
        "geoecg bench nosuch --data DIR\n"
        "geoecg compare --folds 3   # --task is required in a full command\n"
        "geoecg bench qrs --data DIR --gone  # (flag removed in session 3)\n"
        "nice -n 10 geoecg bench af --data DIR/cinc2017 --seed S --json a.json\n"
        "geoecg throughput (lead 0): 64.4 M samples/s\n"
        "geoecg bench af --beat-level     killed mid-run     no --json until the end\n"
        "```\n"
        "A fragment `geoecg bench qrs --peers` and `geoecg bench ... --resume` parse,\n"
        "so does a flag named alone, `geoecg bench extract --json`.\n"
    )
    (tmp_path / "docs" / "examples" / "plot_x.py").write_text(
        "# ``geoecg extract FOLDER --features rpeaks --out\n# DIR --limit -3``\n"
    )
    commands = doc_commands(tmp_path)
    results = [((c.path, c.line), check(c, *parsers)) for c in commands]
    errors = dict(results)
    assert len(commands) == 9, [str(c) for c in commands]  # program output is no command
    assert "unrecognized arguments: --no-such-flag" in errors[("README.md", 1)]
    assert "invalid choice: 'no-such-protocol'" in errors[("README.md", 3)]
    assert "invalid choice: 'nosuch'" in errors[("README.md", 5)]
    assert "required: --task" in errors[("README.md", 6)]
    assert errors[("README.md", 8)] is None
    assert errors[("README.md", 12)] is None
    assert errors[("README.md", 13)] is None
    assert "must be >= 0" in errors[("docs/examples/plot_x.py", 1)]
    assert sum(e is None for _, e in results) == 4


def test_documented_sweep_configs_are_packaged():
    """``geoecg sweep NAME`` on a page runs a packaged configuration on the simulator (no data
    to download), so each NAME that is not a placeholder or a TOML file must be one that
    ``geoecg sweep --list`` names: argparse takes any word there, and a renamed config would
    parse here and fail on a reader's machine."""
    from geoecg.sweep import list_configs

    named = {
        c.words[1]: c
        for c in doc_commands()
        if c.words[0] == "sweep" and len(c.words) > 1 and not c.words[1].startswith("-")
    }
    named = {k: c for k, c in named.items() if not PLACEHOLDER.match(k)}
    assert {"prevalence_shift", "anticausal_covariate_shift"} <= set(named), sorted(named)
    packaged = set(list_configs())
    bad = [str(c) for k, c in named.items() if not k.endswith(".toml") and k not in packaged]
    assert not bad, f"not packaged (geoecg sweep --list: {sorted(packaged)}):\n" + "\n".join(bad)
