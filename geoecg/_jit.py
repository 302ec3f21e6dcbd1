"""numba helpers: a once-per-process compile notice, a compile timer, intrinsics with Python twins.

Say once per process that numba is compiling geoecg's kernels (and that it is cached).

The first call of a kernel with new argument types compiles it (seconds to tens of seconds
for the HRV and R-peak paths on a fresh install); numba stores the machine code on disk
(``cache=True``), so later processes load it in milliseconds. Without a word the first run
looks hung, so :func:`announce_compilation` registers a numba event listener that prints one
line to stderr the first time a geoecg kernel is compiled (not when it is loaded from the
cache). Set ``GEOECG_COMPILE_NOTICE=0`` to silence it.

:func:`compiled_as` gives a numba intrinsic (LLVM code: a fused multiply-add, a software
prefetch) a plain-Python twin that kernels call by one name, so a kernel runs compiled, as
plain Python under ``NUMBA_DISABLE_JIT=1``, and interpreted by
:func:`geoecg._numba_cache.interpreted` (what ``FirstCall`` serves while numba compiles).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time

__all__ = [
    "announce_compilation",
    "compile_timer",
    "compiled_as",
    "COMPILE_NOTICE",
    "CompileTime",
]

#: The line printed (once per process) when the first geoecg kernel compiles.
COMPILE_NOTICE = (
    "geoecg: compiling numba kernels on first use (once per kernel and input type; "
    "the machine code is cached on disk, so later runs start fast)"
)

_state = {"announced": False, "registered": False}


def _notice(event) -> None:
    if _state["announced"] or os.environ.get("GEOECG_COMPILE_NOTICE", "1") == "0":
        return
    disp = (event.data or {}).get("dispatcher")
    module = getattr(getattr(disp, "py_func", None), "__module__", "") or ""
    if module.split(".")[0] != "geoecg":
        return
    _state["announced"] = True
    print(COMPILE_NOTICE, file=sys.stderr, flush=True)


def announce_compilation() -> None:
    """Register the one-line compile notice with numba's event system (idempotent)."""
    if _state["registered"]:
        return
    from numba.core import event

    class _Listener(event.Listener):
        def on_start(self, ev):
            _notice(ev)

        def on_end(self, ev):
            pass

    event.register("numba:compile", _Listener())
    _state["registered"] = True


class CompileTime:
    """Seconds spent compiling numba functions inside a :func:`compile_timer` block."""

    def __init__(self):
        self.seconds = 0.0
        self.n_compiled = 0
        self._depth = 0
        self._t0 = 0.0
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self._depth == 0:  # nested compilations (callees) are inside the outer one
                self._t0 = time.perf_counter()
            self._depth += 1
            self.n_compiled += 1

    def end(self) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0:
                self.seconds += time.perf_counter() - self._t0


@contextlib.contextmanager
def compile_timer():
    """Measure the wall time spent compiling numba functions (cache loads do not count).

    Yields
    ------
    CompileTime
        ``seconds`` (wall time of the outermost compilations) and ``n_compiled``.

    Examples
    --------
    >>> with compile_timer() as ct:
    ...     pass
    >>> ct.seconds, ct.n_compiled
    (0.0, 0)
    """
    from numba.core import event

    acc = CompileTime()

    class _Listener(event.Listener):
        def on_start(self, ev):
            acc.start()

        def on_end(self, ev):
            acc.end()

    with event.install_listener("numba:compile", _Listener()):
        yield acc


def compiled_as(intrinsic_func, accepts=None):
    """Decorator: a plain-Python function that compiled kernels replace by a numba intrinsic.

    An ``@intrinsic`` emits LLVM code and cannot run in Python, so a kernel that calls it
    fails under ``NUMBA_DISABLE_JIT=1`` and when :func:`geoecg._numba_cache.interpreted`
    runs it as Python. Kernels instead call the decorated function: Python calls run its
    body (the twin, which must give the intrinsic's value, or do nothing where the
    intrinsic has no effect on results, as a prefetch); compiled code calls
    ``intrinsic_func`` through a numba ``overload`` inlined at the call site (the machine
    code of a direct intrinsic call).

    Parameters
    ----------
    intrinsic_func : numba intrinsic
        Called with the same positional arguments in compiled code.
    accepts : callable, optional
        ``accepts(*numba_types) -> bool``: the argument types compiled calls may take the
        intrinsic for; other types find no implementation (a numba typing error). Default:
        whatever the intrinsic's own typing accepts.

    Returns
    -------
    callable
        The decorator; it returns the function itself (positional parameters only, no
        defaults), with the overload registered.

    Examples
    --------
    >>> from numba import njit, types
    >>> from numba.extending import intrinsic
    >>> @intrinsic
    ... def _add_intrinsic(typingctx, x, y):
    ...     def codegen(context, builder, signature, args):
    ...         return builder.fadd(*args)
    ...
    ...     return types.float64(types.float64, types.float64), codegen
    >>> @compiled_as(_add_intrinsic)
    ... def _add(x, y):
    ...     return x + y
    >>> njit(lambda x, y: _add(x, y))(0.5, 2.0), _add(0.5, 2.0)
    (2.5, 2.5)
    """

    def register(func):
        import inspect

        from numba.extending import overload

        params = inspect.signature(func).parameters.values()
        if any(p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params):
            raise TypeError(f"compiled_as: {func.__name__} must take positional parameters only")
        if any(p.default is not p.empty for p in params):
            raise TypeError(f"compiled_as: {func.__name__} must have no default values")
        names = ", ".join(p.name for p in params)
        # numba's overload needs the function's own signature (no *args) in the typing
        # function and in the implementation it returns, so both are written out for it
        src = (
            f"def typing({names}):\n"
            f"    if _accepts_ is not None and not _accepts_({names}):\n"
            f"        return None\n"
            f"    def impl({names}):\n"
            f"        return _intrinsic_({names})\n"
            f"    return impl\n"
        )
        scope = {"_accepts_": accepts, "_intrinsic_": intrinsic_func}
        exec(compile(src, f"<compiled_as {func.__qualname__}>", "exec"), scope)
        overload(func, inline="always")(scope["typing"])
        return func

    return register
