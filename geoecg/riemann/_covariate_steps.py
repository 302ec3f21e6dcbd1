"""The covariate steps of the PTB-XL pipelines: :class:`AppendCovariates` (append age, sex,
... to the features, by metadata routing) and :class:`CovariateScaler` (impute, standardise,
up-weight the covariate columns). Public through :mod:`geoecg.riemann.pipelines` and
:mod:`geoecg.riemann`.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._rows import validate_table


def _column_name(names: list, j: int) -> str:
    """``'age'`` (a DataFrame's column name) or ``1`` (the column index) for messages."""
    return repr(names[j]) if j < len(names) else str(int(j))


def _raise_on_text(covariates, names: list) -> None:
    """ValueError naming the first covariate column with a value that is not a number
    (text such as ``"M"``); returns when no single value is to blame (e.g. ragged rows)."""
    try:
        A = np.asarray(covariates, dtype=object)
    except ValueError:
        return
    if A.ndim == 1:
        A = A[:, None]
    if A.ndim != 2:
        return
    for j in range(A.shape[1]):
        for v in A[:, j]:
            if np.ndim(v) > 0:
                raise ValueError(
                    "covariates must be a (n_records, n_covariates) table of numbers, got "
                    f"rows of different lengths or nested values (column {_column_name(names, j)})"
                )
            try:
                float(v)
            except (TypeError, ValueError):
                raise ValueError(
                    f"covariates column {_column_name(names, j)} holds {v!r}, not a number: "
                    "encode text covariates as numbers (e.g. sex as 0/1), NaN for missing"
                ) from None


class AppendCovariates(TransformerMixin, BaseEstimator):
    """Append a covariate block (age, sex, ...) to a 2-D feature matrix.

    ``fit`` and ``transform`` request ``covariates`` by default, so inside a ``Pipeline``
    with metadata routing enabled ``pipe.fit(X, y, covariates=W)`` and
    ``pipe.predict_proba(X, covariates=W)`` reach this step.

    Raises
    ------
    ValueError
        In ``fit`` and ``transform``: ``covariates`` is missing, does not have one row per
        row of ``X``, or a column holds text (not a number) or an infinite value (the
        column is named: its DataFrame name, else its index). NaN passes through
        (:class:`CovariateScaler` imputes it).

    Attributes
    ----------
    n_covariates_ : int
        Number of covariate columns seen in ``fit``.
    n_features_in_ : int
        Number of feature columns (covariates not counted).

    Examples
    --------
    >>> import numpy as np
    >>> AppendCovariates().fit_transform(np.zeros((3, 2)), covariates=np.ones((3, 1))).shape
    (3, 3)
    """

    __metadata_request__fit = {"covariates": True}
    __metadata_request__transform = {"covariates": True}

    @staticmethod
    def _covs(covariates, n: int) -> np.ndarray:
        if covariates is None:
            raise ValueError(
                "covariates are required: pass covariates=W (n_records, n_covariates), "
                "with sklearn.set_config(enable_metadata_routing=True) inside a pipeline"
            )
        names = list(getattr(covariates, "columns", []))
        try:
            W = np.asarray(covariates, dtype=float)
        except (TypeError, ValueError):
            _raise_on_text(covariates, names)
            raise
        if W.ndim == 1:
            W = W[:, None]
        if W.ndim != 2 or W.shape[0] != n:
            raise ValueError(f"covariates must have shape ({n}, n_covariates), got {W.shape}")
        bad = np.flatnonzero(np.isinf(W).any(axis=0))
        if bad.size:
            raise ValueError(
                f"covariates column {_column_name(names, bad[0])} holds infinite values; "
                "give a finite number, or NaN for a missing value (CovariateScaler imputes it)"
            )
        return W

    def fit(self, X, y=None, covariates=None):
        """Record the widths of X and of the covariates; returns self."""
        X = validate_table(self, X, reset=True)
        self.n_covariates_ = self._covs(covariates, X.shape[0]).shape[1]
        return self

    def transform(self, X, covariates=None):
        """``[X, covariates]``, shape (n_records, n_features + n_covariates)."""
        check_is_fitted(self, "n_covariates_")
        X = validate_table(self, X, reset=False, ensure_min_samples=0)
        W = self._covs(covariates, X.shape[0])
        if W.shape[1] != self.n_covariates_:
            raise ValueError(f"covariates have {W.shape[1]} columns, fit saw {self.n_covariates_}")
        return np.hstack([X, W])

    def fit_transform(self, X, y=None, covariates=None):
        return self.fit(X, y, covariates=covariates).transform(X, covariates=covariates)


class CovariateScaler(TransformerMixin, BaseEstimator):
    """Standardise every column, then up-weight the trailing covariate columns.

    Parameters
    ----------
    n_covariates : int, default 2
        Number of trailing columns that are covariates (e.g. age in years, sex 0/1). Missing
        values (NaN) of any column are imputed by the training median.
    scale : float, default 10.0
        Factor applied to the standardised covariate columns. Before an L2-penalised linear
        model, a factor ``k`` divides the penalty on the covariate coefficients by ``k**2``:
        with ~1,300 tangent features an inner CV picks a strong penalty that otherwise
        shrinks the two covariates away.

    Attributes
    ----------
    medians_ : ndarray, shape (n_features_in_,)
        Training medians of every column (imputation of NaN; in the PTB-XL pipeline only
        the covariates have missing values).
    mean_, scale_ : ndarray, shape ``(n_features_in_,)``
        Training mean and standard deviation of every column (after imputation; a constant
        column gets scale 1).

    Notes
    -----
    ``StandardScaler`` followed by column weights, with the imputation in front: the
    tangent block and the covariates are each standardised column by column, as in
    ``geoecg bench ptbxl`` (``+cov10``). Infinite values raise ``ValueError``. NaN never
    passes through: it is imputed by the training median of its column. A column that is
    all NaN in ``fit`` has no median; it is imputed as 0 (a constant column, standardised
    to 0) with a ``RuntimeWarning`` naming the column.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 1.0, 20.0], [2.0, 3.0, np.nan], [4.0, 5.0, 60.0]])
    >>> Z = CovariateScaler(n_covariates=1, scale=10.0).fit_transform(X)
    >>> np.round(Z[:, -1], 3).tolist()
    [-12.247, 0.0, 12.247]
    """

    def __init__(self, n_covariates=2, scale=10.0):
        self.n_covariates = n_covariates
        self.scale = scale

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    def _check_params(self, n_features):
        k = self.n_covariates
        if not isinstance(k, (int, np.integer)) or not 0 <= k <= n_features:
            raise ValueError(f"n_covariates must be an int in [0, {n_features}], got {k!r}")
        if not np.isfinite(self.scale) or self.scale <= 0:
            raise ValueError(f"scale must be a positive number, got {self.scale!r}")

    def _impute(self, X):
        X = np.array(X, dtype=float, copy=True)
        return np.where(np.isnan(X), self.medians_, X)

    def fit(self, X, y=None):
        """Learn medians, means and SDs; returns self."""
        X = validate_table(self, X, ensure_all_finite="allow-nan", reset=True)
        self._check_params(X.shape[1])
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN column: median 0
            med = np.nanmedian(X, axis=0)
        empty = np.flatnonzero(np.isnan(X).all(axis=0)) if X.shape[0] else np.zeros(0, int)
        if empty.size:
            warnings.warn(
                f"CovariateScaler: column(s) {empty.tolist()} of X are all NaN in fit; they "
                "are imputed as 0 and carry no information",
                RuntimeWarning,
                stacklevel=2,
            )
        self.medians_ = np.where(np.isfinite(med), med, 0.0)
        Xi = self._impute(X)
        self.mean_ = Xi.mean(axis=0)
        sd = Xi.std(axis=0)
        self.scale_ = np.where(sd > 0, sd, 1.0)
        return self

    def transform(self, X):
        """Imputed, standardised columns; covariate columns multiplied by ``scale``."""
        check_is_fitted(self, "scale_")
        X = validate_table(
            self, X, ensure_all_finite="allow-nan", reset=False, ensure_min_samples=0
        )
        Z = (self._impute(X) - self.mean_) / self.scale_
        if self.n_covariates:
            Z[:, -self.n_covariates :] *= self.scale
        return Z

    def get_feature_names_out(self, input_features=None):
        """The input names (``x0`` ... when none were seen)."""
        check_is_fitted(self, "scale_")
        if input_features is None:
            input_features = getattr(self, "feature_names_in_", None)
        if input_features is None:
            input_features = [f"x{i}" for i in range(self.n_features_in_)]
        return np.asarray(input_features, dtype=object)
