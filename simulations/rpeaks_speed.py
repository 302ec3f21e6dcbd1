"""R-peak detection speed: time per stage, the floor, both leads, and a 24-h Holter.

Thread CPU time, one thread, median of ``--repeats`` runs, the rows interleaved within each
repeat in one process, so the figures are side by side. The floor is a numba moving-window
integrator over the same full-rate array (two additions per sample: no detector can be much
faster). The stages are the kernels of :func:`geoecg.features.detect_rpeaks`
(``geoecg._kernels.rpeaks_stages``, timed on their real inputs). ``--before DIR`` adds
the detector of another copy of the package (a folder holding ``geoecg/``) to the same table,
e.g. a checkout of an earlier commit, loaded under its own name so that its whole call path
is its own code (:class:`OtherCopy`). ``--holter`` times a 24-h, 2-lead, 200-Hz Holter
(MIT-BIH 101 excerpt resampled and tiled, as ``geoecg bench hrv`` builds it) to R-peaks +
5-min HRV.

    python simulations/rpeaks_speed.py --data ../shared/data/mitdb --records 101 119 208 --holter
"""

from __future__ import annotations

import argparse
import importlib
import importlib.abc
import importlib.util
import os
import sys
import time

import numba
import numpy as np

from geoecg._kernels.rpeaks_floor import moving_window_floor


def cpu_medians(fs: dict, reps) -> dict:
    """Median thread CPU time of each function, the functions interleaved within each
    repeat (on a loaded machine the load drifts; interleaving keeps the ratios fair)."""
    ts: dict = {k: [] for k in fs}
    for _ in range(reps):
        for k, f in fs.items():
            t0 = time.thread_time()
            f()
            ts[k].append(time.thread_time() - t0)
    return {k: float(np.median(v)) for k, v in ts.items()}


def wait_for_compiles(package="geoecg"):
    """Wait for the background compilations of ``package``, if any (so that no timing
    runs a kernel interpreted while numba compiles it)."""
    cache = sys.modules.get(f"{package}._numba_cache")
    if cache is not None and hasattr(cache, "wait_for_compiles"):
        cache.wait_for_compiles()


class _Refuse(importlib.abc.MetaPathFinder):
    """Refuses every import of the package ``name`` or of its modules."""

    def __init__(self, name):
        self.name = name

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] == self.name:
            raise ImportError(f"the --before copy imported the current package ({fullname})")
        return None


def _uncached(prefixes):
    """Make numba compile (never cache) the kernels of the packages ``prefixes``."""
    from numba.core.caching import NullCache
    from numba.core.dispatcher import Dispatcher

    orig = getattr(Dispatcher.enable_caching, "_orig", Dispatcher.enable_caching)
    done = getattr(Dispatcher.enable_caching, "_prefixes", set()) | set(prefixes)

    def enable_caching(self):
        if (getattr(self.py_func, "__module__", "") or "").split(".")[0] in done:
            self._cache = NullCache()
        else:
            orig(self)

    enable_caching._orig, enable_caching._prefixes = orig, done
    Dispatcher.enable_caching = enable_caching


