"""Noise-stress training data: the recovered NSTDB ``em`` noise, clean MIT-BIH windows mixed
with ``bw``/``ma``/``em`` noise at known SNRs, and CinC 2017 windows with record labels.

Moved from ``geoecg.features.noise_training`` (it reads databases, so it lives with the data
sets); ``noisiest_window_mask`` moved to :mod:`geoecg.evaluation.noise_study`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
from sklearn.utils import check_random_state

__all__ = [
    "NoiseWindows",
    "cinc2017_windows",
    "cached_window_features",
    "load_noise_record",
    "mitdb_noise_windows",
    "recover_em_noise",
]

#: SNRs (dB) of the Noise Stress Test Database.
NST_SNRS_DB = (24.0, 18.0, 12.0, 6.0, 0.0, -6.0)


def recover_em_noise(nstdb_root=None, mitdb_root=None, block_s: float = 1.0) -> np.ndarray:
    """Electrode-motion noise (2 leads, mV, 360 Hz) recovered from ``118eXX - mitdb/118``.

    The NSTDB ``em`` record is not in the shared folder, but each ``118eXX`` record is
    mitdb 118 plus the same em waveform at a known gain, sample-aligned. This takes the
    noisy record with the lowest SNR present (largest gain, least affected by the 5 uV
    quantisation), subtracts 118, removes the constant offset (wfdb applies the header's
    ``200(1024)`` baseline, so the noisy records sit at -5.12 mV relative to mitdb; the
    offset is the median difference over the noise-free first 5 minutes), and keeps the
    ``block_s`` blocks where noise is present (the database adds noise in alternating
    2-minute blocks from minute 5), concatenated. Scale is arbitrary: mixing rescales it.

    Parameters
    ----------
    nstdb_root, mitdb_root : path-like, optional
        The NSTDB and MIT-BIH folders (default: ``nstdb`` and ``mitdb`` under
        ``$GEOECG_DATA``).
    block_s : float, default 1.0
        Length of the blocks tested for noise, s.

    Returns
    -------
    ndarray, shape (2, n_noise)
        The noise, mV, 360 Hz.

    Raises
    ------
    FileNotFoundError
        If no ``118eXX`` record or no MIT-BIH 118 is found.
    ValueError
        If the difference holds no noise block.
    """
    from ..io import nstdb_records, read_mitdb, read_nstdb

    table = nstdb_records(nstdb_root)
    em = table[(table["kind"] == "noisy") & (table["clean"] == "118")]
    if em.empty:
        raise FileNotFoundError(
            "no 118eXX record in the NSTDB folder: the em noise is recovered as 118eXX - 118"
        )
    name = em.sort_values("snr_db")["record"].iloc[0]
    noisy = read_nstdb(name, nstdb_root, annotator=None)
    clean = read_mitdb("118", mitdb_root, annotator=None)
    n = min(noisy.n_samples, clean.n_samples)
    diff = noisy.signal[:, :n] - clean.signal[:, :n]
    head = int(5 * 60 * noisy.fs)
    offset = np.median(diff[:, :head], axis=1, keepdims=True)
    diff = diff - offset
    blk = int(block_s * noisy.fs)
    nb = n // blk
    blocks = diff[:, : nb * blk].reshape(diff.shape[0], nb, blk)
    present = blocks.std(axis=2).max(axis=0) > 0.01  # > 2 quantisation steps
    out = blocks[:, present, :].reshape(diff.shape[0], -1)
    if out.shape[1] == 0:
        raise ValueError(f"{name} - 118 holds no noise block; is it a noise-stress record?")
    return out


def load_noise_record(kind: str, nstdb_root=None, mitdb_root=None) -> np.ndarray:
    """Noise record ``bw``, ``ma`` (read) or ``em`` (recovered), shape (2, n), mV, 360 Hz.

    Parameters
    ----------
    kind : {"bw", "ma", "em"}
        Baseline wander, muscle artefact or electrode motion (:func:`recover_em_noise`).
    nstdb_root, mitdb_root : path-like, optional
        The NSTDB and MIT-BIH folders (default: ``nstdb`` and ``mitdb`` under
        ``$GEOECG_DATA``).

    Returns
    -------
    ndarray, shape (2, n)
        The noise, mV, 360 Hz.

    Raises
    ------
    ValueError
        If ``kind`` is not one of the three.
    """
    from ..io import read_nstdb

    if kind == "em":
        return recover_em_noise(nstdb_root, mitdb_root)
    if kind in ("bw", "ma"):
        return np.asarray(read_nstdb(kind, nstdb_root, annotator=None).signal)
    raise ValueError(f"noise kind must be 'bw', 'ma' or 'em', got {kind!r}")


@dataclass(frozen=True)
class NoiseWindows:
    """Labelled single-lead windows for noise detection.

    Attributes
    ----------
    windows : list of ndarray
        One lead per window, mV.
    y : ndarray of int
        1 = noisy, 0 = clean.
    snr_db : ndarray of float
        SNR of the mixture (inf for the clean copy, NaN where unknown).
    noise : ndarray of str
        ``"none"``, ``"bw"``, ``"ma"``, ``"em"`` (or the CinC label).
    record : ndarray of str
        Source record (for record-wise splits).
    fs : float
        Sampling frequency, Hz.
    """

    windows: list
    y: np.ndarray
    snr_db: np.ndarray
    noise: np.ndarray
    record: np.ndarray
    fs: float


def mitdb_noise_windows(
    mitdb_root=None,
    nstdb_root=None,
    *,
    records=None,
    window_s: float = 10.0,
    windows_per_record: int = 16,
    noise_types=("bw", "ma", "em"),
    snrs_db=NST_SNRS_DB,
    noisy_below_db: float = 10.0,
    noise_part: str = "all",
    lead: int = 0,
    random_state=None,
) -> NoiseWindows:
    """Clean MIT-BIH windows and their noise-stress mixtures, labelled by SNR.

    For each record, ``windows_per_record`` windows of ``window_s`` s are taken at random
    (non-overlapping) positions. Each window is kept clean (label 0) and mixed with each
    noise type at one SNR drawn from ``snrs_db``, with the MIT-BIH NST convention
    (:func:`geoecg.signal.mix_noise` with ``reference="qrs"`` on the reference beats).
    A mixture is noisy (label 1) when its SNR is below ``noisy_below_db``.

    Parameters
    ----------
    mitdb_root, nstdb_root : path-like, optional
        The MIT-BIH and NSTDB folders (default: ``mitdb`` and ``nstdb`` under
        ``$GEOECG_DATA``).
    records : sequence of str, optional
        MIT-BIH record names (default: every record of the folder).
    window_s : float, default 10.0
        Window length, s.
    windows_per_record : int, default 16
        Clean windows drawn per record.
    noise_types : tuple of {"bw", "ma", "em"}
        Noises mixed into each window (one mixture per type).
    snrs_db : tuple of float
        SNRs to draw from, dB (default: the NSTDB levels 24 to -6 dB).
    noisy_below_db : float, default 10.0
        A mixture below this SNR (dB) is labelled noisy.
    noise_part : {"all", "first", "second"}
        Which half of each noise record the noise segments come from, so that training
        and test mixtures can use disjoint noise.
    lead : int, default 0
        Lead of the MIT-BIH records.
    random_state : int or numpy.random.RandomState, optional
        Seed of the window positions, SNRs and noise segments.

    Returns
    -------
    NoiseWindows
        Clean windows and mixtures, labels, SNRs (dB) and source records.

    Raises
    ------
    ValueError
        If ``noise_part`` is unknown or the records differ in sampling frequency.
    """
    from ..io import beat_annotations, mitdb_records, read_mitdb
    from ..signal import mix_noise

    if noise_part not in ("all", "first", "second"):
        raise ValueError(f"noise_part must be 'all', 'first' or 'second', got {noise_part!r}")
    rng = check_random_state(random_state)
    noises = {}
    for kind in noise_types:
        z = load_noise_record(kind, nstdb_root, mitdb_root)[lead % 2]
        half = z.size // 2
        noises[kind] = {"all": z, "first": z[:half], "second": z[half:]}[noise_part]
    names = mitdb_records(mitdb_root) if records is None else list(records)
    wins, ys, snrs, kinds, recs = [], [], [], [], []
    fs_all = None
    for name in names:
        rec = read_mitdb(name, mitdb_root)
        fs = rec.fs
        if fs_all is None:
            fs_all = fs
        elif fs != fs_all:
            raise ValueError(f"records differ in fs ({fs} vs {fs_all} Hz); resample first")
        x = np.asarray(rec.signal[lead])
        beats = beat_annotations(rec.annotations)["sample"].to_numpy()
        L = int(window_s * fs)
        n_slots = x.size // L
        take = rng.choice(n_slots, size=min(windows_per_record, n_slots), replace=False)
        for s in np.sort(take):
            a = s * L
            w = x[a : a + L]
            r = beats[(beats >= a) & (beats < a + L)] - a
            wins.append(w.copy())
            ys.append(0)
            snrs.append(np.inf)
            kinds.append("none")
            recs.append(str(name))
            if r.size < 2:
                continue
            for kind in noise_types:
                z = noises[kind]
                off = int(rng.randint(0, max(1, z.size - L)))
                snr = float(rng.choice(np.asarray(snrs_db, dtype=float)))
                try:
                    m = mix_noise(w, z[off : off + L], snr, reference="qrs", rpeaks=r, fs=fs)
                except ValueError:
                    continue
                wins.append(m)
                ys.append(int(snr < noisy_below_db))
                snrs.append(snr)
                kinds.append(kind)
                recs.append(str(name))
    return NoiseWindows(
        windows=wins,
        y=np.asarray(ys, dtype=np.int64),
        snr_db=np.asarray(snrs, dtype=np.float64),
        noise=np.asarray(kinds),
        record=np.asarray(recs),
        fs=float(fs_all) if fs_all is not None else float("nan"),
    )


def cinc2017_windows(
    root: str | os.PathLike | None = None, *, window_s: float = 10.0, names=None
) -> NoiseWindows:
    """Non-overlapping ``window_s`` windows of CinC 2017 records; label 1 for ``~``
    (too noisy to classify), 0 for N, A and O. Every window inherits its record's label
    (the label is per record, so some windows of a ``~`` record are clean).

    Parameters
    ----------
    root : path-like, optional
        The CinC 2017 folder (default: ``cinc2017`` under ``$GEOECG_DATA``).
    window_s : float, default 10.0
        Window length, s; the tail after the last full window is dropped (a record
        shorter than one window gives one shorter window if it holds half a window).
    names : sequence of str, optional
        Record names. Default: the folder's labelled records,
        :meth:`geoecg.io.CinC2017.labelled_records` (those its ``RECORDS`` file lists when
        there is one, sorted by name; a record without a label is left out with a
        ``UserWarning`` naming it).

    Returns
    -------
    NoiseWindows
        Windows (mV, 300 Hz), labels and source records.

    Raises
    ------
    ValueError
        If a record of ``names`` has no label.
    """
    from ..io import CinC2017

    db = CinC2017(root)
    labels = db.labels()
    if names is None:
        names = db.labelled_records()
    else:
        names = [str(n) for n in names]
        missing = [n for n in names if n not in labels.index]
        if missing:
            raise ValueError(
                f"{len(missing)} of the records asked for have no label in {db.root}: "
                f"{missing[:5]}{' ...' if len(missing) > 5 else ''}; pass names from "
                "CinC2017.labelled_records()"
            )
    wins, ys, kinds, recs = [], [], [], []
    fs = None
    for name in names:
        rec = db.read(name)
        fs = rec.fs
        x = np.asarray(rec.signal[0])
        L = int(window_s * fs)
        for k in range(max(1, x.size // L)):
            w = x[k * L : (k + 1) * L]
            if w.size < L // 2:
                continue
            wins.append(w.copy())
            ys.append(int(labels[name] == "~"))
            kinds.append(str(labels[name]))
            recs.append(str(name))
    return NoiseWindows(
        windows=wins,
        y=np.asarray(ys, dtype=np.int64),
        snr_db=np.full(len(wins), np.nan),
        noise=np.asarray(kinds),
        record=np.asarray(recs),
        fs=float(fs) if fs is not None else float("nan"),
    )


def cached_window_features(windows: NoiseWindows, name: str, cache=None) -> np.ndarray:
    """:func:`geoecg.features.noise_window_features` of ``windows``, kept in ``cache``.

    Parameters
    ----------
    windows : NoiseWindows
        The window set (its ``fs`` in Hz).
    name : str
        Name of the set in the cache file ``noise_<name>_<n_features>.npz`` (the feature count
        in the name, so a new feature list is not read from an old file).
    cache : path-like, optional
        Folder to read the matrix from when present and to write it to otherwise (resume);
        None: always computed, nothing written.

    Returns
    -------
    ndarray, shape (n_windows, n_features)
    """
    from pathlib import Path

    from ..features import NOISE_FEATURE_NAMES, noise_window_features

    f = Path(cache or ".") / f"noise_{name}_{len(NOISE_FEATURE_NAMES)}.npz"
    if cache is not None and f.exists():
        return np.load(f)["F"]
    F = noise_window_features(windows.windows, windows.fs, progress=None)  # a terminal only
    if cache is not None:
        from .._atomic import save_npz_atomic

        save_npz_atomic(f, {"F": F})  # a killed run leaves no truncated cache file
    return F
