"""Cohort feature extraction: a database to a partitioned Parquet table, resumable.

:func:`extract_features` splits the source's record list into fixed chunks; each chunk is
read, computed and written as one Parquet part (``part-KKKKKK-HASH.parquet``) through a
temporary file and :func:`os.replace`, so a killed run keeps every finished part whole and
never writes a row twice. ``_manifest.json`` names the parts of the run; a second call with
the same settings computes only the missing parts (nothing when all are there).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .. import __version__
from .._atomic import write_text_atomic
from .._stop import raise_if_stopped
from .._validation import check_fs
from ..io.fast import read_signal
from ._chunk import ID_COLUMNS, RunConfig, run_chunk, write_atomic
from .feature_sets import resolve_feature_sets
from .sources import _open_at

__all__ = ["ExtractResult", "extract_features", "read_features", "DEFAULT_FEATURES"]

#: Feature sets of a plain ``geoecg extract`` (the issue-23 throughput target).
DEFAULT_FEATURES = ("rpeaks", "hrv", "sqi", "covariance")
MANIFEST = "_manifest.json"
SOURCE_METADATA = "_source_metadata.parquet"
_FORMAT = "geoecg-cohort-1"


@dataclass(frozen=True)
class ExtractResult:
    """Summary of one :func:`extract_features` call.

    Attributes
    ----------
    out : Path
        The output folder.
    n_records, n_parts : int
        Records and parts of the run (all of them, done before or now).
    n_parts_computed : int
        Parts computed by this call (0 when the run was already complete).
    n_records_computed, n_errors_computed : int
        Records computed by this call, and how many of them are error rows.
    cpu_s : float
        CPU seconds spent in the chunks computed by this call (all workers).
    wall_s : float
        Wall-clock seconds of this call.
    max_rss_mb : float
        Largest peak resident memory of a process that computed a chunk (MB); NaN when
        nothing was computed.
    """

    out: Path
    n_records: int
    n_parts: int
    n_parts_computed: int
    n_records_computed: int
    n_errors_computed: int
    cpu_s: float
    wall_s: float
    max_rss_mb: float

    @property
    def records_per_cpu_s(self) -> float:
        """Records computed per CPU second (per core)."""
        return self.n_records_computed / self.cpu_s if self.cpu_s > 0 else float("nan")


class _UnknownRecords(ValueError, KeyError):
    """Records named in ``records=`` that the source lacks: a ValueError (bad argument) that
    is also the KeyError this used to be, so older ``except KeyError`` code keeps working."""

    def __str__(self) -> str:
        return str(self.args[0])


def _select(refs, records, limit):
    if records is not None:
        if isinstance(records, str):
            records = [records]
        wanted = [str(r) for r in records]
        have = {r.record_id: r for r in refs}
        unknown = [r for r in wanted if r not in have]
        if unknown:
            more = " ..." if len(unknown) > 5 else ""
            raise _UnknownRecords(
                f"records not in the source: {unknown[:5]}{more} (records= takes record_id "
                f"values of the source, e.g. {sorted(have)[:2]})"
            )
        keep = set(wanted)
        refs = [r for r in refs if r.record_id in keep]
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError(f"limit must be a positive int, got {limit!r}")
        refs = refs[:limit]
    if not refs:
        raise ValueError("no record selected")
    return refs


def _is_lead_ii(name: str) -> bool:
    from ..leads import parse_lead

    try:
        return parse_lead(name) == "II"
    except ValueError:  # ECG1, noise1, ...: not a standard lead name
        return False


def _layout(src, refs, lead):
    if src.leads is not None:
        leads = tuple(src.leads)
        match = getattr(src, "match_leads", "name")
    else:
        sig = err = None
        tried = refs[:50]
        for ref in tried:  # the first readable record defines the layout
            try:
                sig = read_signal(ref.path)
                break
            except (OSError, ValueError) as e:
                err = e
                continue
        if sig is None:
            what = (
                "the one selected record is not readable"
                if len(tried) == 1
                else f"none of the first {len(tried)} records is readable"
            )
            raise ValueError(f"{what}; cannot set the layout (last error: {err})")
        leads = tuple(sig.lead_names)
        match = getattr(src, "match_leads", "name")
    if len(set(leads)) != len(leads):
        leads = tuple(f"{n}_{i}" for i, n in enumerate(leads))
        match = "position"
    if isinstance(lead, int) and not isinstance(lead, bool):
        if not 0 <= lead < len(leads):
            raise ValueError(f"lead index {lead} out of range for leads {list(leads)}")
        primary = lead
    elif lead is None:  # lead II in any spelling (II, ii, MLII, D2), else the first lead
        primary = next((i for i, n in enumerate(leads) if _is_lead_ii(n)), 0)
    else:
        low = [n.lower() for n in leads]
        if str(lead).lower() not in low:
            raise ValueError(f"lead {lead!r} not among the records' leads {list(leads)}")
        primary = low.index(str(lead).lower())
    return leads, match, primary


def _fingerprint(cfg_dict) -> str:
    return hashlib.sha256(json.dumps(cfg_dict, sort_keys=True).encode()).hexdigest()[:16]


def _write_json(path: Path, obj) -> None:
    write_text_atomic(path, json.dumps(obj, indent=1, sort_keys=True))


def _plan(refs, chunk_size, fp):
    parts = []
    for k, start in enumerate(range(0, len(refs), chunk_size)):
        chunk = refs[start : start + chunk_size]
        h = hashlib.sha1((fp + "\n" + "\n".join(r.record_id for r in chunk)).encode())
        parts.append((f"part-{k:06d}-{h.hexdigest()[:12]}.parquet", chunk))
    return parts


def extract_features(
    source,
    features=DEFAULT_FEATURES,
    *,
    out,
    backend: str = "joblib",
    n_jobs: int = 1,
    chunk_size: int = 256,
    limit: int | None = None,
    records=None,
    scheduler: str | None = None,
    lead: str | int | None = None,
    fs: float | None = None,
    flat: str = "error",
    progress: bool | None = None,
    dashboard: bool = False,
) -> ExtractResult:
    """Compute named feature sets for every record of a source into partitioned Parquet.

    Parameters
    ----------
    source : path-like, "KIND:FOLDER" or RecordSource
        See :func:`geoecg.cohort.open_source` (PTB-XL, CinC 2017, MIT-BIH, MIMIC-IV-ECG,
        any WFDB tree).
    features : str or sequence of str / FeatureSet, default ``DEFAULT_FEATURES``
        Names of :data:`geoecg.cohort.FEATURE_SETS` (a list or ``"rpeaks,hrv"``) or
        configured instances (``TangentSet(reference=M)``).
    out : path-like
        Output folder (created). ``pandas.read_parquet(out)`` reads the parts;
        :func:`read_features` adds the source metadata.
    backend : {"joblib", "dask"}, default "joblib"
        ``"joblib"``: loky worker processes (``n_jobs`` of them; 1 runs in this process).
        ``"dask"``: ``dask.distributed``, a :class:`~distributed.LocalCluster` of
        ``n_jobs`` single-threaded worker processes on the loopback interface, or the
        cluster at ``scheduler``. Workers write the parts, so ``out`` must be a folder they
        can all reach (a shared file system on a multi-machine cluster).
    n_jobs : int, default 1
        Worker processes (joblib, local Dask).
    chunk_size : int, default 256
        Records per part: a worker holds one chunk of signals at a time (about
        ``chunk_size`` x 0.5 MB for 12-lead 10-s records at 500 Hz).
    limit : int, optional
        Only the first ``limit`` records (after ``records``).
    records : sequence of str, optional
        Only these record ids (the ``record_id`` column values).
    scheduler : str, optional
        Address of a running Dask scheduler (``backend="dask"``).
    lead : str or int, optional
        Lead of the single-lead feature sets (SQI, noise, AF, morphology); default lead II
        where there is one (any spelling :func:`geoecg.leads.parse_lead` reads as II:
        ``II``, ``ii``, ``MLII``, ``D2``; before session 18 only ``II`` in any case), else
        the first lead.
    fs : float, optional
        Required sampling rate (Hz): other records become error rows. Default: the
        source's (PTB-XL 100 or 500, MIMIC-IV-ECG 500, CinC 300, MIT-BIH 360; any rate for
        a plain WFDB tree).
    flat : {"error", "keep"}, default "error"
        A record with a flat (peak-to-peak <= 1 uV) or empty lead becomes an error row, or
        is computed anyway.
    progress : bool or None, default None
        A tqdm bar of the records on stderr. ``None``: only when stderr is a terminal (not
        in a log file or a batch job; in a notebook pass ``True``), and ``TQDM_DISABLE=1``
        hides it there too; ``True`` / ``False`` force it on / off.
    dashboard : bool, default False
        Start the Dask dashboard of a local cluster (needs bokeh) and print its address.

    Returns
    -------
    ExtractResult

    Raises
    ------
    ValueError
        Unknown feature set or backend, bad ``chunk_size``/``limit``, ``records`` naming a
        record the source lacks (also a ``KeyError``, as before), or ``out`` holding a run
        with other settings (use another folder, or delete it).
    ImportError
        ``backend="dask"`` without dask installed.

    Notes
    -----
    One row per record: ``record_id``, ``patient_id``, ``fs`` (Hz), ``n_leads``,
    ``n_samples``, ``error`` (null, or why the record or a feature set failed: unreadable
    file, flat lead, wrong sampling rate, lead mismatch) and the feature columns (NaN where
    undefined or failed). Units are in each Parquet field's metadata (key ``unit``) and in
    the manifest. A part depends only on its records and the settings, so joblib, Dask and
    a single process write the same values, bit for bit.

    Examples
    --------
    >>> import tempfile
    >>> from geoecg.datasets import sample_ptbxl_dir
    >>> with tempfile.TemporaryDirectory() as d:
    ...     res = extract_features(sample_ptbxl_dir(), ["rpeaks"], out=d, progress=False)
    ...     df = read_features(d)
    >>> res.n_records == len(df), "heart_rate_bpm" in df
    (True, True)
    """
    if backend not in ("joblib", "dask"):
        raise ValueError(f"backend must be 'joblib' or 'dask', got {backend!r}")
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive int, got {chunk_size!r}")
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1:
        raise ValueError(f"n_jobs must be a positive int, got {n_jobs!r}")
    if flat not in ("error", "keep"):
        raise ValueError(f"flat must be 'error' or 'keep', got {flat!r}")
    if fs is not None:
        check_fs(fs)  # else every record would become an error row
    if backend == "dask":
        _import_dask()
    t0 = time.perf_counter()
    sets = resolve_feature_sets(features)
    src = _open_at(source, fs)  # PTB-XL: the release stored at fs
    refs = _select(src.refs(), records, limit)
    leads, match, primary = _layout(src, refs, lead)
    want_fs = float(fs) if fs is not None else src.fs
    columns = []
    for s in sets:
        columns += s.columns(leads)
    names = [c for c, _ in ID_COLUMNS] + [c for c, _ in columns]
    if len(set(names)) != len(names):
        raise ValueError("feature sets give repeated column names")
    settings = {
        "format": _FORMAT,
        "features": [[s.name, s.params()] for s in sets],
        "leads": list(leads),
        "match_leads": match,
        "primary": primary,
        "fs": want_fs,
        "flat": flat,
        "chunk_size": chunk_size,
    }
    fp = _fingerprint(settings)
    cfg = RunConfig(
        feature_sets=tuple(sets),
        leads=leads,
        match_leads=match,
        primary=primary,
        fs=want_fs,
        flat=flat,
        columns=tuple(columns),
        metadata={"geoecg_cohort": json.dumps({"fingerprint": fp, **settings})},
    )
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    man_path = out / MANIFEST
    if man_path.is_file():
        old = json.loads(man_path.read_text())
        if old.get("fingerprint") != fp:
            raise ValueError(
                f"{out} holds a run with other settings ({old.get('settings')}); use another "
                "folder or delete this one"
            )
    plan = _plan(refs, chunk_size, fp)
    manifest = {
        "format": _FORMAT,
        "geoecg_version": __version__,
        "fingerprint": fp,
        "settings": settings,
        "source": src.describe(),
        "units": dict(columns),
        "n_records": len(refs),
        "parts": [{"file": f, "n_records": len(c)} for f, c in plan],
        "complete": False,
    }
    _write_json(man_path, manifest)
    keep = {f for f, _ in plan}
    for p in out.iterdir():  # parts of an earlier plan (other record list) and temp files
        if (p.name.startswith("part-") and p.suffix == ".parquet" and p.name not in keep) or (
            p.name.startswith(".") and p.name.endswith(".tmp")
        ):
            p.unlink()
    if not (out / SOURCE_METADATA).is_file():
        meta = src.metadata()
        if meta is not None:
            write_atomic(pa.Table.from_pandas(meta.reset_index()), str(out / SOURCE_METADATA))
    todo = [(f, c) for f, c in plan if not (out / f).is_file()]
    summaries = _run(todo, cfg, out, backend, n_jobs, scheduler, progress, dashboard)
    raise_if_stopped()  # a stop swallowed on its way: the manifest stays incomplete
    manifest["complete"] = True
    _write_json(man_path, manifest)
    rss = [s["max_rss_mb"] for s in summaries]
    return ExtractResult(
        out=out,
        n_records=len(refs),
        n_parts=len(plan),
        n_parts_computed=len(summaries),
        n_records_computed=sum(s["n_records"] for s in summaries),
        n_errors_computed=sum(s["n_errors"] for s in summaries),
        cpu_s=sum(s["cpu_s"] for s in summaries),
        wall_s=time.perf_counter() - t0,
        max_rss_mb=max(rss) if rss else float("nan"),
    )


def _import_dask():
    from .._optional import require  # MissingOptionalDependency, an ImportError

    require("dask", "distributed", purpose="backend='dask'")


def _run(todo, cfg, out, backend, n_jobs, scheduler, progress, dashboard) -> list[dict]:
    from .._progress import progress_bar

    summaries: list[dict] = []
    n = sum(len(c) for _, c in todo)
    bar = progress_bar(total=n, unit="rec", desc="extract", progress=progress)
    try:
        if not todo:
            return summaries
        if backend == "joblib" and n_jobs == 1:
            for f, c in todo:
                summaries.append(run_chunk(c, cfg, str(out / f)))
                bar.update(len(c))
        elif backend == "joblib":
            from joblib import Parallel, delayed

            par = Parallel(n_jobs=n_jobs, backend="loky", return_as="generator_unordered")
            for s in par(delayed(run_chunk)(c, cfg, str(out / f)) for f, c in todo):
                summaries.append(s)
                bar.update(s["n_records"])
        else:
            _run_dask(todo, cfg, out, n_jobs, scheduler, dashboard, summaries, bar)
    finally:
        bar.close()
    return summaries


def _run_dask(todo, cfg, out, n_jobs, scheduler, dashboard, summaries, bar) -> None:
    import logging

    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=n_jobs,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0" if dashboard else None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        if dashboard and client.dashboard_link:
            print(f"Dask dashboard: {client.dashboard_link}", flush=True)
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        window = 4 * n_workers  # chunks in flight: bounds the memory of client and workers
        pending = deque(todo)
        ac = as_completed()
        for _ in range(min(window, len(pending))):
            f, c = pending.popleft()
            ac.add(client.submit(run_chunk, c, cfg, str(out / f), pure=False))
        for fut in ac:
            s = fut.result()
            fut.release()
            summaries.append(s)
            bar.update(s["n_records"])
            if pending:
                f, c = pending.popleft()
                ac.add(client.submit(run_chunk, c, cfg, str(out / f), pure=False))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def read_features(out, *, metadata: bool = True) -> pd.DataFrame:
    """Read the feature table of an :func:`extract_features` run.

    Parameters
    ----------
    out : path-like
        The run's output folder.
    metadata : bool, default True
        Join the source metadata (PTB-XL demographics, MIMIC-IV-ECG ``ecg_time`` and
        machine measurements, CinC labels) on ``record_id``.

    Returns
    -------
    DataFrame
        One row per record in the run's order; ``df.attrs["units"]`` maps columns to
        units. Only the parts named in the manifest are read.

    Raises
    ------
    TypeError
        If ``out`` is not a path (None, a number).
    FileNotFoundError
        If ``out`` holds no extract_features manifest.

    Examples
    --------
    >>> import tempfile
    >>> from geoecg.datasets import sample_cinc2017_dir
    >>> with tempfile.TemporaryDirectory() as out:
    ...     _ = extract_features(sample_cinc2017_dir(), ["rpeaks"], out=out, progress=False)
    ...     df = read_features(out)  # the CinC labels joined on record_id
    >>> len(df), df.attrs["units"]["heart_rate_bpm"], sorted(df["label"].unique())
    (20, 'bpm', ['A', 'N', 'O', '~'])
    """
    if not isinstance(out, str | os.PathLike):
        raise TypeError(f"out must be a folder path (str or path-like), got {type(out).__name__}")
    out = Path(out)
    man_path = out / MANIFEST
    if not man_path.is_file():
        raise FileNotFoundError(f"{out} has no {MANIFEST}: not an extract_features output")
    man = json.loads(man_path.read_text())
    frames = []
    missing = []
    for p in man["parts"]:
        path = out / p["file"]
        if path.is_file():
            frames.append(pq.read_table(path).to_pandas())
        else:
            missing.append(p["file"])
    if missing:
        raise FileNotFoundError(
            f"{len(missing)} of {len(man['parts'])} parts are missing in {out} (run "
            "interrupted?); run extract_features again with the same settings to finish"
        )
    df = pd.concat(frames, ignore_index=True)
    units = {c: u for c, u in ID_COLUMNS if u}
    units.update(man["units"])
    if metadata and (out / SOURCE_METADATA).is_file():
        meta = pq.read_table(out / SOURCE_METADATA).to_pandas().set_index("record_id")
        meta = meta[[c for c in meta.columns if c not in df.columns]]
        df = df.join(meta, on="record_id")
    df.attrs["units"] = units
    return df
