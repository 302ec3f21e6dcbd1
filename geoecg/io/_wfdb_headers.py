"""Faster WFDB header parsing: wfdb's own line parsers with their field tables read once.

``wfdb.io._header._parse_signal_lines`` (wfdb 4.3) looks up each field's type and read
default with ``SIGNAL_SPECS.loc[field, column]`` for every field of every channel: 14
DataFrame scalar look-ups per lead (``_parse_record_line``: 9 more per header, with
``RECORD_SPECS``). Under pandas 3 each costs about a millisecond, so parsing one 12-lead
PTB-XL header took 0.1-0.2 s, more than 90 % of reading the record (wfdb reads the header
again inside ``rdrecord``). :func:`parse_signal_lines` and :func:`parse_record_line` are the
same functions with the tables converted to dicts once; :func:`install` puts them in wfdb's
place, and does nothing when wfdb's module lacks the expected names (another wfdb version).

Same output by construction and by test: ``tests/test_wfdb_headers.py`` compares both
parsers on every header of the embedded records and of the real-data folders.
"""

from __future__ import annotations

import datetime

from wfdb.io import _header

__all__: list[str] = []

_ORIGINAL = getattr(_header, "_parse_signal_lines", None)
# the fields of a signal line in the order of rx_signal's groups (as wfdb unpacks them)
_GROUPS = (
    "file_name", "fmt", "samps_per_frame", "skew", "byte_offset", "adc_gain", "baseline",
    "units", "adc_res", "adc_zero", "init_value", "checksum", "block_size", "sig_name",
)  # fmt: skip
_ORIGINAL_RECORD = getattr(_header, "_parse_record_line", None)
_NAMES = (
    "SIGNAL_SPECS",
    "RECORD_SPECS",
    "rx_record",
    "wfdb_strptime",
    "rx_signal",
    "int_types",
    "float_types",
    "HeaderSyntaxError",
)


def _specs() -> dict[str, tuple[str | None, object]]:
    """field -> (``"int"``, ``"float"`` or None, read default), in wfdb's field order."""
    out = {}
    for field in _header.SIGNAL_SPECS.index:
        allowed = _header.SIGNAL_SPECS.loc[field, "allowed_types"]
        kind = "int" if allowed is _header.int_types else None
        kind = "float" if allowed is _header.float_types else kind
        out[field] = (kind, _header.SIGNAL_SPECS.loc[field, "read_default"])
    return out


_SPECS: dict[str, tuple[str | None, object]] | None = None


def parse_signal_lines(signal_lines):
    """wfdb's ``_parse_signal_lines`` with its field table as a dict (same dict returned)."""
    global _SPECS
    if _SPECS is None:
        _SPECS = _specs()
    n_sig = len(signal_lines)
    fields = {field: n_sig * [None] for field in _SPECS}
    for ch in range(n_sig):
        match = _header.rx_signal.match(signal_lines[ch])
        if match is None:
            raise _header.HeaderSyntaxError("invalid syntax in signal line")
        for name, value in zip(_GROUPS, match.groups(), strict=True):
            fields[name][ch] = value
        for field, (kind, default) in _SPECS.items():
            if fields[field][ch] == "":
                fields[field][ch] = default
                # a missing baseline defaults to ADCzero when that is present
                if field == "baseline" and fields["adc_zero"][ch] != "":
                    fields["baseline"][ch] = int(fields["adc_zero"][ch])
            elif kind == "int":
                fields[field][ch] = int(fields[field][ch])
            elif kind == "float":
                fields[field][ch] = float(fields[field][ch])
                if field == "adc_gain" and fields["adc_gain"][ch] == 0:  # a gain of 0 means 200
                    fields["adc_gain"][ch] = 200.0
    return fields


_RECORD_GROUPS = (
    "record_name", "n_seg", "n_sig", "fs", "counter_freq", "base_counter", "sig_len",
    "base_time", "base_date",
)  # fmt: skip
_RECORD_SPECS: dict[str, tuple[str | None, object]] | None = None


def parse_record_line(record_line: str) -> dict:
    """wfdb's ``_parse_record_line`` with its field table as a dict (same dict returned)."""
    global _RECORD_SPECS
    if _RECORD_SPECS is None:
        spec = _header.RECORD_SPECS
        _RECORD_SPECS = {}
        for field in spec.index:
            allowed = spec.loc[field, "allowed_types"]
            kind = "int" if allowed == _header.int_types else None
            kind = "float" if allowed == _header.float_types else kind
            _RECORD_SPECS[field] = (kind, spec.loc[field, "read_default"])
    match = _header.rx_record.match(record_line)
    if match is None:
        raise _header.HeaderSyntaxError("invalid syntax in record line")
    fields = dict(zip(_RECORD_GROUPS, match.groups(), strict=True))
    for field, (kind, default) in _RECORD_SPECS.items():
        if fields[field] == "":
            fields[field] = default
        elif kind == "int":
            fields[field] = int(fields[field])
        elif kind == "float":
            fields[field] = float(fields[field])
            if field == "fs":  # an fs close to a whole number becomes an int
                fs = fields["fs"]
                fields["fs"] = int(fs) if round(fs, 8) == float(int(fs)) else fs
        elif field == "base_time":
            fields["base_time"] = _header.wfdb_strptime(fields["base_time"])
        elif field == "base_date":
            fields["base_date"] = datetime.datetime.strptime(fields["base_date"], "%d/%m/%Y").date()
    if fields["base_date"] and fields["base_time"]:  # not a WFDB field; wfdb sets it
        fields["base_datetime"] = datetime.datetime.combine(
            fields["base_date"], fields["base_time"]
        )
    return fields


def install() -> bool:
    """Put :func:`parse_signal_lines` and :func:`parse_record_line` in wfdb's place; False
    (wfdb left alone) when wfdb's header module lacks a name they rely on or its field tables
    differ."""
    if _ORIGINAL is None or not all(hasattr(_header, n) for n in _NAMES):
        return False
    spec = _header.SIGNAL_SPECS
    if not {"allowed_types", "read_default"} <= set(spec.columns) or set(spec.index) != set(
        _GROUPS
    ):
        return False
    if _header.rx_signal.groups != len(_GROUPS) or _ORIGINAL_RECORD is None:
        return False
    if list(_header.RECORD_SPECS.index) != list(_RECORD_GROUPS):
        return False
    _header._parse_signal_lines = parse_signal_lines
    _header._parse_record_line = parse_record_line
    return True
