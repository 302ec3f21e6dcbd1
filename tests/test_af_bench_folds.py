"""`geoecg bench af` refuses a folder too small for its folds before any feature is read
(session 24 audit: a 6-record folder ended, after its features, with scikit-learn's
"n_splits=5 cannot be greater than the number of members in each class", which names
neither --folds nor the class counts; --protocol cv with a class of 1 record ended with a
numpy shape mismatch)."""

import shutil

import pytest

from geoecg.cli import main
from geoecg.datasets import sample_cinc2017_dir
from geoecg.estimators.af import protocols as P

COUNTS = "class counts {'A': 3, 'N': 1, '~': 2}"


def _folder(tmp_path, names):
    src = sample_cinc2017_dir()
    d = tmp_path / "cinc"
    d.mkdir()
    shutil.copy(src / "REFERENCE-v3.csv", d)
    for n in names:
        for ext in (".hea", ".mat"):
            shutil.copy(src / (n + ext), d)
    return str(d)


# 3 A, 1 N, 2 ~ (the audit's folder)
SIX = ["A00004", "A00005", "A00009", "A00014", "A00022", "A00034"]


@pytest.fixture
def no_features(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("features read before the fold check")

    monkeypatch.setattr(P, "load_cinc_matrix", refuse)


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        ([], "--folds 5 needs a class with at least 5 records (stratified folds); "),
        (["--protocol", "cv"], "--folds 5 needs a class with at least 5 records"),
        (["--folds", "3"], "--inner-folds 3 needs a class with at least 3 records in each "),
        (["--folds", "2", "--inner-folds", "2"], "--inner-folds 2 needs"),
        (["--protocol", "cv", "--folds", "2"], "--protocol cv needs at least 2 records of"),
    ],
)
def test_small_folder_named_before_features(tmp_path, capsys, no_features, extra, said):
    d = _folder(tmp_path, SIX)
    assert main(["bench", "af", "--data", d, "--seeds", "0", *extra]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("geoecg bench af: error: ") and said in err
    assert f"has 6 labelled records, {COUNTS}" in err


def test_check_cinc_folds_direct(tmp_path):
    d = _folder(tmp_path, SIX)
    assert P.check_cinc_folds(d, "prior-shift", 5, 3) == {"A": 3, "N": 1, "~": 2}
    with pytest.raises(ValueError, match="--folds must be an integer >= 2"):
        P.check_cinc_folds(d, "cv", 1, 3)
    with pytest.raises(ValueError, match="--inner-folds must be an integer >= 2"):
        P.check_cinc_folds(d, "nested", 3, True)
    with pytest.raises(ValueError, match=r"^folds 5 needs"):
        P.check_cinc_folds(d, "nested", 5, 3, names=("folds", "inner_folds"))
    # the full sample (5 per class) passes every protocol's check at its test settings
    full = str(sample_cinc2017_dir())
    counts = {"A": 5, "N": 5, "O": 5, "~": 5}
    assert P.check_cinc_folds(full, "nested", 2, 2) == counts
    assert P.check_cinc_folds(full, "nested", 5, 3) == counts
    assert P.check_cinc_folds(full, "cv", 5, 99) == counts  # inner folds unused by cv


def test_parse_priors():
    assert P.parse_priors("N=0.6, A=0.4") == {"N": 0.6, "A": 0.4}
    for bad in ("N=0.6,A", "N=x", "N=1=2"):
        with pytest.raises(ValueError, match="--target-priors must look like N=0.595"):
            P.parse_priors(bad)
