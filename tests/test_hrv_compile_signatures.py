"""The HRV kernels compile one signature per kernel (issue 24, cold start).

numba types an integer constant passed to a jitted kernel as ``Literal[int]`` and compiles
a specialisation for it beside the ``int64`` one that other callers use: in session 20,
11 HRV kernels compiled two or three times for that reason (8 s of the ~48 s CPU of the
first-ever ``hrv_rows`` compile; docs/benchmarks/cold_start.md). This checks the source:
no jitted kernel of the HRV tree is called with an integer constant at an argument
position where another call passes something else (write ``np.int64(2)`` there).
"""

from __future__ import annotations

import ast
from pathlib import Path

KERNELS = Path(__file__).resolve().parents[1] / "geoecg" / "_kernels"
HRV_FILES = (
    "entropy.py",
    "hrv_entropy_bits.py",
    "hrv_nonlinear.py",
    "hrv_time.py",
    "hrv_batch.py",
    "hrv_freq.py",
    "hrv_lomb.py",
    "hrv_sort.py",
    "fft.py",
)


def _compiled_kernels(tree: ast.Module) -> set[str]:
    """Names of the functions decorated with ``njit``/``jit`` that numba compiles on their
    own (``inline="always"`` ones are inlined into their callers)."""
    names = set()
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for dec in node.decorator_list:
            call = dec if isinstance(dec, ast.Call) else None
            func = call.func if call else dec
            if getattr(func, "id", getattr(func, "attr", None)) not in ("njit", "jit"):
                continue
            inline = [k for k in (call.keywords if call else []) if k.arg == "inline"]
            if not (inline and getattr(inline[0].value, "value", None) == "always"):
                names.add(node.name)
    return names


def _is_int_constant(node: ast.expr) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
    )


def _argument_kinds() -> dict[tuple[str, int], dict[bool, list[str]]]:
    trees = {name: ast.parse((KERNELS / name).read_text()) for name in HRV_FILES}
    kernels = set().union(*(_compiled_kernels(t) for t in trees.values()))
    kinds: dict[tuple[str, int], dict[bool, list[str]]] = {}
    for name, tree in trees.items():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id not in kernels:
                continue
            for pos, arg in enumerate(node.args):
                where = f"{name}:{node.lineno}"
                slot = kinds.setdefault((node.func.id, pos), {True: [], False: []})
                slot[_is_int_constant(arg)].append(where)
    return kinds


def test_the_scan_sees_the_kernels():
    kinds = _argument_kinds()
    called = {k for k, _ in kinds}
    # the kernels of the session-20 profile that were compiled two or three times
    for name in ("counts_in_sorted_space", "templates_in_order", "dfa_alpha_from_sums"):
        assert name in called


def test_no_kernel_gets_both_a_literal_and_an_int64_at_one_position():
    mixed = {
        f"{fn} argument {pos}: constant at {v[True]}, other at {v[False]}"
        for (fn, pos), v in _argument_kinds().items()
        if v[True] and v[False]
    }
    assert not mixed, "write np.int64(...) for these constants:\n" + "\n".join(sorted(mixed))
