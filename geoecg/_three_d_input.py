"""``ThreeDInputMixin``: the scikit-learn tags of an estimator whose ``X`` is a 3-D stack.

The signal transformers take records ``(n_records, n_leads, n_samples)`` (or lists of
records of different lengths) and the Riemannian steps take SPD matrices
``(n_matrices, n_channels, n_channels)``; neither takes the 2-D feature tables that
scikit-learn's estimator checks feed by default. This mixin says so once, for all of them.
"""

from __future__ import annotations

__all__ = ["ThreeDInputMixin"]


class ThreeDInputMixin:
    """Tags: ``X`` is 3-D (``three_d_array``), never a 2-D table (``two_d_array``).

    Put it left of scikit-learn's mixins and ``BaseEstimator`` (``class T(ThreeDInputMixin,
    TransformerMixin, BaseEstimator)``) so that its ``__sklearn_tags__`` edits theirs.

    Attributes
    ----------
    _requires_fit : bool, default True
        Class attribute copied into ``tags.requires_fit``; a stateless transformer whose
        ``transform`` works without ``fit`` sets it to False.
    """

    _requires_fit: bool = True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = self._requires_fit
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        return tags
