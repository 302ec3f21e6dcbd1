"""geoecg.leads: names, parsing, canonical order, Einthoven/Goldberger relations."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.leads import (
    STANDARD_LEADS,
    canonical_order,
    lead_indices,
    limb_leads,
    limb_relation_residuals,
    parse_lead,
    parse_leads,
)


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("I", "I"),
        ("ii", "II"),
        ("III", "III"),
        ("AVR", "aVR"),
        ("avl", "aVL"),
        ("aVF", "aVF"),
        ("MLII", "II"),
        ("V5", "V5"),
        ("v1", "V1"),
        (" lead II ", "II"),
        ("D3", "III"),
    ],
)
def test_parse_lead(raw, want):
    assert parse_lead(raw) == want


def test_parse_ludb_names():
    ludb = "i ii iii avr avl avf v1 v2 v3 v4 v5 v6".split()
    assert tuple(parse_lead(n) for n in ludb) == STANDARD_LEADS


@pytest.mark.parametrize("bad", ["ECG", "ECG1", "V7", "", "aVX"])
def test_parse_lead_rejects(bad):
    with pytest.raises(ValueError, match="unknown lead name"):
        parse_lead(bad)


def test_parse_lead_type():
    with pytest.raises(TypeError, match="str"):
        parse_lead(2)


def test_parse_leads_repeats_and_strings():
    assert parse_leads("I,II,V3") == ("I", "II", "V3")
    with pytest.raises(ValueError, match="repeated"):
        parse_leads(["II", "MLII"])
    with pytest.raises(ValueError, match="at least one"):
        parse_leads([])


def test_lead_indices_and_canonical_order():
    assert lead_indices(["aVF", "V1"]).tolist() == [5, 6]
    assert lead_indices([3, 0]).tolist() == [3, 0]
    with pytest.raises(ValueError, match="out of range"):
        lead_indices([12])
    with pytest.raises(ValueError, match="not among"):
        lead_indices(["V1"], available=("MLII", "V5", "ECG1"))
    names = ["v6", "V5", "v4", "v3", "v2", "v1", "AVF", "avl", "aVR", "iii", "II", "i"]
    perm = canonical_order(names)
    assert [parse_lead(names[k]) for k in perm] == list(STANDARD_LEADS)
    with pytest.raises(ValueError, match="not among"):
        canonical_order(["I", "II"])


def test_limb_leads_closed_form():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 4, 50))
    L = limb_leads(a, b)
    assert L.shape == (4, 6, 50)
    np.testing.assert_allclose(L[:, 2], b - a)
    np.testing.assert_allclose(L[:, 3] + L[:, 4] + L[:, 5], 0, atol=1e-12)
    # electrode potentials R, L, F give the same leads by definition
    R, Lp, F = rng.standard_normal((3, 50))
    M = limb_leads(Lp - R, F - R)
    np.testing.assert_allclose(
        M,
        np.stack([Lp - R, F - R, F - Lp, R - (Lp + F) / 2, Lp - (R + F) / 2, F - (R + Lp) / 2]),
        atol=1e-12,
    )
    with pytest.raises(ValueError, match="same shape"):
        limb_leads(a, b[:, :10])


def test_einthoven_goldberger_on_ptbxl(ptbxl_dir):
    """PTB-XL's limb leads obey the relations to quantisation level (1 µV steps)."""
    from geoecg.io import PTBXL

    db = PTBXL(ptbxl_dir)
    ids = db.available(100)[:40]
    X, _ = db.load(ids, fs=100)
    res = limb_relation_residuals(X)
    for key, v in res.items():
        assert v.shape == (40,)
        # rounding of three leads stored at 1 µV resolution: a few µV at most
        assert np.nanmax(v) < 0.01, (key, np.nanmax(v))
    # a wrong relation is far off (the check can fail)
    wrong = np.sqrt(np.mean((X[:, 2] - (X[:, 1] + X[:, 0])) ** 2, axis=-1))
    assert np.median(wrong) > 0.05


def test_ptbxl_loader_reorders_leads(ptbxl_dir, tmp_path):
    """A PTB-XL folder whose header lists leads in another order loads in standard order."""
    import shutil

    from geoecg.io import PTBXL

    db = PTBXL(ptbxl_dir)
    X0, _ = db.load([1], fs=100)
    dst = tmp_path / "ptbxl"
    (dst / "records100" / "00000").mkdir(parents=True)
    for f in ("ptbxl_database.csv", "scp_statements.csv"):
        shutil.copy(ptbxl_dir / f, dst / f)
    src = ptbxl_dir / "records100" / "00000"
    shutil.copy(src / "00001_lr.dat", dst / "records100" / "00000" / "00001_lr.dat")
    lines = (src / "00001_lr.hea").read_text().splitlines()
    sig = lines[1:13]
    # swap the descriptions of two signal lines: the names now say lead 0 is V6, 11 is I
    a, b = sig[0].rsplit(" ", 1), sig[11].rsplit(" ", 1)
    sig[0], sig[11] = a[0] + " " + b[1], b[0] + " " + a[1]
    (dst / "records100" / "00000" / "00001_lr.hea").write_text(
        "\n".join([lines[0], *sig, *lines[13:]]) + "\n"
    )
    db2 = PTBXL(dst)
    X1, _ = db2.load([1], fs=100)
    np.testing.assert_allclose(X1[0, 0], X0[0, 11])
    np.testing.assert_allclose(X1[0, 11], X0[0, 0])
    np.testing.assert_allclose(X1[0, 1:11], X0[0, 1:11])


def test_read_mitdb_by_lead_name(mitdb_dir):
    from geoecg.io.mitdb import read_mitdb

    rec = read_mitdb("114", mitdb_dir, leads=["ii", "V5"], sampto=100)
    assert rec.lead_names == ("MLII", "V5")  # 114 stores V5 first
    with pytest.raises(ValueError, match="not among"):
        read_mitdb("114", mitdb_dir, leads=["V1"], sampto=100)
    with pytest.raises(ValueError, match="not both"):
        read_mitdb("114", mitdb_dir, leads=["II"], channels=[0])


def test_cinc_lead_is_lead_i():
    from geoecg.io.cinc2017 import CinC2017

    assert tuple(parse_lead(n) for n in CinC2017.leads) == ("I",)


def test_lead_covariances_by_lead_name():
    """LeadCovariances(leads=...) takes names of the 12 standard leads as well as indices."""
    from geoecg.riemann import LeadCovariances, lead_covariances

    X = np.random.default_rng(0).standard_normal((3, 12, 400))
    by_name = LeadCovariances(leads="I,II,V3").fit_transform(X)
    np.testing.assert_array_equal(by_name, LeadCovariances(leads=[0, 1, 8]).fit_transform(X))
    assert by_name.shape == (3, 3, 3)
    a = lead_covariances(X, leads=["avr", "v1"]).covariances
    np.testing.assert_array_equal(a, lead_covariances(X, leads=[3, 6]).covariances)
    with pytest.raises(ValueError, match="12 standard leads"):
        LeadCovariances(leads="I,II").fit(X[:, :3])
    with pytest.raises(ValueError, match="unknown lead"):
        LeadCovariances(leads=["I", "ECG1"]).fit(X)
