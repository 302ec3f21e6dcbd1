"""Contract sweep of geoecg.estimators and geoecg.riemann (session 17): bad input named.
The scikit-learn conventions (clone, no work in __init__, NotFittedError, n_features_in_,
Pipeline, seeds) and degenerate input are in tests/test_estimator_conventions.py (split out
in session 20). Cases marked "was:" in the table crashed deep inside (LinAlgError,
numpy/torch messages) or returned a silent number before the sweep. The neural classifiers
are in tests/test_robust_neural.py."""

from __future__ import annotations

import numpy as np
import pytest
from _factories import estimator_inputs
from _factories import prior_shift as _psc
from sklearn.linear_model import LogisticRegression

from geoecg.estimators import (
    AnchorClassifier,
    AnchorRegression,
    CovariateAdjustedClassifier,
    CovariateAdjustedGLM,
    GroupDROClassifier,
    ImportanceWeightedClassifier,
    IRMClassifier,
    RecordPriorAdapter,
    VRExClassifier,
    bbse_priors,
    density_ratio_weights,
    em_priors,
    prior_correct,
    rlls_priors,
)
from geoecg.riemann import (
    ClassMeanTangentSpace,
    GeodesicAugmentedClassifier,
    RiemannianRecentering,
    geodesic_augment,
)

_X, _Y, _W, _C, _YC = estimator_inputs()  # also test_estimator_conventions.py's
_P = np.full((10, 2), 0.5)
_CONF = [[0.5, 0.0], [0.0, 0.5]]


