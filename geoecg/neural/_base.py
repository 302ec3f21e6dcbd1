"""Shared scikit-learn plumbing for the torch classifiers: data, training loop, early stopping."""

from __future__ import annotations

import copy
import io
import numbers

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d

from .._rows import zero_rows
from .._validation import check_number

__all__ = ["TorchClassifierBase", "as_signal_batch"]


def as_signal_batch(X, length: int | None = None) -> np.ndarray:
    """Turn ``X`` into a float32 ``(n_records, n_leads, n_samples)`` array.

    Parameters
    ----------
    X : ndarray (n_records, n_leads, n_samples) or list of (n_leads, n_samples) arrays
        Signals in mV. Lists may hold records of different lengths.
    length : int, optional
        Crop (centre) or zero-pad every record to this many samples. Required for lists of
        unequal lengths.

    Returns
    -------
    ndarray of float32
        NaN samples are replaced by 0.
    """
    if length is not None and (
        isinstance(length, bool) or not isinstance(length, numbers.Integral) or length < 1
    ):
        raise ValueError(f"input_length must be None or an integer >= 1, got {length!r}")
    if isinstance(X, list | tuple):
        recs = [np.atleast_2d(_real(x)) for x in X]
        if not recs:
            raise ValueError("X is an empty list; expected at least one record")
        if length is None:
            lens = {r.shape[-1] for r in recs}
            if len(lens) > 1:
                raise ValueError(
                    "records have different lengths; set input_length to crop/pad them"
                )
            length = lens.pop()
        n_leads = {r.shape[0] for r in recs}
        if len(n_leads) > 1:
            raise ValueError(f"records have different numbers of leads: {sorted(n_leads)}")
        out = np.zeros((len(recs), recs[0].shape[0], length), dtype=np.float32)
        for i, r in enumerate(recs):
            n = r.shape[-1]
            if n >= length:
                a = (n - length) // 2
                out[i] = r[:, a : a + length]
            else:
                out[i, :, :n] = r
        X = out
    else:
        X = _real(X).astype(np.float32)
        if X.ndim != 3:
            raise ValueError(
                f"X must have shape (n_records, n_leads, n_samples), got shape {X.shape}"
            )
        if 0 in X.shape:
            raise ValueError(
                f"X must hold at least one record, lead and sample, got shape {X.shape}"
            )
        if length is not None and X.shape[-1] != length:
            return as_signal_batch(list(X), length)
    if np.isinf(X).any():  # inf used to become 0 silently, like a missing sample
        raise ValueError("X contains infinite values; use NaN for missing samples")
    X = np.nan_to_num(X, nan=0.0)
    return np.ascontiguousarray(X, dtype=np.float32)


def _check_zero_records(clf, X, **_) -> None:
    """A 0-record ``X`` of ``score`` goes through the fitted model's input checks (lead
    count, columns, text); ValueError / TypeError on a mismatch."""
    clf._prepare(X, fitting=False)


def _real(X) -> np.ndarray:
    """``X`` as float64, refusing text, complex and object input (a TypeError naming X:
    numeric text used to be parsed, complex parts dropped with a warning)."""
    a = np.asarray(X)
    if a.dtype.kind not in "biuf":
        raise TypeError(f"X must be a numeric array of real numbers, got dtype {a.dtype}")
    return a.astype(np.float64, copy=False)


def _check_ints(name: str, v, *, allow_empty: bool) -> None:
    """A tuple of integers >= 1 (layer widths, kernel sizes)."""
    try:
        vals = list(v)
    except TypeError:
        raise ValueError(f"{name} must be a tuple of integers >= 1, got {v!r}") from None
    bad = [x for x in vals if isinstance(x, bool) or not isinstance(x, numbers.Integral) or x < 1]
    if bad or (not vals and not allow_empty):
        raise ValueError(
            f"{name} must be a {'' if allow_empty else 'non-empty '}tuple of "
            f"integers >= 1, got {v!r}"
        )


def _check_input_size(model, Xa: np.ndarray) -> None:
    """One record through the untrained network (eval mode, no gradient, no random draw):
    records too short for its pooling stages are a ValueError naming X and the length,
    not torch's "Invalid computed output size" in the first batch."""
    model.eval()
    try:
        with torch.no_grad():
            model(torch.from_numpy(Xa[:1]))
    except RuntimeError as exc:
        raise ValueError(
            f"X records of {Xa.shape[-1]} samples are too short for this network "
            f"({exc}); pass longer records, set input_length, or use fewer pooling stages"
        ) from None


