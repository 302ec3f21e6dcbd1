"""scikit-learn classifiers around the torch networks (fit/predict/predict_proba)."""

from __future__ import annotations

import inspect

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._rows import n_rows, validate_table
from ._base import TorchClassifierBase, _real, as_signal_batch
from .networks import CNN1D, MLP, ResNet1D

__all__ = ["ResNet1DClassifier", "CNN1DClassifier", "MLPClassifier"]

_COMMON_DOC = """
    epochs : int, default {epochs}
        Maximum number of passes over the training data.
    batch_size : int, default 64
    lr : float, default 1e-3
        AdamW learning rate.
    weight_decay : float, default 1e-3
    validation_fraction : float, default 0.15
        Share of the training records held out (stratified) for early stopping; 0 turns
        early stopping off. The weights of the best validation epoch are kept.
    patience : int, default {patience}
        Epochs without validation improvement before stopping.
    class_weight : {None, "balanced"}, default "balanced"
        Loss weights inversely proportional to class frequency (``pos_weight`` per label
        for multi-label targets).
    random_state : int, RandomState or None
        Seeds torch and the validation split; with an int, CPU training is reproducible.
    device : {"cpu", "cuda", "auto"}, default "cpu"
        Where training and ``predict_proba`` run; ``"auto"`` takes the GPU when torch sees
        one. The fitted network is stored on the CPU either way (``device_`` records where it
        was trained), so a model trained on a GPU pickles and predicts on a CPU-only machine.
        GPU training is not bit-reproducible (cuDNN); CPU training is, with an int seed.
    verbose : bool, default False
"""


def _document(cls):
    """Insert the parameters shared by every torch classifier into the docstring, with the
    defaults of ``epochs`` and ``patience`` read from the class's own ``__init__`` (the
    feature MLP trains longer than the signal networks)."""
    defaults = inspect.signature(cls.__init__).parameters
    common = _COMMON_DOC.strip("\n").lstrip()
    for name in ("epochs", "patience"):
        common = common.replace("{" + name + "}", repr(defaults[name].default))
    cls.__doc__ = cls.__doc__.replace("{common}", common)
    return cls


def _store_params(est, params: dict) -> None:
    """Store each ``__init__`` argument as the attribute of the same name (sklearn style: no
    checks in ``__init__``; ``params`` is the ``locals()`` of that ``__init__``)."""
    for name, value in params.items():
        if name != "self":
            setattr(est, name, value)


class _SignalClassifier(TorchClassifierBase):
    def _prepare(self, X, fitting: bool) -> np.ndarray:
        if not fitting:
            check_is_fitted(self, "lead_mean_")
            if n_rows(X) == 0:  # 0 records: an empty batch of the fitted shape
                return self._empty_batch(X)
        length = self.input_length if fitting else self.input_length_
        Xa = as_signal_batch(X, length)
        if fitting:
            self.input_length_ = Xa.shape[-1]
            self.n_leads_ = Xa.shape[1]
            self.lead_mean_ = Xa.mean(axis=(0, 2), keepdims=True)
            self.lead_std_ = Xa.std(axis=(0, 2), keepdims=True) + 1e-6
        elif Xa.shape[1] != self.n_leads_:
            raise ValueError(f"X has {Xa.shape[1]} leads, the model was fitted on {self.n_leads_}")
        return ((Xa - self.lead_mean_) / self.lead_std_).astype(np.float32)

    def _empty_batch(self, X) -> np.ndarray:
        """``(0, n_leads_, input_length_)`` for 0 records: an empty list, or a 3-D array of
        the fitted lead count (ValueError otherwise, as for records)."""
        if not isinstance(X, list | tuple):
            Xa = _real(X)
            if Xa.ndim != 3:
                raise ValueError(
                    f"X must have shape (n_records, n_leads, n_samples), got shape {Xa.shape}"
                )
            if Xa.shape[1] != self.n_leads_:
                raise ValueError(
                    f"X has {Xa.shape[1]} leads, the model was fitted on {self.n_leads_}"
                )
        return np.zeros((0, self.n_leads_, self.input_length_), dtype=np.float32)


