"""Private base of the feature transformers that take a list of records and learn their
output column names in ``fit`` (ClinicalFeatures, HRVFeatures, BeatFeatures)."""

from __future__ import annotations

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted


class _FittedNamesTransformer(TransformerMixin, BaseEstimator):
    """Shared ``get_feature_names_out`` and tags; subclasses set ``feature_names_out_`` in fit."""

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns (an object array; units in the names where they have one)."""
        check_is_fitted(self, "feature_names_out_")
        return self.feature_names_out_.copy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.requires_fit = True
        return tags
