"""Plumbing shared by the ``geoecg bench`` runners: JSON output, staged and resumable runs.

A runner adds its common flags with :func:`add_common`, finds its database with
:func:`data_dir` and splits comma-separated flags with :func:`parse_list` (these three live in
:mod:`geoecg.commands.bench_args` and are exported here too); it writes its figures
with :func:`write_json` (NaN written as ``null``, and the environment that produced them
added as ``"versions"``: geoecg's version and code fingerprint, python and the libraries of
:func:`geoecg._versions.package_versions`, so that a figure can be traced to its library
versions). A runner with several stages holds its figures in a :class:`JsonSink`, which
rewrites ``--json`` after every finished stage and, on Ctrl-C or an error, writes what was
finished with ``"complete": false`` before re-raising. A runner whose library call loops
over outer folds or seeds passes a :class:`FoldLog` as the call's ``on_fold`` hook: each
finished unit is written at once, and ``--resume`` skips the units already in the file.
Nothing here computes a figure.

After a stop was requested (Ctrl-C or SIGTERM at the command line, recorded by
:func:`geoecg._stop.record_stop`), nothing is written or kept as finished: :func:`dump_json`
refuses every payload but one marked ``"complete": false`` (it raises the stop instead), a
stage, unit or snapshot is not stored, and a :class:`JsonSink` left normally or through
another exception writes ``"complete": false`` with the stop as its reason. A stop whose own
exception library code swallowed or turned into another (a ``SystemError`` out of a C
extension, counted as a failed fit by a cross-validation) would otherwise end as a
"complete" result computed with part of the work missing.
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

from .._atomic import write_text_atomic
from .._code_fingerprint import code_fingerprint
from .._stop import raise_if_stopped, stop_exception, stop_requested
from .._versions import ENVIRONMENT, MODEL_LIBRARIES, package_versions
from .bench_args import add_common, data_dir, env_folder, output_file, parse_list

__all__ = ["FoldLog", "JsonSink", "add_common", "data_dir", "dump_json", "env_folder", "log",
           "output_file", "parse_list", "to_jsonable", "versions_line", "write_json"]  # fmt: skip


def to_jsonable(obj):
    """``obj`` with NumPy scalars/arrays as Python numbers/lists, paths as str, and
    non-finite floats (NaN: undefined, e.g. +P with no call) as None (JSON ``null``).

    >>> import numpy as np
    >>> to_jsonable({"a": np.float64("nan"), "b": (np.int64(2), 0.5)})
    {'a': None, 'b': [2, 0.5]}
    """
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in obj]
    if hasattr(obj, "tolist") and not isinstance(obj, str):  # NumPy scalar or array
        return to_jsonable(obj.tolist())
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def write_json(path, payload: dict, *packages: str, quiet: bool = False, **extra) -> None:
    """Write ``payload`` to ``path`` as JSON (nothing when ``path`` is None).

    Parameters
    ----------
    path : path-like or None
        Value of ``--json``; its folder is created.
    payload : dict
        The figures (not modified). A ``"versions"`` entry is added when absent:
        :func:`geoecg._versions.package_versions` of ``packages`` and ``extra``.
    *packages : str
        Distribution names of the peers the run used (``"scikit-learn"``, ``"neurokit2"``).
    quiet : bool
        Do not print ``written PATH``.
    **extra
        Further version entries (thread counts, machine ...).

    Notes
    -----
    The file is replaced atomically (written next to it, then :func:`os.replace`): a run
    interrupted while writing (Ctrl-C, a killed job) leaves the previous complete file,
    never a truncated one. Runners that call this after every finished step (``--json``
    of ``geoecg bench ptbxl``) therefore never lose finished work.
    """
    if path is None:
        return
    out = dict(payload)
    out.setdefault("versions", package_versions(*packages, **extra))
    dump_json(path, out, indent=2)
    if not quiet:
        print(f"written {path}")


def dump_json(path, obj, *, indent: int = 1, default=None) -> None:
    """Write ``obj`` as JSON to ``path``, atomically (written next to it, then
    :func:`os.replace`), non-finite floats as ``null`` (:func:`to_jsonable`; never the
    invalid ``NaN`` token); ``default`` as in :func:`json.dumps`. The folder is created.
    Used by :func:`write_json` and by the ``--json`` of ``geoecg extract``, ``compare`` and
    ``info``.

    >>> import json, pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "out" / "r.json"
    >>> dump_json(f, [{"auc": float("nan")}, 1])
    >>> json.loads(f.read_text())
    [{'auc': None}, 1]

    After a stop was requested (:mod:`geoecg._stop`), only a dict with ``"complete": false``
    is written; anything else raises the stop's exception and writes nothing.
    """
    unfinished = isinstance(obj, dict) and obj.get("complete") is False
    if stop_requested() is not None and not unfinished:
        raise_if_stopped()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(to_jsonable(obj), indent=indent, allow_nan=False, default=default)
    write_text_atomic(path, text)


class JsonSink:
    """The figures of a runner with several stages, written to ``--json`` as they finish.

    Use it as a context manager: :meth:`stage` stores a finished stage and rewrites the file
    (atomically, through :func:`write_json`) with ``"complete": false``; leaving the block
    normally writes ``"complete": true``; leaving it on an exception (Ctrl-C, a killed data
    read, a bug) writes the finished stages with ``"complete": false`` and ``"reason"`` (the
    exception), then re-raises. ``"stages"`` lists the finished stages in order.

    A stage given as a function (``sink.stage("qtdb", lambda: protocol(...))``) is an
    expensive one: with ``run=args`` and ``--resume``, a stage that the unfinished file of a
    run with the same settings holds is read back from it instead of computed (the others
    run). Stages given as values are always computed. Finer units of one library call (the
    methods of :func:`geoecg.estimators.ptbxl_protocol.ptbxl_study`) are kept with
    :meth:`keep` and read back into :attr:`done` the same way.

    Parameters
    ----------
    path : path-like or None
        Value of ``--json`` (None: the figures are only held, nothing is written).
    *packages : str
        Peers whose versions go into ``"versions"`` (as in :func:`write_json`).
    quiet : bool
        Do not print ``written PATH`` at the end (stage writes are always quiet).
    run : argparse.Namespace, optional
        The runner's arguments: their settings (as in :class:`FoldLog`) are written as
        ``"run_settings"``, and ``run.resume`` (absent: False) restores the finished stages
        of the unfinished file at ``path`` (refused when it is complete, its settings
        differ or it was written by other geoecg code, see :class:`FoldLog`; a missing
        file starts from the beginning).
    **extra
        Further version entries (thread counts, machine ...).

    Attributes
    ----------
    results : dict
        The figures so far (``sink[key] = value`` stores a plain entry, written with the
        next stage or at the end).
    stages : list of str
        Names of the finished stages.
    done : dict
        Key -> finished unit kept with :meth:`keep` (with ``--resume``, read from the
        file); written under ``"finished"`` while the run is unfinished, left out at the end.

    Examples
    --------
    >>> import json, pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "r.json"
    >>> try:
    ...     with JsonSink(f, quiet=True) as out:
    ...         out["n"] = 3
    ...         _ = out.stage("first", {"se": 99.5})
    ...         raise KeyboardInterrupt
    ... except KeyboardInterrupt:
    ...     pass
    >>> d = json.loads(f.read_text())
    >>> d["complete"], d["stages"], d["first"], d["reason"]
    (False, ['first'], {'se': 99.5}, 'interrupted (KeyboardInterrupt)')
    """

    def __init__(self, path, *packages: str, quiet: bool = False, run=None, **extra) -> None:
        self.path, self.quiet, self.results, self.stages = path, quiet, {}, []
        self._versions = (packages, extra)
        self._settings = None if run is None else _run_settings(run)
        self._restored: dict = {}
        self.done: dict = {}
        if run is not None and getattr(run, "resume", False):
            self._versions = package_versions(*packages, **extra)
            old = _read_unfinished(path, self._settings, "stages", self._versions, packages)
            self._restored = {k: old[k] for k in old.get("stages", []) if k in old}
            self.done = dict(old.get("finished", {}))
            log(f"--resume: stages {list(self._restored)} and units {list(self.done)} read "
                f"from {path}; the others run now")  # fmt: skip

    def __getitem__(self, key):
        return self.results[key]

    def __setitem__(self, key, value) -> None:
        self.results[key] = value

    def __contains__(self, key) -> bool:
        return key in self.results

    def stage(self, name: str, value):
        """Store ``value`` as finished stage ``name``, rewrite the file; return ``value``.

        ``value`` may be a function of no argument that computes the stage: it is not
        called when ``--resume`` restored the stage (the stored value is returned)."""
        raise_if_stopped()
        if callable(value):
            value = self._restored[name] if name in self._restored else value()
        raise_if_stopped()  # computed while a stop was swallowed: not a finished stage
        self.results[name] = value
        self.stages.append(name)
        self.write(complete=False, reason="running: later stages not finished")
        return value

    def keep(self, key: str, unit) -> None:
        """Keep finished unit ``key`` in :attr:`done`, written with the next write (a stage,
        a :meth:`snapshot`, the end): the ``on_fold`` hook of a library call that also
        calls :meth:`snapshot` (:func:`geoecg.estimators.ptbxl_protocol.ptbxl_study`)."""
        raise_if_stopped()
        self.done[key] = unit

    def snapshot(self, results: dict) -> None:
        """Hold ``results`` (the runner's whole result so far, kept by reference) as the
        figures and rewrite the file with ``"complete": false``: the ``on_update`` hook of a
        library call that grows one result dict
        (:func:`geoecg.estimators.ptbxl_protocol.ptbxl_study`). ``"stages"`` is unchanged.

        >>> import json, pathlib, tempfile
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "r.json"
        >>> with JsonSink(f, quiet=True) as out:
        ...     out.snapshot({"methods": {"mdm": 0.7}})
        ...     json.loads(f.read_text())["complete"]
        False
        >>> d = json.loads(f.read_text())
        >>> d["complete"], d["methods"]
        (True, {'mdm': 0.7})
        """
        raise_if_stopped()
        self.results = results
        self.write(complete=False, reason="running: later methods or stages not finished")

    def write(self, *, complete: bool, reason: str | None = None, quiet: bool = True) -> None:
        """Write the figures so far with ``"complete"``, ``"stages"`` (and ``"reason"``)."""
        if self.path is None:
            return
        if isinstance(self._versions, tuple):  # package versions looked up once
            self._versions = package_versions(*self._versions[0], **self._versions[1])
        out = {**self.results, "complete": complete, "stages": list(self.stages)}
        if self._settings is not None and not complete:
            # restored stages the run has not reached again stay in the file
            pending = [k for k in self._restored if k not in self.stages]
            out.update({k: self._restored[k] for k in pending}, stages=self.stages + pending)
            out["run_settings"] = self._settings
            out["code_fingerprint"] = code_fingerprint()
            if self.done:
                out["finished"] = self.done
        out.setdefault("versions", self._versions)
        write_json(self.path, out if reason is None else {**out, "reason": reason}, quiet=quiet)

    def __enter__(self) -> JsonSink:
        return self

    def __exit__(self, kind, exc, tb) -> bool:
        signum = stop_requested()
        if signum is not None and not isinstance(exc, KeyboardInterrupt):
            # a stop swallowed (kind None) or turned into another exception on its way
            stop = stop_exception(signum)
            if kind is None:
                self.write(complete=False, reason=_stop_reason(stop))
                raise stop
            kind, exc = type(stop), stop
        if kind is None:
            self.write(complete=True, quiet=self.quiet)
            return False
        why = "interrupted (KeyboardInterrupt)" if kind is KeyboardInterrupt else None
        try:
            self.write(complete=False, reason=why or f"{kind.__name__}: {exc}")
        except Exception as e:  # never hide the original exception behind a write error
            log(f"could not write the unfinished figures to {self.path}: {e}")
        return False


def _stop_reason(stop: BaseException) -> str:
    """The ``"reason"`` :meth:`JsonSink.__exit__` writes for a stop's exception."""
    if type(stop) is KeyboardInterrupt:
        return "interrupted (KeyboardInterrupt)"
    return f"{type(stop).__name__}: {stop}"


#: Flags that do not change a figure: not compared when resuming.
_NOT_SETTINGS = frozenset({"json", "resume", "cache", "quiet", "progress"})


def _run_settings(args) -> dict:
    """The settings of a run that ``--resume`` compares: every argument with a plain value
    except ``json``, ``resume``, ``cache``, ``quiet``, ``progress`` (JSON-ready, by name).

    >>> import argparse
    >>> _run_settings(argparse.Namespace(json="r.json", folds=3, data=None))
    {'data': None, 'folds': 3}
    """
    plain = (str, int, float, bool, type(None), list, tuple, os.PathLike)
    return {
        k: to_jsonable(v)
        for k, v in sorted(vars(args).items())
        if k not in _NOT_SETTINGS and not k.startswith("_") and isinstance(v, plain)
    }


def _read_unfinished(path, settings: dict, key: str, versions=None, peers=()) -> dict:
    """The unfinished run's file at ``path`` for ``--resume`` (``{}`` when there is none).

    Raises ValueError (naming the file) when ``path`` is None, is not valid JSON, is a
    complete run, lacks ``key`` (``"finished"``, ``"stages"``) or ``"run_settings"``, was
    written by other geoecg code (its ``"code_fingerprint"``, absent in files written
    before it was recorded, is not :func:`geoecg._code_fingerprint.code_fingerprint`: both
    are named), or was written with other settings or, when ``versions`` is given, other
    versions of geoecg, python, the model libraries or the ``peers`` (the differing ones
    are named; other versions of the rest of the environment are only warned about,
    :func:`_check_versions`).
    """
    if path is None:
        raise ValueError("--resume needs --json PATH (the file of the unfinished run)")
    path = Path(path)
    if not path.exists():
        log(f"--resume: {path} does not exist; starting from the beginning")
        return {}
    try:
        old = json.loads(path.read_text())
    except ValueError as e:
        raise ValueError(f"--resume: {path} is not valid JSON ({e})") from None
    if not isinstance(old, dict) or old.get("complete") is True:
        raise ValueError(
            f"--resume: {path} is a complete run, nothing to resume (drop --resume to run again)"
        )
    if key not in old or "run_settings" not in old:
        raise ValueError(f"--resume: {path} is not the file of an unfinished run")
    was, now = old.get("code_fingerprint"), code_fingerprint()
    if was != now:
        raise ValueError(
            f"--resume: {path} was written by other geoecg code (fingerprint {was}, now "
            f"{now}{'; written before fingerprints were recorded' if was is None else ''}): "
            "its finished units would mix two code versions' figures: start afresh without "
            "--resume or use another --json"
        )
    was = old["run_settings"]
    if was != to_jsonable(settings):
        diff = sorted(set(was) | set(settings))
        text = "; ".join(
            f"{k} {was.get(k)!r} (now {settings.get(k)!r})"
            for k in diff
            if was.get(k) != settings.get(k)
        )
        raise ValueError(
            f"--resume: {path} was written with other settings: {text}; "
            "drop --resume (or use the same settings)"
        )
    was = old.get("versions")
    if versions and isinstance(was, dict):
        _check_versions(path, was, versions, peers)
    return old


def _check_versions(path, was: dict, now: dict, peers=()) -> None:
    """Refuse (ValueError) a resume across other versions of geoecg, python, the model
    libraries (:data:`geoecg._versions.MODEL_LIBRARIES`), the bench's ``peers`` or the
    extra entries (threads ...); only warn (stderr) for the rest of the recorded
    environment, which the bench did not name. Entries absent from the old file pass."""
    lenient = {"torch", *ENVIRONMENT} - {*MODEL_LIBRARIES, *peers}
    # code_fingerprint: compared first, with its own message (_read_unfinished)
    diff = {k: (was[k], v) for k, v in now.items() if k in was and was[k] != v}
    diff.pop("code_fingerprint", None)
    hard = "; ".join(f"{k} {a} (now {b})" for k, (a, b) in diff.items() if k not in lenient)
    soft = "; ".join(f"{k} {a} (now {b})" for k, (a, b) in diff.items() if k in lenient)
    if hard:
        raise ValueError(
            f"--resume: {path} was written by other package versions: {hard}; its "
            "finished units would mix two versions' figures (the model libraries change "
            "figures of the same code and data): drop --resume, or resume in the old "
            "environment"
        )
    if soft:
        log(f"--resume: warning: {path} was written by other versions of {soft}, "
            "libraries this bench does not name; resuming")  # fmt: skip


class FoldLog:
    """Finished outer folds (seeds, feature sets) of a long runner, written one by one.

    Pass it as the ``on_fold`` hook of the library call that loops over the folds
    (:func:`geoecg.estimators.beat_protocols.nested_beat_tables`,
    :func:`geoecg.estimators.af.protocols.nested_cinc_cv` ...) and :attr:`done` as its
    ``done_folds``. The file is written when the log is made (``"complete": false``, no
    unit finished: an older file of the same name never passes for this run's) and after
    every finished unit (atomically, :func:`write_json`): a Ctrl-C or a killed job leaves
    valid JSON with ``"complete": false``, ``"reason"``, the run's settings, the
    fingerprint of the geoecg code that ran (``"code_fingerprint"``,
    :func:`geoecg._code_fingerprint.code_fingerprint`: a hash of the package's ``.py``
    files, since geoecg's version string does not change per commit) and every finished
    unit under ``"finished"``. :meth:`finish` writes the runner's figures with
    ``"complete": true`` (the finished units are then left out).

    Parameters
    ----------
    args : argparse.Namespace
        The runner's arguments: ``json`` (None: nothing is written), ``resume`` (absent:
        False) and the settings, i.e. every argument with a plain value except
        ``json``, ``resume``, ``cache`` and ``quiet``.
    *packages : str
        Peers whose versions go into ``"versions"`` (as in :func:`write_json`).

    Attributes
    ----------
    done : dict
        Key -> finished unit (keys as the library passed them; with ``--resume``, read
        from the file: digit strings become ints).
    settings : dict
        The settings compared on ``--resume``.
    progress : bool or None
        The library call's ``progress`` (:attr:`hooks`): ``--progress`` / ``--no-progress``,
        False with ``--quiet``, else None (a bar when stderr is a terminal).

    Raises
    ------
    ValueError
        ``--resume`` without ``--json``; a file that is complete, is not an unfinished run
        of a runner, was written by other geoecg code (another code fingerprint, or none:
        a file written before fingerprints were recorded; both are named), or was
        written with other settings (the differing ones are named).

    Examples
    --------
    >>> import argparse, json, pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "r.json"
    >>> args = argparse.Namespace(json=f, resume=False, folds=3)
    >>> run = FoldLog(args)
    >>> run(0, {"y_pred": ["N", "V"]})
    >>> json.loads(f.read_text())["finished"]
    {'0': {'y_pred': ['N', 'V']}}
    >>> FoldLog(argparse.Namespace(json=f, resume=True, folds=3)).done
    {0: {'y_pred': ['N', 'V']}}
    >>> FoldLog(argparse.Namespace(json=f, resume=True, folds=5))
    Traceback (most recent call last):
    ...
    ValueError: --resume: ... was written with other settings: folds 3 (now 5); ...
    """

    def __init__(self, args, *packages: str) -> None:
        self.path = getattr(args, "json", None)
        self.done = {}
        self.progress = False if getattr(args, "quiet", False) else getattr(args, "progress", None)
        self.settings = _run_settings(args)
        self._peers = packages
        self._versions = package_versions(*packages) if self.path is not None else {}
        if getattr(args, "resume", False):
            self.done = self._read()
        self._write()

    def _read(self) -> dict:
        old = _read_unfinished(self.path, self.settings, "finished", self._versions, self._peers)
        if not old:
            return {}
        done = {int(k) if k.lstrip("-").isdigit() else k: v for k, v in old["finished"].items()}
        log(f"--resume: finished {list(done)} read from {self.path}; the others run now")
        return done

    def _write(self) -> None:
        reason = f"unfinished (still running, or stopped): finished {list(self.done)}"
        payload = {"complete": False, "reason": reason, "run_settings": self.settings}
        payload["code_fingerprint"] = code_fingerprint()
        payload.update(finished=self.done, versions=self._versions)
        write_json(self.path, payload, quiet=True)

    def __call__(self, key, unit) -> None:
        """The ``on_fold`` hook: store finished unit ``key`` and rewrite the file (not after
        a stop was requested: the unit may have been computed with part of it missing)."""
        raise_if_stopped()
        self.done[key] = unit
        self._write()

    @property
    def hooks(self) -> dict:
        """The keywords of the library call: ``on_fold`` (this log), ``done_folds``
        (:attr:`done`) and ``progress`` (:attr:`progress`)."""
        return {"on_fold": self, "done_folds": self.done, "progress": self.progress}

    def finish(self, payload: dict, *, quiet: bool = False) -> None:
        """Write the runner's figures with ``"complete": true`` (and these versions); after a
        stop was requested, raise it instead (the file keeps the finished units)."""
        raise_if_stopped()
        out = {**payload, "complete": True}
        out.setdefault("versions", self._versions)
        write_json(self.path, out, quiet=quiet)


def versions_line(versions: dict) -> str:
    """One line ``versions: geoecg 0.9, numpy 2.2, ...`` (absent packages left out).

    >>> versions_line({"geoecg": "1.0", "numpy": "2.0", "neurokit2": None})
    'versions: geoecg 1.0, numpy 2.0'
    """
    return "versions: " + ", ".join(f"{k} {v}" for k, v in versions.items() if v is not None)


def log(msg: str) -> None:
    """Progress line on stderr (stdout keeps the table)."""
    print(msg, file=sys.stderr, flush=True)
