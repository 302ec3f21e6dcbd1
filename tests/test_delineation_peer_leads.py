"""``ludb_protocol(peers=True, peer_leads=...)`` (``geoecg bench delineate --peers
--peer-leads``): unknown leads are named before any record is read, lead names match in any
case, and a run without a detected beat gives a NaN speed ratio, not ZeroDivisionError.

Before (session 24 audit): ``--peer-leads V9`` (or ``II``: LUDB's leads are lower case)
was dropped silently; with no lead left, the LUDB stage ended after its whole record loop
in ``ZeroDivisionError: float division by zero`` (a traceback on the command line).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from geoecg.features.delineation_protocols import ludb_protocol

LEADS = ("i", "ii", "v1", "v5")


class _NeverRead:
    def read(self, name):
        raise AssertionError("a record was read before the bad argument was named")


class _FlatLUDB:
    """LUDB-like records with flat leads: no beat is detected."""

    def read(self, name):
        waves = pd.DataFrame(columns=["lead", "wave", "onset", "peak", "offset"])
        return type("R", (), {"signal": np.zeros((4, 5000)), "fs": 500.0, "waves": waves})


@pytest.mark.parametrize("peer_leads", [["V9"], ["ii", "v9"], [], "x"])
def test_unknown_or_no_peer_lead_is_named_before_any_read(peer_leads):
    with pytest.raises(ValueError, match=r"peer_leads \(--peer-leads\).*'i', 'ii', 'v1', 'v5'"):
        ludb_protocol(_NeverRead(), ["1"], leads=LEADS, peers=True, peer_leads=peer_leads)


def test_peer_leads_are_not_checked_without_peers():
    res = ludb_protocol(_FlatLUDB(), ["1"], leads=LEADS, peers=False, peer_leads=["V9"])
    assert "peers" not in res


def test_peer_leads_any_case_and_no_beat_gives_nan_ratio():
    pytest.importorskip("neurokit2")
    res = ludb_protocol(_FlatLUDB(), ["1"], leads=LEADS, peers=True, peer_leads=["II", "V5"])
    assert res["peers"]["leads"] == ["ii", "v5"]
    for meth in ("dwt", "peak"):
        assert math.isnan(res["speed"][f"ratio_vs_nk-{meth}"])