class OtherCopy:
    """Another copy of the package (a folder holding ``geoecg/``), imported beside the
    current one as the package ``alias``.

    Under its own name every import of its call path, the relative ones made at call time
    included (``detect_rpeaks`` imports ``._rpeaks_run`` when called), reaches the copy;
    ``probe(rpeaks)`` runs once with the current package refused (an absolute
    ``import geoecg...`` would raise) and compiles the copy outside the timings. The copy's
    kernels are compiled in this process, never taken from numba's cache: machine code
    cached by another process under the name ``geoecg`` carries the symbol names of the
    current kernels (module, function, a per-process counter), and two such libraries in one
    process resolve to each other (seen: a crash in ``NRT_adapt_ndarray_to_python``).

    The earlier loader (``load_other``) imported the copy under ``geoecg`` and then put the
    current modules back: the copy's ``detect_rpeaks`` ran the *current* ``run_stages``, so
    the "before" row timed the current stages.
    """

    def __init__(self, path, alias="geoecg_before", probe=None):
        init = os.path.join(path, "geoecg", "__init__.py")
        if not os.path.isfile(init):
            raise FileNotFoundError(f"--before: {path!r} holds no geoecg/__init__.py")
        if alias in sys.modules:
            raise ValueError(f"--before: a package {alias!r} is loaded already")
        _uncached([alias])
        saved = {m: sys.modules.pop(m) for m in list(sys.modules) if m.split(".")[0] == "geoecg"}
        refuse = _Refuse("geoecg")
        sys.meta_path.insert(0, refuse)
        try:
            spec = importlib.util.spec_from_file_location(
                alias, init, submodule_search_locations=[os.path.dirname(init)]
            )
            pkg = importlib.util.module_from_spec(spec)
            sys.modules[alias] = pkg
            spec.loader.exec_module(pkg)
            self.rpeaks = importlib.import_module(f"{alias}.features.rpeaks")
            if probe is not None:
                probe(self.rpeaks)
                wait_for_compiles(alias)
        finally:
            sys.meta_path.remove(refuse)
            sys.modules.update(saved)
        self.detect_rpeaks = self.rpeaks.detect_rpeaks


def record_timings(R, rec, reps, before) -> dict:
    """{stage name: (ms, M samples/s per lead)} for one record (lead 0, default options)."""
    from geoecg._kernels import rpeaks_stages as S
    from geoecg._kernels.rpeaks import local_maxima
    from geoecg.features._rpeaks_run import _beats, _plan_of, run_stages

    sig = np.ascontiguousarray(rec.signal)
    x, fs, n = sig[0], rec.fs, sig.shape[1]
    R.detect_rpeaks(x, fs), R.detect_rpeaks(sig, fs)  # compile outside the timings
    wait_for_compiles()
    if before is not None:
        before.detect_rpeaks(x, fs), before.detect_rpeaks(sig, fs)
    moving_window_floor(x, 21)
    plan = _plan_of(fs, {})
    x2 = x[None, :]
    lead_block = max(int(R._LEAD_BLOCK_S * plan.fs_d), 1)

    def energy():
        return S.record_energy(
            x=x2, k=plan.k, sos=plan.sos, half_width=plan.half, min_len=plan.min_len,
            block=lead_block, floor=R._LEAD_FLOOR, keep=-1,
        )  # fmt: skip

    e, used, m, runs = energy()[:4]
    nd = m.shape[0]
    cand, h, idx, thr = S._decide_stretch(m, plan.ints, plan.floats, True)[:4]
    coff = np.array([0, cand.size], dtype=np.int64)
    boff = np.array([0, idx.size], dtype=np.int64)
    args = (cand, h, coff, idx, thr, boff)  # finish_runs' inputs after the decision
    timed = {"floor: numba moving-window integrator": (1, lambda: moving_window_floor(x, 21))}
    timed["detect_rpeaks, lead 0"] = (1, lambda: R.detect_rpeaks(x, fs))
    timed["detect_rpeaks, both leads (per lead)"] = (2, lambda: R.detect_rpeaks(sig, fs))
    if before is not None:
        B = before.detect_rpeaks
        timed["before, lead 0"] = (1, lambda: B(x, fs))
        timed["before, both leads (per lead)"] = (2, lambda: B(sig, fs))
    timed.update({
        "  validate (_as_leads)": (1, lambda: R._as_leads(x)),
        "  run_stages (after validation)": (1, lambda: run_stages(x2, plan, "geoecg")),
        "  1-3 record_energy": (1, energy),
        "  4-8 _beats (run_beats + tracking)": (
            1, lambda: _beats(x2, m, runs, e, used, plan, "geoecg", nd, True)
        ),
        "    4 local_maxima": (1, lambda: local_maxima(m=m, min_distance=plan.refr)),
        "    4-6 decide + noise check": (
            1, lambda: S._decide_stretch(m, plan.ints, plan.floats, True)
        ),
        "    4-5 decide, no tracking": (
            1, lambda: S._decide_stretch(m, plan.ints, plan.floats, False)
        ),
        "    7-8 finish_runs (prune, refine)": (
            1, lambda: S.finish_runs(x2, e, used, runs, *args, plan.ints, plan.floats)
        ),
    })  # fmt: skip
    med = cpu_medians({name: f for name, (_, f) in timed.items()}, reps)
    return {
        name: (med[name] * 1e3, leads * n / med[name] / 1e6) for name, (leads, _) in timed.items()
    }


