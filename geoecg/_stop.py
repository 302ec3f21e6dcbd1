"""A Ctrl-C or SIGTERM that Python had to drop, delivered again (the ``geoecg`` command line).

Python runs a signal's handler at the next bytecode of the main thread. When that bytecode
belongs to a callback from C code or to a finaliser, the ``KeyboardInterrupt`` the handler
raises cannot reach the command: Python prints ``Exception ignored ...`` and the command goes
on as if no key had been pressed. numba's JIT compiler is such a place: LLVM spends most of a
compilation in C and calls back into Python (llvmlite's object-cache notify callback, a ctypes
callback; weakref callbacks of numba's caches), so a Ctrl-C that arrives while a kernel
compiles is often run inside that callback (session 24: a Ctrl-C 28 s into ``geoecg bench
reconstruct``, while the R-peak kernels compiled, was lost and the run finished its stage
73 s later; a test script that compiles small kernels in a loop lost 14 of its SIGINTs
in 40 s).

:func:`redeliver_dropped_stops` puts a :data:`sys.unraisablehook` in front of the current
one for a block of code: an unraisable ``KeyboardInterrupt`` (or subclass, such as
:class:`geoecg.cli.Terminated`) is not printed but delivered to the main thread again
(the signal it came from, ``signum`` attribute of the exception, else SIGINT, sent to the main
thread with :func:`signal.pthread_kill`, so that a sleep or a wait is woken as by the first
one; :func:`_thread.interrupt_main` where there is none) from a short-lived thread a moment
later, when the main thread has left the callback. Anything else goes to the previous hook.
"""

from __future__ import annotations

import _thread
import contextlib
import signal
import sys
import threading
import time

__all__ = ["redeliver_dropped_stops"]


def _numba_compiling() -> bool:
    """Whether a thread holds numba's compiler lock (False when numba was never imported)."""
    mod = sys.modules.get("numba.core.compiler_lock")
    lock = getattr(getattr(mod, "global_compiler_lock", None), "_lock", None)
    if lock is None or not lock.acquire(False):
        return lock is not None
    lock.release()
    return False


@contextlib.contextmanager
def redeliver_dropped_stops(delay_s: float = 0.05):
    """Within the block, a dropped ``KeyboardInterrupt`` is raised again in the main thread.

    Parameters
    ----------
    delay_s : float, default 0.05
        Seconds between the drop and the new delivery (the main thread leaves the C
        callback meanwhile; where it runs one again, the stop is dropped and delivered
        once more).

    Notes
    -----
    Main thread only (elsewhere the block runs unchanged). The previous hook is put back at
    the end; a delivery still pending then is cancelled.

    Examples
    --------
    >>> with redeliver_dropped_stops():
    ...     pass
    """
    if not (delay_s >= 0):
        raise ValueError(f"delay_s must be a number of seconds >= 0, got {delay_s!r}")
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = sys.unraisablehook
    lock = threading.Lock()
    state = {"active": True}

    def deliver(signum: int) -> None:
        time.sleep(delay_s)
        with lock:
            if not (state["active"] and callable(signal.getsignal(signum))):
                return  # the block has ended, or nothing of Python's would handle it now
            if hasattr(signal, "pthread_kill") and not _numba_compiling():
                signal.pthread_kill(threading.main_thread().ident, signum)  # wakes a sleep
            else:  # no signal into LLVM's C code: the handler runs at the next bytecode
                _thread.interrupt_main(signum)

    def hook(unraisable) -> None:
        kind = unraisable.exc_type
        if state["active"] and isinstance(kind, type) and issubclass(kind, KeyboardInterrupt):
            signum = getattr(unraisable.exc_value, "signum", signal.SIGINT)
            threading.Thread(target=deliver, args=(signum,), daemon=True).start()
            return
        previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        with lock:
            state["active"] = False
        if sys.unraisablehook is hook:
            sys.unraisablehook = previous