def _cases() -> dict:
    half = [0.5, 0.5]
    nan_w = np.full((40, 2), np.nan)
    return {
        # prior estimation (was: NaN, negative or >1 probabilities gave a silent 0.5/0.5)
        "prior_correct proba NaN": (
            lambda: prior_correct(np.r_[_P[:-1], [[np.nan, 0.5]]], half, half),
            "proba must be finite",
        ),
        "prior_correct proba negative": (lambda: prior_correct(_P - 1, half, half), "proba"),
        "prior_correct proba above 1": (lambda: prior_correct(3 * _P, half, half), "proba"),
        "prior_correct target negative": (
            lambda: prior_correct(_P, half, [1.5, -0.5]),
            "target_priors",
        ),
        "prior_correct train zero": (lambda: prior_correct(_P, [0, 1], half), "train_priors"),
        "prior_correct length": (lambda: prior_correct(_P, [0.5, 0.5, 0], half), "train_priors"),
        "em_priors proba negative": (lambda: em_priors(_P - 1, half), "proba"),
        "em_priors proba 1-D": (lambda: em_priors(_P[:, 0], half), "proba"),
        "em_priors max_iter 0": (lambda: em_priors(_P, half, max_iter=0), "max_iter"),
        "em_priors tol NaN": (lambda: em_priors(_P, half, tol=np.nan), r"\btol\b"),
        "em_priors source negative": (lambda: em_priors(_P, [1.5, -0.5]), "source_priors"),
        "bbse confusion NaN": (
            lambda: bbse_priors(_P, [[np.nan, 0], [0, 0.5]], half),
            "confusion",
        ),
        "bbse confusion negative": (
            lambda: bbse_priors(_P, [[-0.5, 0], [0, 0.5]], half),
            "confusion",
        ),
        "bbse target_pred negative": (lambda: bbse_priors(_P - 1, _CONF, half), "target_pred"),
        "rlls delta text": (lambda: rlls_priors(_P, _CONF, half, delta="1"), "delta"),
        "rlls delta NaN": (lambda: rlls_priors(_P, _CONF, half, delta=np.nan), "delta"),
        # PriorShiftClassifier
        "PSC target_priors negative": (
            lambda: _psc(method="known", target_priors=[1.5, -0.5]).fit(_X, _Y),
            "target_priors",
        ),
        "PSC target_priors length": (
            lambda: _psc(method="known", target_priors=[0.2, 0.3, 0.5]).fit(_X, _Y),
            "target_priors",
        ),
        "PSC target_priors NaN": (
            lambda: _psc(method="known", target_priors=[np.nan, 0.5]).fit(_X, _Y),
            "target_priors",
        ),
        "PSC target_priors unknown label": (  # was: label 7's mass dropped silently
            lambda: _psc(method="known", target_priors={0: 0.5, 1: 0.4, 7: 0.1}).fit(_X, _Y),
            r"target_priors names labels \[7\]",
        ),
        "PSC single class": (lambda: _psc().fit(_X, np.zeros(40)), "2 classes"),
        "PSC predict width": (lambda: _psc().fit(_X, _Y).predict(_X[:, :2]), r"\bX has 2"),
        "PSC estimate_priors method": (
            lambda: _psc().fit(_X, _Y).estimate_priors(_X, method="x"),
            "method",
        ),
        "PSC em_max_iter 0": (lambda: _psc(em_max_iter=0).fit(_X, _Y), "em_max_iter"),
        "PSC em_tol negative": (lambda: _psc(em_tol=-1).fit(_X, _Y), "em_tol"),
        "PSC cv 1": (lambda: _psc(cv=1).fit(_X, _Y), r"\bcv\b"),  # was: n_splits
        "PSC groups length": (lambda: _psc().fit(_X, _Y, groups=[1, 2]), "groups"),
        "PSC class smaller than cv": (
            lambda: _psc().fit(_X[:4], [0, 0, 0, 1]),
            r"cv=3",
        ),
        # importance weighting
        "density_ratio source NaN": (  # was: LogisticRegression's "Input X contains NaN"
            lambda: density_ratio_weights(np.r_[_X[:-1], [[np.nan] * 3]], _X),
            "source",
        ),
        "density_ratio clip NaN": (lambda: density_ratio_weights(_X, _X, clip=np.nan), "clip"),
        "density_ratio clip text": (lambda: density_ratio_weights(_X, _X, clip="2"), "clip"),
        "IWC covariates length": (
            lambda: ImportanceWeightedClassifier().fit(_X, _Y, covariates=_W[:5], target=_W),
            "covariates",
        ),
        "IWC target width": (
            lambda: ImportanceWeightedClassifier(weight_on="X").fit(_X, _Y, target=_X[:, :2]),
            r"\bX has 2",
        ),
        "IWC covariates missing": (
            lambda: ImportanceWeightedClassifier().fit(_X, _Y, target=_W),
            "covariates are required",
        ),
        "IWC single class": (
            lambda: ImportanceWeightedClassifier().fit(_X, np.zeros(40), covariates=_W, target=_W),
            "one class",
        ),
        "IWC clip 0": (
            lambda: ImportanceWeightedClassifier(clip=0).fit(_X, _Y, covariates=_W, target=_W),
            "clip",
        ),
        "IWC predict width": (
            lambda: (
                ImportanceWeightedClassifier()
                .fit(_X, _Y, covariates=_W, target=_W)
                .predict(_X[:, :2])
            ),
            r"\bX has 2",
        ),
        # covariate adjustment
        "CAC covariates length": (
            lambda: CovariateAdjustedClassifier().fit(_X, _Y, covariates=_W[:5]),
            "covariates",
        ),
        "CAC covariates NaN": (
            lambda: CovariateAdjustedClassifier().fit(_X, _Y, covariates=nan_w),
            "covariate 'w0' has missing",
        ),
        "CAC covariates inf": (  # was: a RuntimeWarning, then NaN in the design matrix
            lambda: CovariateAdjustedClassifier().fit(
                _X, _Y, covariates=np.where(_W > 1, np.inf, _W)
            ),
            "covariate 'w0' has infinite",
        ),
        "CAC sample_weight length": (
            lambda: CovariateAdjustedClassifier().fit(
                _X, _Y, covariates=_W, sample_weight=np.ones(5)
            ),
            "sample_weight",
        ),
        "CAC predict covariates columns": (
            lambda: (
                CovariateAdjustedClassifier()
                .fit(_X, _Y, covariates=_W)
                .predict(_X, covariates=_W[:, :1])
            ),
            "covariates lack",
        ),
        "CAC predict covariates missing": (
            lambda: CovariateAdjustedClassifier().fit(_X, _Y, covariates=_W).predict(_X),
            "covariates are required",
        ),
        "GLM three classes": (
            lambda: CovariateAdjustedGLM().fit(_X, np.arange(40) % 3, covariates=_W),
            "3 class",
        ),
        "GLM alpha NaN": (lambda: CovariateAdjustedGLM(alpha=np.nan).fit(_X, _Y, _W), "alpha"),
        "GLM maxiter 0": (  # was: the starting values returned as a fit
            lambda: CovariateAdjustedGLM(maxiter=0).fit(_X, _Y, covariates=_W),
            "maxiter",
        ),
        # invariant learning (was: negative/NaN penalty, tol, text max_iter fitted silently)
        "IRM domains length": (
            lambda: IRMClassifier(max_iter=5).fit(_X, _Y, domains=[0, 1]),
            "domains",
        ),
        "IRM penalty negative": (lambda: IRMClassifier(penalty=-1).fit(_X, _Y), "penalty"),
        "IRM tol negative": (lambda: IRMClassifier(tol=-1).fit(_X, _Y), r"\btol\b"),
        "IRM max_iter text": (lambda: IRMClassifier(max_iter="5").fit(_X, _Y), "max_iter"),
        "IRM max_iter fractional": (lambda: IRMClassifier(max_iter=5.5).fit(_X, _Y), "max_iter"),
        "IRM single class": (lambda: IRMClassifier().fit(_X, np.zeros(40)), "1 class"),
        "GroupDRO eta negative": (lambda: GroupDROClassifier(eta=-1).fit(_X, _Y), "eta"),
        "VREx penalty NaN": (lambda: VRExClassifier(penalty=np.nan).fit(_X, _Y), "penalty"),
        "Anchor anchors length": (
            lambda: AnchorClassifier(max_iter=5).fit(_X, _Y, anchors=_W[:5]),
            "anchors",
        ),
        "Anchor anchors NaN": (  # was: LinAlgError "SVD did not converge"
            lambda: AnchorClassifier(max_iter=5).fit(_X, _Y, anchors=nan_w),
            "anchors",
        ),
        "AnchorRegression anchors NaN": (
            lambda: AnchorRegression().fit(_X, _X[:, 0], anchors=nan_w),
            "anchors",
        ),
        "AnchorRegression anchors 3-D": (  # was: numpy's "same number of dimensions"
            lambda: AnchorRegression().fit(_X, _X[:, 0], anchors=np.zeros((40, 2, 2))),
            "anchors",
        ),
        "AnchorRegression gamma text": (  # was: numpy's "ufunc 'isfinite' not supported"
            lambda: AnchorRegression(gamma="5").fit(_X, _X[:, 0]),
            "gamma",
        ),
        # riemann
        "CMTS X not SPD": (lambda: ClassMeanTangentSpace().fit(-_C, _YC), "positive-definite"),
        "CMTS X 2-D": (lambda: ClassMeanTangentSpace().fit(_C[0], _YC), r"\bX\b"),
        "CMTS X NaN": (
            lambda: ClassMeanTangentSpace().fit(np.where(_C > 1, np.nan, _C), _YC),
            r"\bX holds NaN",
        ),
        "CMTS single class": (lambda: ClassMeanTangentSpace().fit(_C, np.zeros(12)), "2 classes"),
        "CMTS y length": (lambda: ClassMeanTangentSpace().fit(_C, _YC[:5]), r"\by\b"),
        "CMTS y continuous": (
            lambda: ClassMeanTangentSpace().fit(_C, np.linspace(0, 1, 12)),
            "continuous",
        ),
        "CMTS y NaN": (  # was: NaN became a class with its own mean
            lambda: ClassMeanTangentSpace().fit(_C, np.r_[_YC[:-1], np.nan]),
            r"\by holds 1 NaN",
        ),
        "CMTS metric": (lambda: ClassMeanTangentSpace(metric="x").fit(_C, _YC), "metric"),
        "CMTS transform size": (
            lambda: ClassMeanTangentSpace().fit(_C, _YC).transform(_C[:, :2, :2]),
            "fit saw 3 x 3",
        ),
        "Recenter domains length": (
            lambda: RiemannianRecentering().fit(_C, domains=[0, 1]),
            "domains",
        ),
        "Recenter unseen error": (
            lambda: (
                RiemannianRecentering(unseen="error")
                .fit(_C, domains=np.zeros(12))
                .transform(_C, domains=np.ones(12))
            ),
            "not seen in fit",
        ),
        "Recenter transform size": (
            lambda: RiemannianRecentering().fit(_C).transform(_C[:, :2, :2]),
            "fit saw 3",
        ),
        "Recenter transform not SPD": (
            lambda: RiemannianRecentering().fit(_C).transform(-_C),
            "positive-definite",
        ),
        "GAC ratio negative": (
            lambda: GeodesicAugmentedClassifier(LogisticRegression(), ratio=-1).fit(_C, _YC),
            "ratio",
        ),
        "GAC y NaN": (
            lambda: GeodesicAugmentedClassifier(LogisticRegression()).fit(
                _C, np.r_[_YC[:-1], np.nan]
            ),
            r"\by holds 1 NaN",
        ),
        "geodesic_augment y length": (
            lambda: geodesic_augment(_C, _YC[:5], random_state=0),
            r"\by\b",
        ),
        "geodesic_augment metric": (
            lambda: geodesic_augment(_C, _YC, metric="euclid", random_state=0),
            "metric",
        ),
    }


