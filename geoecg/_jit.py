"""Say once per process that numba is compiling geoecg's kernels (and that it is cached).

The first call of a kernel with new argument types compiles it (seconds to tens of seconds
for the HRV and R-peak paths on a fresh install); numba stores the machine code on disk
(``cache=True``), so later processes load it in milliseconds. Without a word the first run
looks hung, so :func:`announce_compilation` registers a numba event listener that prints one
line to stderr the first time a geoecg kernel is compiled (not when it is loaded from the
cache). Set ``GEOECG_COMPILE_NOTICE=0`` to silence it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time

__all__ = ["announce_compilation", "compile_timer", "COMPILE_NOTICE", "CompileTime"]

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
