"""Work of one chunk: read its records, compute the feature sets, write one Parquet part.

Runs in a worker process (joblib/loky or Dask) or in the calling process; the result only
depends on the chunk's records and the run's :class:`RunConfig`, never on where it ran.
"""

from __future__ import annotations

import os
import resource
import time
import warnings
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .._kernels.cohort import flat_leads
from .._stop import raise_if_stopped, stop_in
from ..io.fast import read_signal
from .feature_sets import FeatureSet, RecordData
from .sources import RecordRef

#: Columns that precede the features, with their units.
ID_COLUMNS = (
    ("record_id", ""),
    ("patient_id", ""),
    ("fs", "Hz"),
    ("n_leads", "count"),
    ("n_samples", "count"),
    ("error", ""),
)
_STRING_COLUMNS = ("record_id", "patient_id", "error")
#: A lead whose finite samples span no more than this is flat (mV).
FLAT_P2P_MV = 1e-3


@dataclass(frozen=True)
class RunConfig:
    """Everything a chunk needs besides its records (picklable, sent to the workers).

    Attributes
    ----------
    feature_sets : tuple of FeatureSet
    leads : tuple of str
        Lead names of the run's layout (column names of per-lead features).
    match_leads : {"name", "position", "mlii-first"}
        How a record's leads are put in the layout order (``"mlii-first"``: by position,
        with a lead named MLII moved first when it is not, as in MIT-BIH record 114).
    primary : int
        Index of the lead of the single-lead feature sets.
    fs : float or None
        Required sampling rate (Hz); None accepts any.
    flat : {"error", "keep"}
        Whether a record with a flat or empty lead is an error row.
    columns : tuple of (str, str)
        Feature columns and units, in order.
    metadata : dict
        Key-value pairs written into the schema metadata of every part.
    """

    feature_sets: tuple[FeatureSet, ...]
    leads: tuple[str, ...]
    match_leads: str
    primary: int
    fs: float | None
    flat: str
    columns: tuple[tuple[str, str], ...]
    metadata: dict

    def schema(self) -> pa.Schema:
        fields = []
        for name, unit in ID_COLUMNS + self.columns:
            typ = pa.string() if name in _STRING_COLUMNS else pa.float64()
            meta = {b"unit": unit.encode()} if unit else None
            fields.append(pa.field(name, typ, metadata=meta))
        meta = {k.encode(): v.encode() for k, v in self.metadata.items()}
        return pa.schema(fields, metadata=meta)


def _arrange(sig, cfg: RunConfig) -> tuple[np.ndarray | None, str | None]:
    """The signal in the layout's lead order, or None and the reason."""
    x, names = sig.signal, tuple(sig.lead_names)
    if x.shape[0] != len(cfg.leads):
        return None, f"{x.shape[0]} leads {list(names)}, the run expects {len(cfg.leads)}"
    if cfg.match_leads == "mlii-first":
        low = [n.upper() for n in names]
        if "MLII" in low[1:] and low[0] != "MLII":
            k = low.index("MLII")
            return x[[k] + [i for i in range(len(names)) if i != k]], None
        return x, None
    if cfg.match_leads == "position" or names == cfg.leads:
        return x, None
    low = [n.lower() for n in names]
    want = [n.lower() for n in cfg.leads]
    if low == want and len(set(low)) == len(low):
        return x, None  # same order, names differ only in case: no copy
    if sorted(low) != sorted(want) or len(set(low)) != len(low):
        return None, f"leads {list(names)} do not match the run's leads {list(cfg.leads)}"
    return x[[low.index(n) for n in want]], None


def _check(x: np.ndarray, fs: float, cfg: RunConfig) -> str | None:
    if cfg.fs is not None and fs != cfg.fs:
        return f"sampling rate {fs:g} Hz, the run expects {cfg.fs:g} Hz"
    if x.shape[1] < 2:
        return f"{x.shape[1]} samples"
    if cfg.flat == "error":
        is_flat = np.empty(x.shape[0], dtype=np.bool_)
        if x.dtype == np.float64:  # one pass (the decision of _flat_numpy; tests/test_cohort)
            flat_leads(x, FLAT_P2P_MV, is_flat)
        else:
            is_flat = _flat_numpy(x)
        flat = [cfg.leads[i] for i in np.flatnonzero(is_flat)]
        if flat:
            # a lead with every sample invalid (NaN, e.g. WFDB -32768) is named as such
            gone = [cfg.leads[i] for i in np.flatnonzero(is_flat) if np.isnan(x[i]).all()]
            why = f"; every sample missing (NaN) in {gone}" if gone else ""
            return f"flat or empty lead(s) {flat} (peak-to-peak <= {FLAT_P2P_MV:g} mV{why})"
    return None


