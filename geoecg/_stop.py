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

A stop can also come out of library code as ANOTHER exception: when the handler runs inside
Python code called from a C extension that then returns a value (numba's dispatcher loading a
kernel from its cache), Python raises ``SystemError(... returned a result with an exception
set)``, an ``Exception``, which scikit-learn's cross-validation records as a failed fit
(session 28: a ``geoecg bench reconstruct`` stopped by SIGTERM chose another inner-CV setting
and wrote ``"complete": true``). So the handlers of the command line record the stop here
(:func:`record_stop`) before raising, and the writers of finished results
(:mod:`geoecg.commands.bench_io`) and :func:`geoecg.cli.main` consult :func:`stop_requested`:
a run during which a stop was requested never writes a complete result and always ends as a
stop (:func:`raise_if_stopped`), whatever exception type the stop took on the way.
"""

from __future__ import annotations

import _thread
import contextlib
import signal
import sys
import threading
import time

__all__ = [
    "Terminated",
    "clear_stop",
    "raise_if_stopped",
    "record_stop",
    "redeliver_dropped_stops",
    "stop_exception",
    "stop_in",
    "stop_requested",
]

#: the signal number of the stop requested in this process (None: none), see record_stop
_requested: list[int] = []


class Terminated(KeyboardInterrupt):
    """SIGTERM while a command runs: raised in the main thread, so the command stops the
    way Ctrl-C stops it (a bench ``--json`` keeps its finished stages, with this as the
    reason; worker pools are shut down). Also :class:`geoecg.cli.Terminated`."""

    signum = signal.SIGTERM  # a dropped one is delivered again as this (geoecg._stop)


def record_stop(signum: int) -> None:
    """Record that signal ``signum`` asked this process to stop (the first one is kept).

    Called by the command line's SIGINT / SIGTERM handlers before they raise: the record
    survives the exception being caught, dropped or turned into another one on its way.
    """
    if not _requested:
        _requested.append(int(signum))


def stop_requested() -> int | None:
    """The signal number of the stop recorded in this process, or None."""
    return _requested[0] if _requested else None


def clear_stop() -> None:
    """Forget the recorded stop (:func:`geoecg.cli.main` does at the start of a command)."""
    _requested.clear()


def stop_exception(signum: int) -> KeyboardInterrupt:
    """The exception a stop by ``signum`` raises: :class:`Terminated` for SIGTERM,
    ``KeyboardInterrupt`` otherwise (Ctrl-C)."""
    if signum == signal.SIGTERM:
        return Terminated(f"stopped by {signal.Signals(signum).name}")
    return KeyboardInterrupt()


def raise_if_stopped() -> None:
    """Raise the recorded stop's exception (:func:`stop_exception`), if one was recorded.

    For code that must not go on after a stop whose own exception may have been swallowed:
    before a finished unit or stage is stored, before a result is written as complete.
    """
    if _requested:
        raise stop_exception(_requested[0])


def stop_in(exc: BaseException) -> bool:
    """Whether ``exc`` may be a stop on its way: a stop was recorded in this process
    (:func:`record_stop`), or a ``KeyboardInterrupt`` is among its causes and contexts.

    The second holds where nothing records a stop: a worker process (joblib's loky, Dask),
    which gets Ctrl-C's SIGINT with its process group but has none of the command line's
    handlers. Python turns a ``KeyboardInterrupt`` raised in Python code called from a C
    extension that then returned a value (numba's dispatcher) into ``SystemError(...
    returned a result with an exception set)`` with the ``KeyboardInterrupt`` as its cause.
    Code that stores an exception as a result (a record's error) re-raises it instead when
    this is true.

    Examples
    --------
    >>> try:
    ...     try:
    ...         raise KeyboardInterrupt
    ...     except KeyboardInterrupt as e:
    ...         raise SystemError("returned a result with an exception set") from e
    ... except SystemError as exc:
    ...     caught = exc
    >>> stop_in(caught), stop_in(ValueError("bad record"))
    (True, False)
    """
    if _requested:
        return True
    todo, seen = [exc], set()
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        if isinstance(e, KeyboardInterrupt):
            return True
        seen.add(id(e))
        todo += [e.__cause__, e.__context__]
    return False


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