@_document
class ResNet1DClassifier(_SignalClassifier):
    """Residual 1-D CNN on raw multi-lead signals (``resnet1d_wang`` family).

    Parameters
    ----------
    filters : tuple of int, default (32, 64, 64)
        Channels of the residual blocks (Wang et al. use (64, 128, 128); smaller defaults
        keep CPU training short).
    kernel_sizes : tuple of int, default (7, 5, 3)
        Kernel sizes of the convolutions inside each block.
    dropout : float, default 0.3
    stem_stride : int, default 2
        Stride of an xresnet-style stem (strided conv + max-pool) that shortens the
        sequence ``2 * stem_stride`` times before the blocks; 1 removes the stem (the
        original ``resnet1d_wang`` layout).
    pool : bool, default True
        Max-pool by 2 between residual blocks.
    input_length : int, optional
        Crop (centre) or zero-pad records to this many samples; needed when records differ
        in length (CinC 2017). Default: the common length of the training records.
    {common}

    Notes
    -----
    Inputs are standardised per lead with the training mean and standard deviation; NaN
    samples become 0 after standardisation.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((40, 2, 200)).astype("float32")
    >>> y = np.repeat([0, 1], 20); X[y == 1, 0, 50:60] += 3
    >>> clf = ResNet1DClassifier(filters=(8,), epochs=3, random_state=0).fit(X, y)
    >>> clf.predict_proba(X).shape
    (40, 2)
    """

    def __init__(
        self,
        filters=(32, 64, 64),
        kernel_sizes=(7, 5, 3),
        dropout=0.3,
        stem_stride=2,
        pool=True,
        input_length=None,
        epochs=30,
        batch_size=64,
        lr=1e-3,
        weight_decay=1e-3,
        validation_fraction=0.15,
        patience=5,
        class_weight="balanced",
        random_state=None,
        device="cpu",
        verbose=False,
    ):
        _store_params(self, locals())

    def _build(self, n_inputs, n_outputs):
        return ResNet1D(
            n_inputs,
            n_outputs,
            tuple(self.filters),
            tuple(self.kernel_sizes),
            self.dropout,
            int(self.stem_stride),
            bool(self.pool),
        )


@_document
class CNN1DClassifier(_SignalClassifier):
    """Plain 1-D CNN on raw multi-lead signals.

    Parameters
    ----------
    filters : tuple of int, default (32, 64, 64)
    kernel_size : int, default 7
    dropout : float, default 0.3
    input_length : int, optional
        As in :class:`ResNet1DClassifier`.
    {common}
    """

    def __init__(
        self,
        filters=(32, 64, 64),
        kernel_size=7,
        dropout=0.3,
        input_length=None,
        epochs=30,
        batch_size=64,
        lr=1e-3,
        weight_decay=1e-3,
        validation_fraction=0.15,
        patience=5,
        class_weight="balanced",
        random_state=None,
        device="cpu",
        verbose=False,
    ):
        _store_params(self, locals())

    def _build(self, n_inputs, n_outputs):
        return CNN1D(n_inputs, n_outputs, tuple(self.filters), int(self.kernel_size), self.dropout)


@_document
class MLPClassifier(TorchClassifierBase):
    """Multi-layer perceptron on feature matrices ``(n_samples, n_features)``.

    Parameters
    ----------
    hidden : tuple of int, default (64, 32)
    dropout : float, default 0.2
    {common}

    Notes
    -----
    Features are standardised with the training mean and standard deviation; NaN
    features (undefined indices) become 0 after standardisation, i.e. the training mean.
    """

    _input_kind = "features"

    def __init__(
        self,
        hidden=(64, 32),
        dropout=0.2,
        epochs=100,
        batch_size=64,
        lr=1e-3,
        weight_decay=1e-3,
        validation_fraction=0.15,
        patience=10,
        class_weight="balanced",
        random_state=None,
        device="cpu",
        verbose=False,
    ):
        _store_params(self, locals())

    def _prepare(self, X, fitting: bool) -> np.ndarray:
        if not fitting:
            check_is_fitted(self, "feature_mean_")
        kind = getattr(X, "dtype", np.asarray(X).dtype if isinstance(X, list) else None)
        if kind is not None and np.dtype(kind).kind in "USc":  # numeric text was parsed
            raise TypeError(f"X must be a numeric array of real numbers, got dtype {kind}")
        # validate_data: n_features_in_ (and feature names) set at fit, checked at predict
        Xa = validate_table(
            self,
            X,
            reset=fitting,
            dtype=np.float64,
            ensure_all_finite="allow-nan",
            ensure_min_samples=1 if fitting else 0,
        )
        if fitting:
            with np.errstate(invalid="ignore"):
                self.feature_mean_ = np.nan_to_num(np.nanmean(Xa, axis=0))
                self.feature_std_ = np.nan_to_num(np.nanstd(Xa, axis=0), nan=1.0) + 1e-9
        Z = (Xa - self.feature_mean_) / self.feature_std_
        # C order: a Fortran-ordered X would reach torch strided and its matrix product
        # could differ in the last bit from the same X in C order
        return np.ascontiguousarray(np.nan_to_num(Z, nan=0.0), dtype=np.float32)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # NaN features become the training mean
        return tags

    def _build(self, n_inputs, n_outputs):
        return MLP(n_inputs, n_outputs, tuple(self.hidden), self.dropout)
