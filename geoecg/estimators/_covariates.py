"""Encode a covariate table (age, sex, site, ...) into a numeric design block."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["CovariateEncoder"]


def _check_finite(v: np.ndarray, column) -> None:
    """A numeric covariate with NaN or inf is refused, naming the column (inf used to
    reach the standardisation and the model as NaN)."""
    if np.isnan(v).any():
        raise ValueError(f"covariate {column!r} has missing values; impute or drop them")
    if np.isinf(v).any():
        raise ValueError(f"covariate {column!r} has infinite values; expected finite numbers")


class CovariateEncoder:
    """Standardise numeric covariates, one-hot encode categorical ones.

    Numeric columns are centred and scaled by their fit-time mean and standard deviation
    (a constant column is only centred), except 0/1 indicator columns (e.g. sex), which
    pass through unchanged so that their coefficient is per category; categorical columns
    (object, string, category,
    bool dtypes) get one indicator per level seen at fit time except the first
    (``drop_first=True``, needed for an unpenalised GLM) or all levels. Levels unseen at
    fit time encode as all zeros. A 2-D array is treated as all-numeric columns.
    """

    def __init__(self, drop_first: bool = True):
        self.drop_first = drop_first

    @staticmethod
    def _frame(W, n_rows: int | None) -> pd.DataFrame:
        if W is None:
            raise ValueError(
                "covariates are required: pass covariates=W (a DataFrame or 2-D array with "
                "one row per sample), e.g. est.fit(X, y, covariates=W)"
            )
        if isinstance(W, pd.Series):
            W = W.to_frame()
        if not isinstance(W, pd.DataFrame):
            arr = np.asarray(W)
            if arr.ndim == 1:
                arr = arr[:, None]
            if arr.ndim != 2:
                raise ValueError(
                    f"covariates must be 2-D (n_samples, n_covariates), got {arr.shape}"
                )
            W = pd.DataFrame(arr, columns=[f"w{i}" for i in range(arr.shape[1])])
        if n_rows is not None and len(W) != n_rows:
            raise ValueError(f"covariates have {len(W)} rows but X has {n_rows} samples")
        return W.reset_index(drop=True)

    @staticmethod
    def _is_cat(s: pd.Series) -> bool:
        return not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)

    def fit(self, W, n_rows: int | None = None) -> CovariateEncoder:
        W = self._frame(W, n_rows)
        self.columns_ = list(W.columns)
        self.numeric_, self.levels_ = {}, {}
        for c in W.columns:
            s = W[c]
            if self._is_cat(s):
                lv = pd.unique(s.astype(object).dropna())
                lv = sorted(lv, key=str)
                self.levels_[c] = lv[1:] if self.drop_first else lv
            else:
                v = s.to_numpy(float)
                _check_finite(v, c)
                if v.size and np.isin(v, (0.0, 1.0)).all():
                    self.numeric_[c] = (0.0, 1.0)  # indicator: keep as is
                    continue
                sd = float(v.std()) if v.size else 1.0
                self.numeric_[c] = (float(v.mean()) if v.size else 0.0, sd if sd > 0 else 1.0)
        return self

    def transform(self, W, n_rows: int | None = None) -> np.ndarray:
        if W is None:
            raise ValueError(
                "covariates are required to predict: pass covariates=W (one row per sample). "
                "To score in cross_validate or GridSearchCV, use "
                "scoring=geoecg.evaluation.covariate_scorer('roc_auc') with "
                "sklearn.set_config(enable_metadata_routing=True) and "
                "est.set_fit_request(covariates=True); a plain scoring='roc_auc' cannot hand "
                "covariates to the estimator"
            )
        W = self._frame(W, n_rows)
        missing = [c for c in self.columns_ if c not in W.columns]
        if missing:
            raise ValueError(f"covariates lack the columns seen at fit: {missing}")
        cols = []
        for c in self.columns_:
            if c in self.numeric_:
                m, sd = self.numeric_[c]
                v = W[c].to_numpy(float)
                _check_finite(v, c)
                cols.append((v - m) / sd)
            else:
                s = W[c].astype(object).to_numpy()
                cols.extend((s == lv).astype(float) for lv in self.levels_[c])
        if not cols:
            return np.empty((len(W), 0))
        return np.column_stack(cols)

    def names(self) -> list[str]:
        out = []
        for c in self.columns_:
            if c in self.numeric_:
                out.append(str(c))
            else:
                out.extend(f"{c}[{lv}]" for lv in self.levels_[c])
        return out
