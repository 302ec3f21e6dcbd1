"""The stage plan of ``geoecg bench delineate``: which protocols run, in which order, and
which options need the LUDB folder.

The runner (:mod:`geoecg.bench.delineate`) reads the databases, calls
:mod:`geoecg.features.delineation_protocols` for each stage named here and prints; the
decision of what runs lives here (issue 25: bench/ holds no model, gate or metric logic).
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "DELINEATE_OPTIONS",
    "DELINEATE_STAGES",
    "T_POLARITIES",
    "delineate_stages",
    "ludb_folder",
    "ludb_record_names",
]

#: Stages in the order they run and are written to the JSON; ``"settings"`` is the
#: delineation settings block, written after LUDB and before the other stages.
DELINEATE_STAGES = ("ludb", "settings", "qtdb", "noise", "synthetic", "ptbxl_criteria")
#: T shapes of the ``--synthetic`` grid (``synthesize_ecg``'s ``t_polarity``).
T_POLARITIES = ("upright", "inverted", "biphasic")
#: The ``bench delineate`` options (argparse destinations) :func:`delineate_stages` reads.
DELINEATE_OPTIONS = ("data", "records", "split", "peers", "qtdb", "noise", "synthetic", "ptbxl")


def delineate_stages(
    *,
    data,
    records=None,
    split: str = "all",
    peers: bool = False,
    qtdb=None,
    noise=None,
    synthetic: bool = False,
    ptbxl=None,
) -> list[str]:
    """The stages one ``bench delineate`` run executes, in order.

    Parameters
    ----------
    data : path or None
        ``--data``: the LUDB folder; None runs only the stages that need no LUDB.
    records : list or None
        ``--records``: LUDB record numbers (needs ``data``).
    split : {"all", "tune", "test"}
        ``--split``: the LUDB half scored (anything but ``"all"`` needs ``data``).
    peers : bool
        ``--peers``: NeuroKit2 on the LUDB beats (needs ``data``).
    qtdb, noise, ptbxl : path or None
        ``--qtdb``, ``--noise`` (NSTDB, on LUDB records: needs ``data``), ``--ptbxl``.
    synthetic : bool
        ``--synthetic``: the ECGSYN truth check.

    Returns
    -------
    list of str
        A subsequence of :data:`DELINEATE_STAGES`; ``"settings"`` is always in it.

    Raises
    ------
    ValueError
        Without ``data``: a LUDB-only option was given, or no stage that runs without LUDB.
    """
    if data is None:
        flags = {"--records": records, "--noise": noise, "--peers": peers,
                 "--split": split != "all"}  # fmt: skip
        needs = [f for f, on in flags.items() if on]
        if needs or not (synthetic or qtdb or ptbxl):
            why = f"{', '.join(needs)} need(s) LUDB" if needs else "the LUDB protocol runs"
            raise ValueError(
                f"--data (a LUDB folder) is required: {why}; without LUDB give only "
                "--synthetic, --qtdb DIR or --ptbxl DIR"
            )
    on = {"ludb": data is not None, "settings": True, "qtdb": bool(qtdb), "noise": bool(noise),
          "synthetic": bool(synthetic), "ptbxl_criteria": bool(ptbxl)}  # fmt: skip
    return [s for s in DELINEATE_STAGES if on[s]]


def ludb_record_names(db, records, split: str) -> list[str]:
    """The LUDB records one run scores.

    Parameters
    ----------
    db : geoecg.io.LUDB
        The database (its ``records()`` and ``data_dir``, named in the error).
    records : list or None
        ``--records`` (numbers or names); None: all records of ``db``.
    split : {"all", "tune", "test"}
        :func:`geoecg.evaluation.delineation.split_records` half.

    Returns
    -------
    list of str

    Raises
    ------
    FileNotFoundError
        A requested record is not in ``available``, or a record lacks an annotation file
        of one of its 12 leads (checked for all of them before any is scored: an
        interrupted download fails at the start, naming every incomplete record).
    """
    from .delineation import split_records

    available = db.records()
    names = [str(r) for r in records] if records else list(available)
    missing = sorted(set(names) - set(available))
    if missing:
        raise FileNotFoundError(f"LUDB records not found in {db.data_dir}: {missing}")
    names = split_records(names, split)
    lost = db.missing_annotations(names)
    if lost:
        first = dict(list(lost.items())[:5])
        raise FileNotFoundError(
            f"{len(lost)} LUDB record(s) in {db.data_dir} lack annotation files (N.<lead>) "
            f"of leads: {first}{' ...' if len(lost) > 5 else ''}; download them again or "
            "leave the records out with --records"
        )
    return names


def ludb_folder(data):
    """``data`` (``--data``) unchanged when it is a folder.

    Raises
    ------
    FileNotFoundError
        ``data`` is not a folder.
    """
    if not Path(data).is_dir():
        raise FileNotFoundError(f"--data {data!r} is not a folder")
    return data