class TorchClassifierBase(ClassifierMixin, BaseEstimator):
    """Training loop shared by the torch classifiers (subclasses build the network).

    Subclasses implement ``_build(n_inputs, n_outputs)`` returning a ``torch.nn.Module``
    and ``_prepare(X, fitting)`` returning a float32 array; ``_input_kind`` is
    ``"signal"`` or ``"features"``.
    """

    _input_kind = "signal"

    # ------------------------------------------------------------------ data
    def _prepare(self, X, fitting: bool) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _encode_y(self, y) -> tuple[np.ndarray, bool]:
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None"
            )
        y_arr = np.asarray(y)
        if y_arr.ndim == 2 and y_arr.shape[1] > 1:
            if not np.isin(y_arr, (0, 1)).all():
                raise ValueError("a 2-D y must be a 0/1 multi-label indicator matrix")
            self.classes_ = np.arange(y_arr.shape[1])
            return y_arr.astype(np.float32), True
        if y_arr.ndim == 2 and y_arr.shape[1] == 1:
            y_arr = column_or_1d(y_arr, warn=True)  # DataConversionWarning, as in sklearn
        if y_arr.ndim != 1:
            raise ValueError(f"y must be 1-D labels or a 2-D indicator matrix, got {y_arr.shape}")
        if y_arr.dtype.kind in "fc" and not np.isfinite(y_arr).all():
            raise ValueError("Input y contains NaN or infinity; expected class labels")
        check_classification_targets(y_arr)  # a continuous y gave one class per value
        self._le = LabelEncoder().fit(y_arr)
        self.classes_ = self._le.classes_
        if len(self.classes_) < 2:
            raise ValueError(f"y has a single class {self.classes_} (1 class); need at least two")
        return self._le.transform(y_arr).astype(np.int64), False

    def _class_weights(self, y_enc: np.ndarray, multilabel: bool) -> torch.Tensor | None:
        if self.class_weight is None:
            return None
        if self.class_weight != "balanced":
            raise ValueError(f"class_weight must be None or 'balanced', got {self.class_weight!r}")
        if multilabel:
            pos = y_enc.mean(axis=0).clip(1e-3, 1 - 1e-3)
            return torch.tensor((1 - pos) / pos, dtype=torch.float32)  # pos_weight
        counts = np.bincount(y_enc, minlength=len(self.classes_)).astype(np.float64)
        w = len(y_enc) / (len(counts) * np.maximum(counts, 1))
        return torch.tensor(w, dtype=torch.float32)

    def _check_params(self) -> None:
        for name in ("epochs", "batch_size", "patience"):
            v = getattr(self, name)
            if not isinstance(v, numbers.Integral) or v < 1:
                raise ValueError(f"{name} must be a positive int, got {v!r}")
        if not 0 <= self.validation_fraction < 1:
            raise ValueError(
                f"validation_fraction must be in [0, 1), got {self.validation_fraction}"
            )
        check_number(self.lr, "lr", minimum=0.0)
        check_number(self.weight_decay, "weight_decay", minimum=0.0, strict=False)
        if check_number(self.dropout, "dropout", minimum=0.0, strict=False) >= 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout!r}")
        for name, allow_empty in (("filters", False), ("kernel_sizes", False), ("hidden", True)):
            if hasattr(self, name):  # the architecture of each subclass
                _check_ints(name, getattr(self, name), allow_empty=allow_empty)
        for name in ("kernel_size", "stem_stride"):
            v = getattr(self, name, 1)
            if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1:
                raise ValueError(f"{name} must be an integer >= 1, got {v!r}")
        if self.device not in ("cpu", "cuda", "auto"):
            raise ValueError(f"device must be 'cpu', 'cuda' or 'auto', got {self.device!r}")

    def _device(self) -> torch.device:
        if self.device == "auto":
            return torch.device("cuda" if torch.cuda.is_available() else "cpu")
        if self.device == "cuda" and not torch.cuda.is_available():
            raise ValueError("device='cuda' but no CUDA device is available")
        return torch.device(self.device)

    # ------------------------------------------------------------------ training
    def fit(self, X, y):
        """Train with Adam, early stopping on a validation split, best weights restored.

        Parameters
        ----------
        X : array-like
            Signals ``(n_records, n_leads, n_samples)`` (or a list) for signal models,
            ``(n_samples, n_features)`` for feature models.
        y : array-like of shape (n_records,) or (n_records, n_labels)
            Class labels, or a 0/1 indicator matrix for multi-label tasks.

        Returns
        -------
        self
        """
        self._check_params()
        rs = check_random_state(self.random_state)
        seed = int(rs.randint(0, 2**31 - 1))
        torch.manual_seed(seed)
        Xa = self._prepare(X, fitting=True)
        y_enc, multilabel = self._encode_y(y)
        if len(Xa) != len(y_enc):
            raise ValueError(f"X has {len(Xa)} records but y has {len(y_enc)} labels")
        self.multilabel_ = multilabel
        dev = self._device()
        n_out = len(self.classes_)
        model = self._build(Xa.shape[1], n_out)
        _check_input_size(model, Xa)
        model = model.to(dev)

        idx = np.arange(len(Xa))
        if self.validation_fraction > 0 and len(Xa) >= 10:
            strat = None if multilabel else y_enc
            try:
                tr, va = train_test_split(
                    idx, test_size=self.validation_fraction, random_state=seed, stratify=strat
                )
            except ValueError:  # a class too small to stratify
                tr, va = train_test_split(
                    idx, test_size=self.validation_fraction, random_state=seed
                )
        else:
            tr, va = idx, idx[:0]
        w = self._class_weights(y_enc[tr], multilabel)
        if multilabel:
            loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=None if w is None else w.to(dev))
        else:
            loss_fn = torch.nn.CrossEntropyLoss(weight=None if w is None else w.to(dev))
        opt = torch.optim.AdamW(model.parameters(), lr=self.lr, weight_decay=self.weight_decay)
        Xt, yt = self._to_device(torch.from_numpy(Xa), torch.from_numpy(y_enc), dev)
        gen = torch.Generator().manual_seed(seed)
        best, best_state, bad = np.inf, None, 0
        self.history_ = []
        for epoch in range(self.epochs):
            model.train()
            perm = torch.from_numpy(tr[torch.randperm(len(tr), generator=gen).numpy()])
            perm = perm.to(Xt.device)
            total = 0.0
            for start in range(0, len(perm), self.batch_size):
                b = perm[start : start + self.batch_size]
                xb, yb = Xt[b].to(dev), yt[b].to(dev)
                opt.zero_grad()
                loss = loss_fn(model(xb), yb)
                loss.backward()
                opt.step()
                total += float(loss.detach()) * len(b)
            train_loss = total / max(len(tr), 1)
            val_loss = self._eval_loss(model, loss_fn, Xt, yt, va, dev) if len(va) else train_loss
            self.history_.append({"epoch": epoch, "train_loss": train_loss, "val_loss": val_loss})
            if self.verbose:
                print(f"epoch {epoch}: train {train_loss:.4f} val {val_loss:.4f}")
            if val_loss < best - 1e-4:
                best, bad = val_loss, 0
                best_state = copy.deepcopy(model.state_dict())
            else:
                bad += 1
                if bad >= self.patience:
                    break
        if best_state is not None:
            model.load_state_dict(best_state)
        self.model_ = model.to("cpu").eval()  # stored on CPU: pickles load on any machine
        self.device_ = dev.type
        self.n_epochs_ = len(self.history_)
        return self

    @staticmethod
    def _to_device(Xt, yt, dev):
        """Move the whole training set to the GPU once (per-batch copies dominate otherwise).

        Falls back to per-batch copies from host memory when the set does not fit.
        """
        if dev.type == "cpu":
            return Xt, yt
        try:
            return Xt.to(dev), yt.to(dev)
        except torch.OutOfMemoryError:
            torch.cuda.empty_cache()
            return Xt, yt

    def _eval_loss(self, model, loss_fn, Xt, yt, idx, dev) -> float:
        model.eval()
        total = 0.0
        with torch.no_grad():
            for start in range(0, len(idx), self.batch_size):
                b = torch.from_numpy(idx[start : start + self.batch_size]).to(Xt.device)
                total += float(loss_fn(model(Xt[b].to(dev)), yt[b].to(dev))) * len(b)
        return total / len(idx)

    # ------------------------------------------------------------------ prediction
    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities ``(n_records, n_classes)`` (independent sigmoids if multi-label).

        Inference runs on the current ``device`` (``"cuda"`` moves a copy of the network to the
        GPU for the call, in batches of 256 records); the stored model stays on the CPU.
        """
        check_is_fitted(self, "model_")
        Xa = torch.from_numpy(self._prepare(X, fitting=False))
        dev = self._device()
        model = self.model_ if dev.type == "cpu" else copy.deepcopy(self.model_).to(dev)
        model.eval()
        out = []
        with torch.no_grad():
            for start in range(0, len(Xa), 256):
                logits = model(Xa[start : start + 256].to(dev))
                p = torch.sigmoid(logits) if self.multilabel_ else torch.softmax(logits, dim=1)
                out.append(p.cpu().numpy())
        if not out:  # 0 records: an empty (0, n_classes) matrix
            return np.zeros((0, len(self.classes_)))
        return np.concatenate(out).astype(np.float64)

    def predict(self, X) -> np.ndarray:
        """Predicted labels (0/1 indicator matrix at threshold 0.5 if multi-label)."""
        p = self.predict_proba(X)
        if self.multilabel_:
            return (p >= 0.5).astype(np.int64)
        return self.classes_[np.argmax(p, axis=1)]

    #: Mean accuracy (scikit-learn's); 0 records: NaN with a RuntimeWarning, ``X`` still
    #: checked against the fitted leads / columns.
    score = zero_rows("score", check=_check_zero_records)(ClassifierMixin.score)

    # ------------------------------------------------------------------ pickling
    def __getstate__(self):
        state = self.__dict__.copy()
        if "model_" in state:
            buf = io.BytesIO()
            torch.save(state.pop("model_"), buf)
            state["_model_bytes"] = buf.getvalue()
        return state

    def __setstate__(self, state):
        blob = state.pop("_model_bytes", None)
        self.__dict__.update(state)
        if blob is not None:
            self.model_ = torch.load(io.BytesIO(blob), weights_only=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = False
        tags.classifier_tags.multi_label = True
        return tags
