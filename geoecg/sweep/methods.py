"""Methods a sweep can compare, by name, with how each is fitted and what it sees."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

from ..estimators import (
    AnchorClassifier,
    CovariateAdjustedClassifier,
    CovariateAdjustedGLM,
    GroupDROClassifier,
    ImportanceWeightedClassifier,
    IRMClassifier,
    VRExClassifier,
)

__all__ = ["Method", "METHODS", "reference_model"]

#: Inverse L2 strength of the plain logistic regressions (nearly unpenalised, so the
#: reference of the gaps is the in-class maximum-likelihood fit).
LOGREG_C = 100.0


def _logreg(**kw):
    return LogisticRegression(C=kw.pop("C", LOGREG_C), max_iter=kw.pop("max_iter", 1000), **kw)


@dataclass(frozen=True)
class Method:
    """A sweep method.

    Attributes
    ----------
    name : str
    inputs : {"X", "XW"}
        Model class: a function of X alone or of X and the covariates W. The transfer gaps
        use a logistic regression on the same inputs fitted in the test environment.
    uses : str
        What the fit sees besides (X, y): ``""``, ``"covariates"``, ``"domains"`` or
        ``"covariates+target"`` (unlabelled test-environment covariates).
    """

    name: str
    inputs: str
    uses: str

    def build(self, params: dict):
        params = dict(params)
        if self.name == "x_only":
            return _logreg(**params)
        if self.name == "x_plus_w":
            return CovariateAdjustedClassifier(_logreg(**params))
        if self.name == "glm":
            return CovariateAdjustedGLM(**params)
        if self.name == "importance":
            clip = params.pop("clip", 20.0)
            return ImportanceWeightedClassifier(_logreg(**params), clip=clip)
        cls = {
            "irm": IRMClassifier,
            "vrex": VRExClassifier,
            "groupdro": GroupDROClassifier,
            "anchor": AnchorClassifier,
        }[self.name]
        return cls(**params)

    def fit(self, est, train, target=None) -> _Fitted:
        """Fit ``est`` on the training sample, X standardised with the training mean and SD."""
        scaler = _Scaler.fit(train.X)
        tr = scaler(train)
        if self.uses == "covariates":
            est.fit(tr.X, tr.y, covariates=tr.covariates)
        elif self.uses == "domains":
            est.fit(tr.X, tr.y, domains=tr.domain)
        elif self.uses == "covariates+target":
            est.fit(tr.X, tr.y, covariates=tr.covariates, target=target.covariates)
        else:
            est.fit(tr.X, tr.y)
        return _Fitted(est, scaler, self.inputs)

    @staticmethod
    def predict(fitted: _Fitted, sample) -> np.ndarray:
        return fitted.predict(sample)


@dataclass(frozen=True)
class _Scaler:
    """Standardisation of X (part of every model class, so features of any scale work)."""

    mean: np.ndarray
    sd: np.ndarray

    @classmethod
    def fit(cls, X):
        X = np.asarray(X, dtype=float)
        sd = X.std(axis=0) if len(X) else np.ones(X.shape[1])
        return cls(X.mean(axis=0) if len(X) else np.zeros(X.shape[1]), np.where(sd > 0, sd, 1.0))

    def __call__(self, sample):
        return dataclasses.replace(sample, X=(np.asarray(sample.X, float) - self.mean) / self.sd)


@dataclass(frozen=True)
class _Fitted:
    est: object
    scaler: _Scaler
    inputs: str

    def predict(self, sample) -> np.ndarray:
        s = self.scaler(sample)
        if self.inputs == "XW":
            return self.est.predict_proba(s.X, covariates=s.covariates)[:, 1]
        return self.est.predict_proba(s.X)[:, 1]


#: Method name -> ``Method``: the models fitted in every cell of a shift sweep.
METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        Method("x_only", "X", ""),
        Method("x_plus_w", "XW", "covariates"),
        Method("glm", "XW", "covariates"),
        Method("irm", "X", "domains"),
        Method("vrex", "X", "domains"),
        Method("groupdro", "X", "domains"),
        Method("anchor", "X", "domains"),
        Method("importance", "X", "covariates+target"),
    )
}


def reference_model(inputs: str, sample):
    """The in-class reference: logistic regression on X (or X+W) fitted on ``sample``.

    Parameters
    ----------
    inputs : {"X", "XW"}
        ``"XW"``: the features and the covariates; anything else: the features only.
    sample : geoecg.simulate.scm.SCMSample
        The sample to fit on (usually a large one from the test environment).

    Returns
    -------
    callable
        Maps a sample to the predicted P(Y = 1), ndarray of shape (n_samples,).
    """
    name = "x_plus_w" if inputs == "XW" else "x_only"
    fitted = METHODS[name].fit(METHODS[name].build({}), sample)
    return fitted.predict
