"""Standard 12-lead names, lead-name parsing and lead-order canonicalisation."""

from __future__ import annotations

import re

import numpy as np

__all__ = [
    "STANDARD_LEADS",
    "LIMB_LEADS",
    "CHEST_LEADS",
    "parse_lead",
    "parse_leads",
    "lead_indices",
    "canonical_order",
]

#: The standard 12 leads, in the PTB-XL / conventional order (Goldberger leads spelled aVR).
STANDARD_LEADS = ("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6")
#: The six limb leads (all linear combinations of I and II).
LIMB_LEADS = STANDARD_LEADS[:6]
#: The six precordial (chest) leads.
CHEST_LEADS = STANDARD_LEADS[6:]

_UPPER = {n.upper(): n for n in STANDARD_LEADS}
# MIT-BIH "MLII"/"MLI"/"MLIII": modified (Mason-Likar torso-placed) limb leads, read as the
# limb lead they approximate; "ML" spellings and "D1".."D3" (European) as well.
_ALIASES = {
    "MLI": "I",
    "MLII": "II",
    "MLIII": "III",
    "D1": "I",
    "D2": "II",
    "D3": "III",
    "DI": "I",
    "DII": "II",
    "DIII": "III",
    "LEADI": "I",
    "LEADII": "II",
    "LEADIII": "III",
}


def parse_lead(name) -> str:
    """Canonical name of one lead (``"I"``, ..., ``"aVR"``, ..., ``"V6"``).

    Accepts any case and surrounding spaces/dashes (``"AVR"``, ``"avr"``, ``"aVR"``,
    ``"v5"``, ``"lead II"``), the MIT-BIH modified limb leads (``"MLII"`` -> ``"II"``) and
    the European ``"D1"`` to ``"D3"``.

    Parameters
    ----------
    name : str
        A lead name as a header or a file writes it.

    Returns
    -------
    str
        The canonical name, one of :data:`geoecg.leads.STANDARD_LEADS`.

    Raises
    ------
    ValueError
        If the name is not a standard lead (e.g. ``"ECG"`` of CinC 2017 or ``"ECG1"`` of
        SVDB, whose placement is not documented, or ``"V7"``).

    Examples
    --------
    >>> [parse_lead(n) for n in ("AVR", "avl", "MLII", "v5", " III ")]
    ['aVR', 'aVL', 'II', 'V5', 'III']
    """
    if not isinstance(name, str):
        raise TypeError(f"lead name must be a str, got {type(name).__name__}")
    key = re.sub(r"[\s_\-]", "", name).upper()
    if key in _UPPER:
        return _UPPER[key]
    if key in _ALIASES:
        return _ALIASES[key]
    raise ValueError(
        f"unknown lead name {name!r}: expected one of {', '.join(STANDARD_LEADS)} "
        "(any case), MLII/MLI/MLIII or D1-D3"
    )


def _try_parse(name):
    try:
        return parse_lead(name)
    except (TypeError, ValueError):
        return None


def parse_leads(names) -> tuple[str, ...]:
    """Canonical names of several leads; a comma-separated string is split.

    Parameters
    ----------
    names : str or sequence of str
        Lead names, or one comma-separated string (``"I,II,V3"``).

    Returns
    -------
    tuple of str
        The canonical names, in the order given.

    Raises
    ------
    ValueError
        For an unknown or repeated lead, or no lead at all.

    Examples
    --------
    >>> parse_leads("I, II, v3")
    ('I', 'II', 'V3')
    """
    if isinstance(names, str):
        names = [t for t in names.split(",") if t.strip()]
    elif not hasattr(names, "__iter__"):
        raise TypeError(
            f"lead names must be a str or a sequence of str, got {type(names).__name__}"
        )
    out = tuple(parse_lead(n) for n in names)
    if len(set(out)) != len(out):
        raise ValueError(f"repeated lead in {list(names)!r} (canonical: {list(out)})")
    if not out:
        raise ValueError("at least one lead name is required")
    return out


def lead_indices(leads, available=STANDARD_LEADS) -> np.ndarray:
    """Positions of ``leads`` (names or ints) in the ``available`` lead list.

    Parameters
    ----------
    leads : sequence of str or int, or a comma-separated str
        Lead names in any accepted spelling, or integer positions (returned as they are,
        after a range check; ``True``/``False`` are not positions: a ``TypeError``).
    available : sequence of str, default :data:`STANDARD_LEADS`
        The leads of the array, in its axis order (any accepted spelling).

    Returns
    -------
    ndarray of int64

    Examples
    --------
    >>> lead_indices(["aVF", "V1"]).tolist()
    [5, 6]
    >>> lead_indices("II,V5", available=("MLII", "V5")).tolist()
    [0, 1]
    """
    avail = [_try_parse(a) for a in available]  # unknown names (e.g. "ECG1") never match
    if isinstance(leads, str):
        leads = [t for t in leads.split(",") if t.strip()]
    leads = list(np.atleast_1d(np.asarray(leads, dtype=object)))
    if any(isinstance(v, bool | np.bool_) for v in leads):
        raise TypeError(f"leads must be lead names or integer positions, got a bool in {leads!r}")
    if leads and all(isinstance(v, (int, np.integer)) for v in leads):
        idx = np.asarray(leads, dtype=np.int64)
        if idx.min() < -len(avail) or idx.max() >= len(avail):
            raise ValueError(f"lead positions {idx.tolist()} out of range for {len(avail)} leads")
        return idx
    names = parse_leads(leads)
    missing = [n for n in names if n not in avail]
    if missing:
        raise ValueError(f"leads {missing} not among the available leads {list(available)}")
    return np.asarray([avail.index(n) for n in names], dtype=np.int64)


def canonical_order(names, target=STANDARD_LEADS) -> np.ndarray:
    """Permutation that brings leads named ``names`` into the order of ``target``.

    ``signal[canonical_order(names)]`` has the leads of ``target`` in that order. Leads of
    ``names`` that ``target`` does not ask for are dropped.

    Parameters
    ----------
    names : sequence of str
        The leads of a signal, in its row order (any spelling :func:`parse_lead` accepts).
    target : sequence of str, default STANDARD_LEADS
        The lead order wanted.

    Returns
    -------
    ndarray of int
        Row indices into ``names``, one per lead of ``target``.

    Raises
    ------
    ValueError
        If a lead of ``target`` is missing from ``names``, or a name is unknown.

    Examples
    --------
    >>> canonical_order(["v1", "i", "ii"], target=("I", "II", "V1")).tolist()
    [1, 2, 0]
    """
    if names is None or isinstance(names, str | bytes) or not hasattr(names, "__iter__"):
        raise TypeError(
            f"names must be a sequence of lead names such as ['I', 'II', 'V1'], got {names!r}"
        )
    return lead_indices(parse_leads(target), available=names)
