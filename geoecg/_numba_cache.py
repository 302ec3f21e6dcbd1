"""numba's on-disk cache, made to notice a change in a kernel's callees.

numba (0.68) stamps the cache of a function with the SHA-256 of its own source file only. A
kernel that calls kernels of other files keeps its cached machine code (callees inlined)
when one of those files changes; worse, when it is recompiled, it links the callees'
cached code, so a caller two levels up stays stale even after its own file changed. After
an upgrade that leaves ``__pycache__`` behind, or during development, it silently returns
the old numbers (``tests/test_numba_cache.py`` shows it with three small files).

:func:`install` registers cache locators that stamp a function defined in a file under
one of the given package folders with the hash of that file AND of every file it imports,
transitively (relative and absolute imports of modules in those folders, read with
``ast``; package ``__init__`` files are not followed). A changed callee then changes the
stamp of every caller, so numba recompiles them. A cache load of such a function skips
numba's full target-context refresh (which only compiling needs; ~0.25 s CPU of a fresh
process): only the runtime is initialised (:func:`_load_overload_factory`).

When neither the package folder (``__pycache__`` next to a kernel: a read-only
site-packages) nor numba's user-wide cache folder (``~/.cache/numba``: a service account whose
home is read-only or missing) is writable, numba raises ``RuntimeError: cannot cache function
...: no locator available`` when the kernel module is imported, so ``import geoecg.features``
would fail. :func:`install` adds a last locator for geoecg's own files: a folder of this user
under the system temporary folder (:func:`private_cache_dir`), created with mode 0700 and used
only while it is a real folder owned by this user that nobody else can write (numba's cache
files are pickles: a folder that another user could write into would let that user run code).
``NUMBA_CACHE_DIR`` still comes first, as numba documents.

:class:`FirstCall` serves the first-ever call of a kernel without waiting for numba: when
the kernel has no machine code in this process and none in the on-disk cache (probed in
the cache index, for the call's argument types), it compiles in the background and the
call runs the kernel's own Python source meanwhile (:func:`interpreted`: the same code that
``NUMBA_DISABLE_JIT=1`` runs, with every kernel it calls also interpreted). The compiling is
done by a child Python process, which writes numba's on-disk cache, watched by a thread of
this process: numba enters and leaves :class:`warnings.catch_warnings` many times while it
compiles, and the warning filters are one list per process (Python <= 3.13), so a compiling
thread put back its saved list over the filters that the user's code set meanwhile
(``tests/test_first_call_warnings.py``).

A ``fork()`` while numba compiled in a thread copied numba's compiler lock held by a thread
that does not exist in the child, whose first compilation then hung forever
(``multiprocessing``'s default start method on Linux forks); with the compiling in a child
process, a child forked meanwhile would find no machine code and compile the kernel once
more on its own. :func:`wait_for_compiles` is
registered with :func:`os.register_at_fork` (``before=``) when a compilation starts: a fork
waits until the running background compilations have finished (at most one per kernel, once
per process). ``before`` hooks run in reverse order of registration, so it is registered
after importing the standard modules whose own hooks take a lock (:mod:`logging`,
:mod:`concurrent.futures.thread`): ours runs first, while the compiling thread can still
take those locks (registered at import, a compilation that imports :mod:`logging` would
wait for the lock its hook holds, and the fork would never return).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import os
import stat
import sys
import tempfile
import threading
import types

__all__ = [
    "FirstCall",
    "dependency_files",
    "install",
    "interpreted",
    "private_cache_dir",
    "source_stamp",
    "wait_for_compiles",
]

_ROOTS: list[str] = []
_COMPILING: set[threading.Thread] = set()  # background compilations not yet joined
_COMPILING_LOCK = threading.Lock()


def wait_for_compiles() -> None:
    """Block until every background compilation of :class:`FirstCall` has finished.

    Registered as ``os.register_at_fork(before=...)``: a child forked while a kernel
    compiles would compile it once more on its own (and, when numba compiled in a thread of
    this process, inherited numba's compiler lock held by a thread it does not have and hung
    at its first compilation). Called from a compiling thread itself, it does not wait for
    that thread.
    """
    with _COMPILING_LOCK:
        threads = [t for t in _COMPILING if t is not threading.current_thread()]
    for t in threads:
        t.join()
    with _COMPILING_LOCK:
        _COMPILING.difference_update(t for t in threads if not t.is_alive())


def _wait_at_fork() -> None:
    """Register :func:`wait_for_compiles` as a ``before`` fork hook that runs before the
    lock-taking hooks of :mod:`logging` and :mod:`concurrent.futures.thread`."""
    if hasattr(os, "register_at_fork"):  # POSIX
        import concurrent.futures.thread  # noqa: F401  (their hooks first: ours runs before)
        import logging  # noqa: F401

        os.register_at_fork(before=wait_for_compiles)


def _module_file(root: str, dotted: str) -> str | None:
    """The ``.py`` file of module ``dotted`` (relative to the folder that holds ``root``,
    or absolute from the folder above it), or None when that is no plain module file under
    ``root``."""
    parts = dotted.split(".")
    for base in (os.path.dirname(root), os.path.dirname(os.path.dirname(root))):
        path = os.path.join(base, *parts) + ".py"
        if os.path.isfile(path) and path.startswith(root + os.sep):
            return path
    return None


def _import_lines(text: str) -> str:
    """The module-level ``import``/``from`` statements of ``text`` (parenthesised ones with
    their continuation lines): parsing these alone is ~100x cheaper than the whole file."""
    out, open_paren = [], False
    for line in text.splitlines():
        if open_paren or line.startswith(("from ", "import ")):
            out.append(line)
            open_paren = (open_paren or "(" in line) and ")" not in line
    return "\n".join(out)


@functools.cache
def _imports_of(path: str, root: str, stamp: tuple) -> tuple[str, ...]:
    """Files under ``root`` that the module at ``path`` imports at module level (one
    level); ``stamp`` (mtime, size) is the memo key."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(_import_lines(f.read()), filename=path)
    rel = os.path.relpath(path, os.path.dirname(root))
    pkg = rel[: -len(".py")].replace(os.sep, ".").split(".")[:-1]  # this module's package
    found = []
    for node in tree.body:
        names: list[str] = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                if node.level - 1 > len(pkg):
                    continue
                head = pkg[: len(pkg) - (node.level - 1)]
                mod = ".".join(head + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            names = [mod] + [f"{mod}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            file = _module_file(root, name)
            if file is not None and file != path:
                found.append(file)
    return tuple(found)


def _imports(path: str, root: str) -> tuple[str, ...]:
    st = os.stat(path)
    return _imports_of(path, root, (st.st_mtime_ns, st.st_size))


@functools.cache
def _closure(path: str, root: str, stamp: tuple) -> tuple[str, ...]:
    seen = {path}
    todo = [path]
    while todo:
        for f in _imports(todo.pop(), root):
            if f not in seen:
                seen.add(f)
                todo.append(f)
    return tuple(sorted(seen))


def _root_of(path: str) -> str | None:
    path = os.path.abspath(path)
    for root in _ROOTS:
        if path.startswith(root + os.sep):
            return root
    return None


def dependency_files(path) -> tuple[str, ...]:
    """``path`` and the files under its registered root that it imports, transitively."""
    path = os.path.abspath(path)
    root = _root_of(path)
    if root is None:
        return (path,)
    st = os.stat(path)  # memo key: the import list is re-read when this file changes
    return _closure(path, root, (st.st_mtime_ns, st.st_size))


@functools.cache
def _hash_files(files_state: tuple) -> str:
    h = hashlib.sha256()
    for path, _, _ in files_state:
        h.update(os.path.relpath(path, os.path.dirname(path)).encode())
        with open(path, "rb") as f:
            h.update(hashlib.sha256(f.read()).digest())
    return h.hexdigest()


def source_stamp(path) -> str:
    """SHA-256 over the contents of :func:`dependency_files` of ``path``."""
    files = dependency_files(path)
    state = []
    for f in files:
        st = os.stat(f)
        state.append((f, st.st_mtime_ns, st.st_size))
    return _hash_files(tuple(state))


class _DependencyStamp:
    """Locator mixin: the stamp of a file under a registered root covers its imports."""

    @classmethod
    def from_function(cls, py_func, py_file):
        if _root_of(py_file) is None:
            return None
        return super().from_function(py_func, py_file)

    def get_source_stamp(self):
        return source_stamp(self._py_file)


def private_cache_dir() -> str:
    """The last-resort numba cache folder of geoecg's kernels: ``geoecg-numba-cache-<uid>``
    in :func:`tempfile.gettempdir` (``$TMPDIR``, else ``/tmp``), one per user.

    Used only when numba's own folders are not writable (see the module docstring).

    Returns
    -------
    str
        The folder's path (it may not exist yet).
    """
    who = os.getuid() if hasattr(os, "getuid") else "user"  # Windows: %TEMP% is per user
    return os.path.join(tempfile.gettempdir(), f"geoecg-numba-cache-{who}")


def _ensure_private_dir(path: str) -> None:
    """Create ``path`` (mode 0700) or check that it is this user's own folder that nobody
    else can write; raise :class:`OSError` otherwise (numba then tries its next locator)."""
    os.makedirs(path, mode=0o700, exist_ok=True)
    st = os.lstat(path)
    if not stat.S_ISDIR(st.st_mode):
        raise OSError(f"{path} is not a folder (a link or a file): not used as a numba cache")
    if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
        raise OSError(
            f"{path} belongs to another user or is writable by others: not used as a numba cache"
        )


def _private_locator(caching):
    """numba locator class for geoecg's files that caches in :func:`private_cache_dir`, or
    None for a numba without the base classes it needs."""
    mixin = getattr(caching, "_SourceFileBackedLocatorMixin", None)
    base = getattr(caching, "_CacheLocator", None)
    if mixin is None or base is None:  # pragma: no cover - another numba layout
        return None

    class PrivateTempCacheLocator(_DependencyStamp, mixin, base):
        """geoecg's kernels, cached in this user's folder under the temporary folder."""

        def __init__(self, py_func, py_file):
            self._py_file = py_file
            self._lineno = py_func.__code__.co_firstlineno
            sub = self.get_suitable_cache_subpath(py_file)
            self._cache_path = os.path.join(private_cache_dir(), sub)

        def get_cache_path(self):
            return self._cache_path

        def ensure_cache_path(self):
            _ensure_private_dir(private_cache_dir())
            super().ensure_cache_path()

    return PrivateTempCacheLocator


def _load_overload_factory(numba_load_overload):
    """numba's ``Cache.load_overload`` for geoecg's kernels without the full context refresh.

    numba refreshes the target context before every cache load: on the first one of a
    process that imports and installs all of numba's lowering and typing registries (random
    generators, polynomials, typed containers, ...; ~0.25 s CPU), which only *compiling*
    needs (numba's compiler refreshes the context itself). Loading machine code needs the
    runtime (NRT) and the modules named in the cached environments (numba imports those
    while unpickling). For a function stamped by :func:`install` this loads with only the
    runtime initialised; any other function goes through numba's own method. The loaded
    machine code is the same, so are the results (``tests/test_numba_cache.py``).
    """

    def load_overload(self, sig, target_context):
        locator = getattr(getattr(self, "_impl", None), "locator", None)
        if not isinstance(locator, _DependencyStamp):
            return numba_load_overload(self, sig, target_context)
        try:
            from numba.core.runtime import rtsys

            rtsys.initialize(target_context)  # what the refresh did first: the NRT
            with self._guard_against_spurious_io_errors():
                return self._load_overload(sig, target_context)
        except Exception:  # a numba whose loading needs more: its own path, as before
            return numba_load_overload(self, sig, target_context)

    load_overload.__doc__ = numba_load_overload.__doc__
    return load_overload


def install(*package_dirs) -> None:
    """Stamp the numba cache of functions defined under ``package_dirs`` (folders) with
    their import closure, and give them a last cache folder, :func:`private_cache_dir`, for
    when numba's own are not writable (idempotent; a numba without these internals is left
    as it is)."""
    try:
        from numba.core import caching
    except ImportError:  # pragma: no cover - numba missing: nothing is cached anyway
        return
    impl = getattr(caching, "CacheImpl", None) or getattr(caching, "_CacheImpl", None)
    if impl is not None and not getattr(impl, "_geoecg_installed", False):
        base = getattr(caching, "_SourceFileBackedLocatorMixin", None)
        wrapped = [
            type(f"Dependency{c.__name__}", (_DependencyStamp, c), {})
            for c in impl._locator_classes
            if base is not None and issubclass(c, base)
        ]
        private = _private_locator(caching)
        last = [private] if private is not None and wrapped else []
        # numba's own folders first (wrapped: stamped with the import closure), then this
        # user's folder under the temporary folder, then numba's unwrapped classes
        impl._locator_classes = wrapped + last + list(impl._locator_classes)
        impl._geoecg_installed = True
    cache = getattr(caching, "Cache", None)
    if (
        cache is not None
        and hasattr(cache, "_load_overload")
        and hasattr(cache, "_guard_against_spurious_io_errors")
        and not getattr(cache, "_geoecg_lazy_refresh", False)
    ):
        cache.load_overload = _load_overload_factory(cache.load_overload)
        cache._geoecg_lazy_refresh = True
    for d in package_dirs:
        d = os.path.abspath(os.fspath(d))
        if d not in _ROOTS:
            _ROOTS.append(d)


def _is_dispatcher(obj) -> bool:
    return hasattr(obj, "py_func") and hasattr(obj, "signatures")


def interpreted(kernel, _modules=None, _done=None):
    """The plain-Python version of numba kernel ``kernel``: its ``py_func`` with every
    kernel it names (module globals, transitively) replaced by their plain-Python versions,
    so nothing is compiled. A function that is not a numba dispatcher is returned as is."""
    if not _is_dispatcher(kernel):
        return kernel
    _modules = {} if _modules is None else _modules
    _done = {} if _done is None else _done
    if kernel in _done:
        return _done[kernel]
    f = kernel.py_func
    g = _modules.get(id(f.__globals__))
    if g is None:
        g = _modules[id(f.__globals__)] = dict(f.__globals__)  # filled below, cycles safe
        for name, value in f.__globals__.items():
            if _is_dispatcher(value):
                g[name] = interpreted(value, _modules, _done)
    clone = types.FunctionType(f.__code__, g, f.__name__, f.__defaults__, f.__closure__)
    clone.__kwdefaults__ = f.__kwdefaults__
    _done[kernel] = clone
    return clone


def _cache_has(kernel, sig) -> bool:
    """Whether numba's on-disk cache of ``kernel`` holds fresh machine code for ``sig``."""
    cache = getattr(kernel, "_cache", None)
    if cache is None or not hasattr(cache, "_index_key"):
        return False  # caching disabled (NullCache): every process compiles
    try:
        key = cache._index_key(sig, kernel.targetctx.codegen())
        return key in cache._cache_file._load_index()
    except Exception:  # pragma: no cover - another numba: let numba load or compile
        return True


class FirstCall:
    """Call a numba kernel without waiting for its first compilation.

    ``state(*args)`` says how a call with these arguments would run: ``"compiled"`` when
    the kernel has machine code for their types in this process or in the on-disk cache
    (numba loads it in milliseconds), otherwise ``"interpreted"`` (also while a background
    compilation runs). Once machine code has been found, later calls answer ``"compiled"``
    without probing (the probe costs ~0.15 ms; callers pass one argument type).
    :meth:`compile_in_background` starts compiling in a child process, watched by a
    background thread (a non-daemon thread, so the machine code is written to the cache
    before the process exits; no thread of this process compiles, so the user's warning
    filters stay as they are) and prints ``notice`` once on stderr. When the child fails
    (no writable cache, no ``sys.executable``), the first call after it compiles in this
    process, as numba always does.
    :meth:`python` is the interpreted kernel (results agree with the compiled one to
    rounding; ``tests/test_hrv_first_call.py``).

    Parameters
    ----------
    kernel : numba dispatcher
        The kernel (``@njit(cache=True)``); a plain function (``NUMBA_DISABLE_JIT=1``)
        is always "compiled".
    notice : str
        The stderr line of the first interpreted call (``GEOECG_COMPILE_NOTICE=0``
        silences it).
    """

    def __init__(self, kernel, notice: str):
        self.kernel = kernel
        self.notice = notice
        self.thread: threading.Thread | None = None
        self.process = None  # the compiling child process (subprocess.Popen), once started
        self._python = None
        self._lock = threading.Lock()
        self._warm = False  # machine code found once: later calls skip the probe

    @property
    def python(self):
        if self._python is None:
            self._python = interpreted(self.kernel)
        return self._python

    def state(self, *args) -> str:
        k = self.kernel
        if self._warm or not _is_dispatcher(k):
            return "compiled"  # a later new argument type compiles as numba always does
        sig = tuple(k.typeof_pyval(a) for a in args)
        with self._lock:
            if sig in k.overloads:
                warm = True
            elif self.thread is not None:
                warm = not self.thread.is_alive()
            else:
                warm = _cache_has(k, sig)
            self._warm = warm
        return "compiled" if warm else "interpreted"

    def compile_in_background(self, *args) -> None:
        """Start compiling ``kernel`` for the types of ``args`` in a child process
        (:meth:`_compile_in_process`, from a background thread; once; call it after the
        interpreted rows, so they do not share the CPU with the child's start) and print the
        notice."""
        k = self.kernel
        with self._lock:
            if self.thread is not None or not _is_dispatcher(k):
                return
            if os.environ.get("GEOECG_COMPILE_NOTICE", "1") != "0":
                print(self.notice, file=sys.stderr, flush=True)
                from . import _jit

                _jit._state["announced"] = True  # numba's compile event: no second line
            sig = tuple(k.typeof_pyval(a) for a in args)
            self.thread = threading.Thread(
                target=self._compile_in_process,
                args=(sig,),
                name=f"geoecg-compile-{k.__name__}",
            )
            with _COMPILING_LOCK:  # a fork() from now on waits for it (wait_for_compiles)
                _COMPILING.add(self.thread)
            _wait_at_fork()
            self.thread.start()

    def wait(self) -> None:
        """Block until a background compilation (if any) has finished."""
        if self.thread is not None:
            self.thread.join()

    def _compile_in_process(self, sig) -> None:
        """Compile ``kernel`` for ``sig`` in a child Python process that writes numba's
        on-disk cache (this process then loads it, in milliseconds, on its next call).

        Not in this process: numba enters and leaves :class:`warnings.catch_warnings`
        many times while compiling, and the filter list is one per process (Python <=
        3.13), so a compiling thread would put back its saved list over the filters the
        user's code set meanwhile. The child gets this process's ``sys.path`` and
        environment; its output is discarded. When it fails (no writable cache, no
        ``sys.executable``), the next call compiles in this process, as numba does.
        """
        import pickle
        import subprocess

        f = self.kernel.py_func
        payload = pickle.dumps((list(sys.path), f.__module__, f.__qualname__)) + pickle.dumps(sig)
        env = {**os.environ, "GEOECG_COMPILE_NOTICE": "0"}
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _CHILD],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
            )
            self.process.communicate(payload)
        except (OSError, ValueError):  # no interpreter to start: the next call compiles
            pass


#: What the child process of :meth:`FirstCall._compile_in_process` runs: read the parent's
#: ``sys.path`` and the kernel's module and name, then the signature (its numba types may
#: need those paths), and compile (numba writes the cache).
_CHILD = """
import importlib, pickle, sys
path, module, name = pickle.load(sys.stdin.buffer)
sys.path[:] = path
kernel = importlib.import_module(module)
for part in name.split("."):
    kernel = getattr(kernel, part)
kernel.compile(pickle.load(sys.stdin.buffer))
"""
