"""The topic pages open with their current state, and say what was selected on their own data.

The benchmark pages grow by add-never-delete: each session appends its registry entry and its
outcome further down, and the page's first screen (the "At a glance" paragraph, the first
table) stays as the session that wrote it left it. Session 28's read of the site as a new
reader found that the most common defect: a first screen that disagrees with the newest
outcome on the same page (the beat default `NE` three sessions after `MF` became the default;
R-peak accuracy of issue 17 after issue 19 had changed the counts; delineation's speed and
rules of session 22; the AF registry table without its newest item).

So each topic page with a registry opens with a dated box, written as a MyST admonition right
under the title::

    :::{admonition} Current state (session N, DATE)
    ...
    :::

and the box must name the newest session that the page names anywhere: a session that adds an
outcome to the page adds a line to the box too (add, never delete: a dated line such as
"(Session 29: ...)" is enough). Every topic page also says on its first screen (the text
before its first ``##`` section) whether its figures had any selection on their own test data,
or that nothing was selected. Pages, not the history pages, are read as text: no build.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "docs" / "benchmarks"
TOPIC_PAGES = sorted(p for p in BENCH.glob("*.md") if not p.stem.endswith("_history"))

#: a page with at least this many mentions of its registry ("registry", "registered") keeps
#: one: it must open with a current-state box
REGISTRY_MENTIONS = 10
BOX_START = re.compile(r"^:::\{admonition\} Current state \(session (\d+)\b[^)]*\)\s*$", re.M)
SESSION = re.compile(r"\b[Ss]essions? (\d+)(?:\s*(?:-|–|to|and)\s*(\d+))?\b")
#: words by which a first screen says what was selected (or that nothing was)
SELECTION = re.compile(r"\bselect(?:ion|ed)\b|\bchosen\b|\bchoice\b", re.I)


def current_state_box(text: str) -> str | None:
    """The text of the page's current-state box, if the page opens with one: the first
    non-blank line after the ``#`` title starts it, and the next line ``:::`` closes it."""
    lines = text.splitlines()
    rest = lines[1:]
    while rest and not rest[0].strip():
        rest.pop(0)
    if not rest or not BOX_START.match(rest[0]):
        return None
    try:
        end = rest.index(":::", 1)
    except ValueError:
        return None
    return "\n".join(rest[: end + 1])


def newest_session(text: str) -> int:
    """The largest session number the text names (``session 27``, ``sessions 25-28``); 0
    where it names none."""
    found = [0]
    for m in SESSION.finditer(text):
        found += [int(g) for g in m.groups() if g]
    return max(found)


def first_screen(text: str) -> str:
    """The page up to its first ``##`` section (title, current-state box, summary)."""
    head, _, _ = text.partition("\n## ")
    return head


def box_problems(text: str) -> list[str]:
    """Why a page's current-state box is missing or older than the page ([] when fine)."""
    box = current_state_box(text)
    mentions = len(re.findall(r"regist(?:ry|ered)", text, re.I))
    if box is None:
        if mentions >= REGISTRY_MENTIONS:
            return [f"no current-state box under the title ({mentions} registry mentions)"]
        return []
    page, named = newest_session(text), newest_session(box)
    if named < page:
        return [
            f"the page names session {page}, its current-state box only session {named}: "
            "add a dated line to the box with that session's outcome"
        ]
    return []


@pytest.mark.parametrize("page", TOPIC_PAGES, ids=[p.stem for p in TOPIC_PAGES])
def test_topic_page_opens_with_a_current_state_box_as_new_as_the_page(page):
    problems = box_problems(page.read_text())
    assert not problems, f"{page.name}: " + "; ".join(problems)


def test_pages_with_a_registry_have_a_box():
    """The pages that keep a registry are the ones the rule reaches (not none, not all)."""
    boxed = [p.stem for p in TOPIC_PAGES if current_state_box(p.read_text())]
    for stem in ("af", "beats", "delineation", "leads", "rpeaks"):
        assert stem in boxed, stem
    assert len(boxed) < len(TOPIC_PAGES)


@pytest.mark.parametrize("page", TOPIC_PAGES, ids=[p.stem for p in TOPIC_PAGES])
def test_topic_page_first_screen_says_what_was_selected_on_its_data(page):
    screen = first_screen(page.read_text())
    assert SELECTION.search(screen), (
        f"{page.name}: the text before the first '##' section does not say which figures had "
        "selection on their own test data (or that nothing was selected)"
    )


def test_the_checks_catch_a_stale_box_a_missing_box_and_a_silent_first_screen():
    """Each check fails on the defect it is for (mutants of a small page)."""
    box = (
        ":::{admonition} Current state (session 28, 7 December 2026)\n:class: important\n\nX.\n:::"
    )
    registry = "registered outcome. " * REGISTRY_MENTIONS
    fine = f"# Page\n\n{box}\n\nNothing was selected on data.\n\n## Log\n\n{registry}session 28\n"
    assert box_problems(fine) == []
    stale = fine + "\nSession 29: a registered item, adopted.\n"
    assert "session 29" in box_problems(stale)[0]
    missing = fine.replace(box, "")
    assert "no current-state box" in box_problems(missing)[0]
    assert box_problems("# Page\n\nA page without a registry.\n") == []
    assert SELECTION.search(first_screen(fine))
    assert not SELECTION.search(first_screen("# Page\n\nFigures.\n\n## Selection\n"))
    assert newest_session("sessions 17-24, session 9") == 24
    assert current_state_box("# Page\n\n" + box.replace("\n:::", "")) is None
