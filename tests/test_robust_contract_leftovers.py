"""Contract leftovers of the session 17 estimator sweep (tests/test_robust_estimators.py):
RecordPriorAdapter's EM settings, CinC2017Classifier's class_priors, AFPriorShiftModel
before fit, LeadCovariances' parameters at fit and AppendCovariates' covariate values.
Each "was:" is what the code did before (a late error naming another argument, a silent
result, or a message naming nothing)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

from geoecg.estimators import CinC2017Classifier, PriorShiftClassifier, RecordPriorAdapter
from geoecg.estimators.af.prior_shift_model import AFPriorShiftModel
from geoecg.riemann import AppendCovariates, LeadCovariances

_RNG = np.random.default_rng(0)
_X = _RNG.standard_normal((40, 3))
_Y = np.array([0, 1] * 20)
_YA = np.array(["N", "A"] * 20)
_G = np.repeat(np.arange(8), 5)
_S = _RNG.standard_normal((4, 3, 200))  # signals (n_records, n_leads, n_samples)
_Z = np.zeros((3, 2))


def _rpa(**kw):
    return RecordPriorAdapter(LogisticRegression(), score_labels=None, **kw)


def _cinc(**kw):
    return CinC2017Classifier(n_estimators=5, random_state=0, **kw)


def _lc(**kw):
    return LeadCovariances(**kw).fit(_S)


def _append(W):
    return AppendCovariates().fit(_Z, covariates=W)


def _cases() -> dict:
    import pandas as pd

    sex_text = pd.DataFrame({"age": [50.0, 61.0, 70.0], "sex": ["M", "F", "M"]})
    age_inf = pd.DataFrame({"age": [50.0, np.inf, 70.0], "sex": [0.0, 1.0, 0.0]})
    fitted = AppendCovariates().fit(_Z, covariates=np.ones((3, 2)))
    return {
        # RecordPriorAdapter (was: fitted; em_priors refused it later naming max_iter / tol)
        "RPA em_max_iter 0": (lambda: _rpa(em_max_iter=0).fit(_X, _Y, groups=_G), "em_max_iter"),
        "RPA em_max_iter fractional": (
            lambda: _rpa(em_max_iter=2.5).fit(_X, _Y, groups=_G),
            "em_max_iter",
        ),
        "RPA em_max_iter text": (
            lambda: _rpa(em_max_iter="10").fit(_X, _Y, groups=_G),
            "em_max_iter",
        ),
        "RPA em_tol negative": (lambda: _rpa(em_tol=-1e-8).fit(_X, _Y, groups=_G), "em_tol"),
        "RPA em_tol NaN": (lambda: _rpa(em_tol=np.nan).fit(_X, _Y, groups=_G), "em_tol"),
        # CinC2017Classifier (was: label Z's mass dropped silently; negative named target_priors)
        "CinC class_priors unknown label": (
            lambda: _cinc(class_priors={"N": 0.5, "A": 0.4, "Z": 0.1}).fit(_X, _YA),
            r"class_priors names labels \['Z'\]",
        ),
        "CinC class_priors unknown label set after fit": (
            lambda: (
                _cinc()
                .fit(_X, _YA)
                .set_params(class_priors={"N": 0.5, "A": 0.4, "Z": 0.1})
                .predict_proba(_X)
            ),
            r"class_priors names labels \['Z'\]",
        ),
        "CinC class_priors negative": (
            lambda: _cinc(class_priors={"N": 1.5, "A": -0.5}).fit(_X, _YA),
            "class_priors must be finite non-negative",
        ),
        "CinC class_priors NaN": (
            lambda: _cinc(class_priors=[np.nan, 0.5]).fit(_X, _YA),
            "class_priors must be finite non-negative",
        ),
        "CinC class_priors all zero": (
            lambda: _cinc(class_priors=[0.0, 0.0]).fit(_X, _YA),
            "positive sum",
        ),
        # LeadCovariances (was: fit accepted them; transform refused or used them)
        "LC estimator unknown": (lambda: _lc(estimator="x"), "estimator must be one of"),
        "LC estimator list": (lambda: _lc(estimator=["oas"]), "estimator must be one of"),
        "LC reg negative": (lambda: _lc(reg=-1.0), r"\breg\b"),
        "LC reg NaN": (lambda: _lc(reg=np.nan), r"\breg\b"),
        "LC reg inf": (lambda: _lc(reg=np.inf), r"\breg\b"),
        "LC reg text": (lambda: _lc(reg="1e-6"), r"\breg\b"),
        "LC reg 0 with riemann windows": (
            lambda: _lc(fs=100, window_s=0.5, window_mean="riemann", reg=0.0),
            r"needs reg > 0",
        ),
        "LC n_jobs 0": (lambda: _lc(n_jobs=0), "n_jobs"),
        # AppendCovariates (was: numpy's "could not convert string to float"; inf passed)
        "AppendCovariates text column named": (
            lambda: _append(sex_text),
            r"column 'sex' holds 'M'",
        ),
        "AppendCovariates text column index": (
            lambda: _append([[50.0, "M"], [61.0, "F"], [70.0, "M"]]),
            r"column 1 holds 'M'",
        ),
        "AppendCovariates inf column named": (lambda: _append(age_inf), r"column 'age' holds inf"),
        "AppendCovariates inf column index": (
            lambda: _append(np.array([[1.0, 0.0], [2.0, -np.inf], [3.0, 1.0]])),
            r"column 1 holds inf",
        ),
        "AppendCovariates inf at transform": (
            lambda: fitted.transform(_Z, covariates=np.array([[1.0, np.inf]] * 3)),
            r"column 1 holds inf",
        ),
        "AppendCovariates ragged rows": (
            lambda: _append([[1.0, 2.0], [3.0], [4.0, 5.0]]),
            "table of numbers",
        ),
    }


CASE_IDS = sorted(_cases())


@pytest.mark.parametrize("case", CASE_IDS)
def test_bad_input_is_named(case):
    """Bad input -> a ValueError/TypeError whose message names the argument (or column)."""
    func, named = _cases()[case]
    with pytest.raises((ValueError, TypeError), match=named):
        func()


def test_case_count():
    assert len(CASE_IDS) == 24


def _afm():
    lr = PriorShiftClassifier(LogisticRegression(), cv=3, n_bootstrap=0, random_state=0)
    return AFPriorShiftModel({"lr": (lr, None)})


@pytest.mark.parametrize("method", ["predict", "predict_proba"])
def test_af_prior_shift_model_not_fitted(method):
    """Before fit: sklearn's NotFittedError (was: ValueError "no candidate chosen yet");
    after fit but before adapt: the ValueError that asks for adapt."""
    m = _afm()
    with pytest.raises(NotFittedError, match="not fitted"):
        getattr(m, method)(_X)
    with pytest.raises(NotFittedError):
        m.report(_X, _YA)
    assert not hasattr(m, "chosen_adapter_")  # NotFittedError is an AttributeError
    m.fit(_X, _YA)
    with pytest.raises(ValueError, match=r"call adapt") as err:
        getattr(m, method)(_X)
    assert not isinstance(err.value, NotFittedError)
    assert getattr(m.adapt(_X), method)(_X).shape[0] == 40


def test_valid_settings_still_work():
    """The new checks refuse nothing legal: integer-like EM settings, a class_priors dict
    of the classes (set before or after fit), reg=0 without Riemannian windows, NaN
    covariates (CovariateScaler imputes them) and numeric text-free DataFrames."""
    import pandas as pd

    rpa = _rpa(em_max_iter=np.int64(5), em_tol=0.0).fit(_X, _Y, groups=_G)
    assert rpa.predict_proba(_X, groups=_G).shape == (40, 2)
    pri = {"N": 0.8, "A": 0.2}
    a = _cinc(class_priors=pri).fit(_X, _YA).predict_proba(_X)
    b = _cinc().fit(_X, _YA).set_params(class_priors=pri).predict_proba(_X)
    np.testing.assert_allclose(a, b)
    assert (
        np.allclose(a.sum(axis=1), 1.0)
        and a[:, list(_cinc().fit(_X, _YA).classes_).index("N")].mean() > 0.5
    )
    C = LeadCovariances("scm", reg=0.0, n_jobs=2).fit_transform(_S)
    assert C.shape == (4, 3, 3) and np.isfinite(C).all()
    W = pd.DataFrame({"age": [50.0, np.nan, 70.0], "sex": [0, 1, 0]})
    out = AppendCovariates().fit_transform(_Z, covariates=W)
    assert out.shape == (3, 4) and np.isnan(out[1, 2]) and out[1, 3] == 1.0