def _flat_numpy(x: np.ndarray) -> np.ndarray:
    """Whether each lead of ``x`` is flat or empty: peak-to-peak (NaN skipped) not above
    :data:`FLAT_P2P_MV`."""
    span = x.max(axis=1) - x.min(axis=1)  # NaN or inf when a sample is not finite
    if not np.isfinite(span).all():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN lead -> NaN span
            span = np.nanmax(x, axis=1) - np.nanmin(x, axis=1)
    return ~(span > FLAT_P2P_MV)


def _message(exc: BaseException) -> str:
    text = str(exc).strip().replace("\n", " ")
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _set_error(fset: FeatureSet, exc: BaseException) -> str:
    return f"{fset.name}: {_message(exc)}"


def compute_features(items, n: int, cfg: RunConfig) -> tuple[np.ndarray, dict]:
    """Feature rows of ``n`` records from ``items``, pairs ``(row, RecordData)`` in row order
    (rows without a record stay NaN). Returns ``(features (n, n_columns), errors)`` with
    ``errors[(row, set index)]`` the reason a set failed on a row.

    Records stream: the per-record sets run as each record arrives, the batched sets
    (:meth:`FeatureSet.prepare`) compute what they need and, when they all say so, the
    record's signal is released, so a chunk never holds more than one signal (no fresh
    memory to fault in per record; what stays per record is small: R-peaks, the ~100-Hz
    band, a copy of the primary lead: about 0.3 of a 12-lead 500-Hz signal per record of
    the chunk). Then each
    batched set runs once on all records, falling back to one record at a time for the
    records of a batch that raised. The intermediates the sets use (:attr:`FeatureSet.uses`)
    come from one kernel call per record (:meth:`RecordData.precompute`), the same arrays
    the properties give.
    """
    widths = [len(f.columns(cfg.leads)) for f in cfg.feature_sets]
    cols = np.cumsum([0] + widths)
    feats = np.full((n, int(cols[-1])), np.nan)
    errors: dict[tuple[int, int], str] = {}
    batched = [i for i, f in enumerate(cfg.feature_sets) if _is_batched(f)]
    single = [i for i in range(len(widths)) if i not in batched]
    recs: dict[int, list] = {i: [] for i in batched}  # set -> [(row, RecordData)]
    uses = {u for f in cfg.feature_sets for u in getattr(f, "uses", ())}
    want = {
        "rpeaks": "rpeaks" in uses,
        "lead": "lead_rpeaks" in uses,
        "band": "band_decimated" in uses,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # results must not depend on the caller's filters
        for k, rec in items:
            try:  # one kernel call; what it leaves, the properties compute (or raise)
                rec.precompute(**want)
            except Exception:  # noqa: BLE001, S110 - the sets meet the same failure and say it
                pass
            for i in single:
                fset = cfg.feature_sets[i]
                try:
                    v = np.asarray(fset.compute_one(rec), dtype=np.float64)
                    if v.shape != (widths[i],):
                        raise ValueError(f"gave shape {v.shape}, expected ({widths[i]},)")
                    feats[k, cols[i] : cols[i + 1]] = v
                except Exception as exc:  # noqa: BLE001 - the row's error, not a crash
                    if stop_in(exc):  # a stop that came out as another exception
                        raise
                    errors[(k, i)] = _set_error(fset, exc)
            release = True
            for i in batched:
                try:
                    release &= bool(cfg.feature_sets[i].prepare(rec))
                    recs[i].append((k, rec))
                except Exception as exc:  # noqa: BLE001
                    if stop_in(exc):
                        raise
                    errors[(k, i)] = _set_error(cfg.feature_sets[i], exc)
            if release:
                rec.release()
        for i in batched:
            fset, rows, sl = cfg.feature_sets[i], recs[i], slice(cols[i], cols[i + 1])
            if not rows:
                continue
            try:
                block = np.asarray(fset.compute([r for _, r in rows]), dtype=np.float64)
                if block.shape != (len(rows), widths[i]):
                    raise ValueError(f"{fset.name} gave shape {block.shape}")
                feats[[k for k, _ in rows], sl] = block
            except Exception:  # noqa: BLE001 - isolate the failing records
                for k, r in rows:
                    try:
                        v = np.asarray(fset.compute_one(r), dtype=np.float64)
                        if v.shape != (widths[i],):
                            raise ValueError(f"gave shape {v.shape}, expected ({widths[i]},)")
                        feats[k, sl] = v
                    except Exception as exc:  # noqa: BLE001
                        if stop_in(exc):
                            raise
                        errors[(k, i)] = _set_error(fset, exc)
    return feats, errors


def _is_batched(fset: FeatureSet) -> bool:
    """Whether ``fset`` overrides :meth:`FeatureSet.compute` (batches a chunk)."""
    return type(fset).compute is not FeatureSet.compute


def compute_rows(refs: list[RecordRef], cfg: RunConfig) -> pa.Table:
    """The feature table of ``refs`` (one row per record, in order)."""
    n = len(refs)
    info = np.full((n, 3), np.nan)  # fs, n_leads, n_samples
    read_errors: dict[int, str] = {}

    def records():
        for k, ref in enumerate(refs):
            try:
                sig = read_signal(ref.path)
            except Exception as exc:  # noqa: BLE001 - any failure becomes the row's error
                if stop_in(exc):
                    raise
                read_errors[k] = f"unreadable: {_message(exc)}"
                continue
            info[k] = (sig.fs, sig.signal.shape[0], sig.signal.shape[1])
            x, why = _arrange(sig, cfg)
            why = why or _check(x, sig.fs, cfg)
            if why:
                read_errors[k] = why
                continue
            rec = RecordData(np.ascontiguousarray(x), float(sig.fs), cfg.leads, cfg.primary)
            del sig, x  # hold one signal at a time (freed memory is reused, not faulted in)
            yield k, rec

    feats, errors = compute_features(records(), n, cfg)
    msgs = [[read_errors[k]] if k in read_errors else [] for k in range(n)]
    for (k, _), msg in sorted(errors.items()):
        msgs[k].append(msg)
    arrays = [
        pa.array([r.record_id for r in refs], type=pa.string()),
        pa.array([r.patient_id for r in refs], type=pa.string()),
        pa.array(info[:, 0]),
        pa.array(info[:, 1]),
        pa.array(info[:, 2]),
        pa.array(["; ".join(e) if e else None for e in msgs], type=pa.string()),
    ] + [pa.array(feats[:, j]) for j in range(feats.shape[1])]
    return pa.Table.from_arrays(arrays, schema=cfg.schema())


def write_atomic(table: pa.Table, path: str) -> None:
    """Write ``table`` to ``path`` through a hidden temporary file and ``os.replace``."""
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB: ``VmHWM`` of ``/proc/self/status``
    (reset by ``exec``, so a spawned worker reports its own peak), else ``ru_maxrss``
    (which Linux carries across ``exec`` from the parent)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return float(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_chunk(refs: list[RecordRef], cfg: RunConfig, path: str) -> dict:
    """Compute and write one part; returns a small summary (counts, CPU s, peak RSS MB)."""
    t0, c0 = time.perf_counter(), time.process_time()
    table = compute_rows(refs, cfg)
    raise_if_stopped()  # a stop caught as a record's error: the part is not finished
    write_atomic(table, path)
    n_err = len(refs) - table.column("error").null_count
    rss_mb = peak_rss_mb()
    return {
        "file": os.path.basename(path),
        "n_records": len(refs),
        "n_errors": int(n_err),
        "cpu_s": time.process_time() - c0,
        "wall_s": time.perf_counter() - t0,
        "max_rss_mb": rss_mb,
        "pid": os.getpid(),
    }