def _owned_cases() -> dict:
    """Estimators other session-17 helpers own (heartbeat, record_prior, af/*): their
    current messages, pinned here; nothing in them was changed by this sweep."""
    from geoecg.estimators import CinC2017Classifier, HeartbeatClassifier
    from geoecg.estimators.af.prior_shift_model import AFPriorShiftModel

    ya, g = np.array(["N", "A"] * 20), np.repeat(np.arange(8), 5)

    def hb(**kw):
        return HeartbeatClassifier(n_estimators=5, max_depth=2, **kw)

    def rpa(**kw):
        return RecordPriorAdapter(LogisticRegression(), score_labels=None, **kw)

    def cinc(**kw):
        return CinC2017Classifier(n_estimators=5, random_state=0, **kw)

    return {
        "HB sample_weight length": (
            lambda: hb().fit(_X, _Y, sample_weight=np.ones(5)),
            "sample_weight",
        ),
        "HB sample_weight negative": (
            lambda: hb().fit(_X, _Y, sample_weight=-np.ones(40)),
            "sample_weight",
        ),
        "HB X inf": (lambda: hb().fit(np.where(_X > 2, np.inf, _X), _Y), r"\bX\b"),
        "HB predict width": (lambda: hb().fit(_X, _Y).predict(_X[:, :2]), r"X has 2"),
        "HB n_estimators 0": (
            lambda: HeartbeatClassifier(n_estimators=0).fit(_X, _Y),
            "n_estimators",
        ),
        "RPA groups length": (lambda: rpa().fit(_X, _Y, groups=[1, 2]), "groups"),
        "RPA groups missing": (lambda: rpa().fit(_X, _Y), "groups"),
        "RPA score_labels unknown": (
            lambda: RecordPriorAdapter(LogisticRegression(), score_labels=("Q",)).fit(
                _X, _Y, groups=g
            ),
            "score_labels",
        ),
        "RPA single class": (lambda: rpa().fit(_X, np.zeros(40), groups=g), "2 classes"),
        "RPA prior_floor 2": (lambda: rpa(prior_floor=2).fit(_X, _Y, groups=g), "prior_floor"),
        "RPA cv 1": (lambda: rpa(cv=1).fit(_X, _Y, groups=g), r"\bcv\b"),
        "RPA predict groups length": (
            lambda: rpa().fit(_X, _Y, groups=g).predict(_X, groups=[1]),
            "groups",
        ),
        "CinC class_priors length": (
            lambda: cinc(class_priors=[0.2, 0.3, 0.5]).fit(_X, ya).predict_proba(_X),
            "class_priors",
        ),
        "CinC binary_class unknown": (
            lambda: cinc(binary_class="Z", binary_weight=0.5).fit(_X, ya),
            "binary_class",
        ),
        "CinC binary_weight 2": (lambda: cinc(binary_weight=2).fit(_X, ya), "binary_weight"),
        "CinC crop_weight -1": (
            lambda: cinc(crop_weight=-1).fit(_X, ya, X_crops=_X, y_crops=ya),
            "crop_weight",
        ),
        "CinC X_crops width": (
            lambda: cinc().fit(_X, ya, X_crops=_X[:, :2], y_crops=ya),
            "X_crops",
        ),
        "CinC y_crops length": (
            lambda: cinc().fit(_X, ya, X_crops=_X, y_crops=ya[:3]),
            "y_crops",
        ),
        "CinC single class": (lambda: cinc().fit(_X, np.array(["N"] * 40)), "2 classes"),
        "CinC predict width": (lambda: cinc().fit(_X, ya).predict(_X[:, :2]), r"X has 2"),
        "AFPriorShiftModel single class": (
            lambda: AFPriorShiftModel(n_estimators=5, random_state=0).fit(_X, np.array(["N"] * 40)),
            "2 classes",
        ),
        "AFPriorShiftModel y length": (
            lambda: AFPriorShiftModel(n_estimators=5, random_state=0).fit(_X, ya[:5]),
            r"one label per row in y",
        ),
    }


CASE_IDS = sorted(_cases())
OWNED_IDS = sorted(_owned_cases())


@pytest.mark.parametrize("case", OWNED_IDS)
def test_owned_bad_input_is_named(case):
    func, named = _owned_cases()[case]
    with pytest.raises((ValueError, TypeError), match=named):
        func()


@pytest.mark.parametrize("case", CASE_IDS)
def test_bad_input_is_named(case):
    """Bad input -> a ValueError/TypeError whose message names the argument."""
    func, named = _cases()[case]
    with pytest.raises((ValueError, TypeError), match=named):
        func()


def test_case_count():
    assert (len(CASE_IDS), len(OWNED_IDS)) == (76, 22)
