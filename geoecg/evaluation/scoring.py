"""Scorers for estimators that predict from covariates (``predict_proba(X, covariates=W)``).

A scikit-learn scorer such as ``"roc_auc"`` calls ``estimator.predict_proba(X)`` and hands
any metadata to the *metric*, never to the estimator, so a covariate-adjusted model scored
by ``cross_validate(..., scoring="roc_auc")`` cannot see the test fold's covariates.
:func:`covariate_scorer` wraps any scikit-learn scorer so that the covariates routed to it
(metadata routing) reach the estimator's prediction methods.
"""

from __future__ import annotations

import functools

__all__ = ["CovariateScorer", "covariate_scorer"]

_PREDICT = ("predict", "predict_proba", "predict_log_proba", "decision_function")


class _WithCovariates:
    """The fitted estimator seen by a scorer, with ``covariates`` bound to its predictions."""

    def __init__(self, estimator, covariates):
        self._estimator = estimator
        self._covariates = covariates

    def __getattr__(self, name):
        attr = getattr(self._estimator, name)
        if name not in _PREDICT:
            return attr

        @functools.wraps(attr)  # scikit-learn reads the method's __name__
        def bound(X):
            return attr(X, covariates=self._covariates)

        return bound


class CovariateScorer:
    """A scorer that passes ``covariates`` to the estimator's prediction methods.

    Parameters
    ----------
    scoring : str or callable, default="roc_auc"
        A scikit-learn scorer name (``"roc_auc"``, ``"neg_log_loss"``, ``"accuracy"`` ...)
        or a scorer callable ``scorer(estimator, X, y)``.

    Notes
    -----
    Use it with metadata routing on (``sklearn.set_config(enable_metadata_routing=True)``
    or ``sklearn.config_context``), request the covariates in ``fit`` of the estimator,
    and pass them as ``params`` (``cross_validate``) or fit keywords (``GridSearchCV``)::

        clf = CovariateAdjustedClassifier().set_fit_request(covariates=True)
        cross_validate(clf, X, y, scoring=covariate_scorer("roc_auc"),
                       params={"covariates": W})
        GridSearchCV(clf, grid, scoring=covariate_scorer("roc_auc")).fit(X, y, covariates=W)

    The scorer requests ``covariates`` for ``score`` by itself; each test fold gets its own
    rows of ``W``. Without ``covariates`` it raises a ``ValueError`` that says so (a plain
    ``scoring="roc_auc"`` cannot pass them and leaves NaN scores with a warning).

    Examples
    --------
    >>> import sklearn
    >>> from sklearn.model_selection import cross_val_score
    >>> from geoecg.estimators import CovariateAdjustedClassifier
    >>> from geoecg.simulate import AnticausalSCM, Environment
    >>> s = AnticausalSCM().sample(600, Environment(), random_state=0)
    >>> with sklearn.config_context(enable_metadata_routing=True):
    ...     clf = CovariateAdjustedClassifier().set_fit_request(covariates=True)
    ...     auc = cross_val_score(clf, s.X, s.y, cv=3, scoring=covariate_scorer("roc_auc"),
    ...                           params={"covariates": s.covariates})
    >>> bool(((auc > 0.5) & (auc <= 1.0)).all())
    True
    """

    def __init__(self, scoring="roc_auc"):
        from sklearn.metrics import get_scorer

        if not (isinstance(scoring, str) or callable(scoring)):
            raise TypeError(f"scoring must be a scorer name or callable, got {scoring!r}")
        self.scoring = scoring
        self._scorer = get_scorer(scoring)

    def __call__(self, estimator, X, y_true, covariates=None, **kwargs):
        """Score ``estimator`` on ``(X, y_true)``, predicting with ``covariates``."""
        if covariates is None:
            raise ValueError(
                "covariate_scorer got no covariates: pass them as params={'covariates': W} "
                "(cross_validate) or covariates=W (GridSearchCV.fit) with "
                "sklearn.set_config(enable_metadata_routing=True)"
            )
        return self._scorer(_WithCovariates(estimator, covariates), X, y_true, **kwargs)

    def get_metadata_routing(self):
        """Metadata request: ``covariates`` for ``score`` (scikit-learn metadata routing)."""
        from sklearn.utils.metadata_routing import MetadataRequest

        req = MetadataRequest(owner=type(self).__name__)
        req.score.add_request(param="covariates", alias=True)
        return req

    def __repr__(self) -> str:
        return f"covariate_scorer({self.scoring!r})"


def covariate_scorer(scoring="roc_auc") -> CovariateScorer:
    """Wrap a scikit-learn scorer so that routed ``covariates`` reach the estimator.

    Parameters
    ----------
    scoring : str or callable, default="roc_auc"
        Scorer name or callable, as accepted by :func:`sklearn.metrics.get_scorer`.

    Returns
    -------
    CovariateScorer
        Use it as ``scoring=`` of ``cross_validate``, ``cross_val_score`` or
        ``GridSearchCV`` (see :class:`CovariateScorer` for the whole recipe).

    Examples
    --------
    >>> from geoecg.estimators import CovariateAdjustedClassifier
    >>> from geoecg.simulate import AnticausalSCM, Environment
    >>> train = AnticausalSCM().sample(600, Environment(), random_state=0)
    >>> test = AnticausalSCM().sample(600, Environment(), random_state=1)
    >>> clf = CovariateAdjustedClassifier().fit(train.X, train.y, covariates=train.covariates)
    >>> scorer = covariate_scorer("neg_log_loss")
    >>> round(float(scorer(clf, test.X, test.y, covariates=test.covariates)), 3)
    -0.278
    """
    return CovariateScorer(scoring)