def stage_table(folder, records, reps, before):
    import geoecg.features.rpeaks as R
    from geoecg.io import read_record

    rows: dict = {}
    for r in records:
        for name, (ms, msps) in record_timings(
            R, read_record(f"{folder}/{r}"), reps, before
        ).items():
            rows.setdefault(name, []).append(f"{ms:7.2f} {msps:7.1f}")
    print(f"\n{'stage (ms, M samples/s per lead)':40s}" + "".join(f"{r:>16s}" for r in records))
    for name, cells in rows.items():
        print(f"{name:40s}" + "".join(f"{c:>16s}" for c in cells))


def holter(reps, before):
    from geoecg.datasets import sample_record_path
    from geoecg.features import detect_rpeaks, hrv_windowed
    from geoecg.io import read_record
    from geoecg.signal import resample

    rec = read_record(sample_record_path("mitdb_101"))
    x = resample(np.asarray(rec.signal), rec.fs, 200.0)
    n = 24 * 3600 * 200
    day = np.ascontiguousarray(np.tile(x, (1, int(np.ceil(n / x.shape[1]))))[:, :n])
    detect_rpeaks(day[:, :12000], 200.0)
    hrv_windowed(np.arange(10) * 200, 200.0, window_s=300.0, partial=True)
    moving_window_floor(day[0], 12)
    res = detect_rpeaks(day, 200.0)
    fs = {
        "rpeaks": lambda: detect_rpeaks(day, 200.0),
        "hrv": lambda: hrv_windowed(
            res.indices, 200.0, window_s=300.0, duration_s=n / 200.0, n_jobs=1
        ),
        "floor": lambda: [moving_window_floor(day[k], 12) for k in range(2)],
    }
    if before is not None:
        before.detect_rpeaks(day[:, :12000], 200.0)
        fs["before"] = lambda: before.detect_rpeaks(day, 200.0)
    med = cpu_medians(fs, reps)
    t_rp, t_hrv, t_floor = med["rpeaks"], med["hrv"], med["floor"]
    print(f"\n24-h 2-lead 200-Hz Holter ({n} samples per lead, {len(res)} beats), CPU s:")
    print(f"  R-peaks (both leads) {t_rp:.3f} ({2 * n / t_rp / 1e6:.1f} M samples/s per lead)")
    if before is not None:
        print(f"  R-peaks, --before copy {med['before']:.3f}")
    print(f"  5-min HRV, 288 windows, one thread {t_hrv:.3f}")
    print(f"  R-peaks + HRV {t_rp + t_hrv:.3f}")
    print(f"  floor over both leads {t_floor:.3f} ({2 * n / t_floor / 1e6:.0f} M samples/s); "
          f"R-peaks = {t_rp / t_floor:.1f}x the floor")  # fmt: skip


def probe(R):
    """Run ``R.detect_rpeaks`` through its paths (1 and 2 leads, a NaN gap, 200 and 360 Hz):
    compiles the copy outside the timings."""
    x = np.random.default_rng(0).standard_normal((2, 30 * 360))
    x[:, 4000:4400] = np.nan
    for fs in (200.0, 360.0):
        R.detect_rpeaks(x[0], fs), R.detect_rpeaks(x, fs)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True, help="MIT-BIH folder")
    p.add_argument(
        "--records", nargs="+", default=["101", "119", "208"], help="MIT-BIH records timed"
    )
    p.add_argument("--repeats", type=int, default=21, help="runs per cell; the median is reported")
    p.add_argument("--before", default=None, help="folder holding another geoecg/ to compare")
    p.add_argument("--holter", action="store_true", help="also time a 24-h 2-lead 200-Hz Holter")
    args = p.parse_args(argv)
    numba.set_num_threads(1)
    before = OtherCopy(args.before, probe=probe) if args.before else None
    stage_table(args.data, args.records, args.repeats, before)
    if args.holter:
        holter(5, before)


if __name__ == "__main__":
    main()
