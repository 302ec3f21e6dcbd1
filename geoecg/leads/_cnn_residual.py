"""A small dilated 1-D convolutional network on the residual of a lead reconstructor.

:class:`CNNResidualReconstructor` wraps a fitted-on-demand :class:`LeadReconstructor`
(``base``) and adds a correction to its reconstructed leads: a few-thousand-parameter
network of dilated convolutions (receptive field about 0.6 s) reads the source leads and the
base's reconstruction of the other leads and predicts ``true - base`` for each reconstructed
lead. The network is trained on *cross-fitted* base outputs (each training record
reconstructed by a base fitted without its group), so that it learns the base's error on
unseen records, not on records it was fitted to. The last layer starts at zero: before any
epoch the output is the base's. Registry entry: ``docs/benchmarks/leads.md``, session 23.

PyTorch is the optional extra ``neural``; it is imported when the estimator is fitted or
applied, with an ``ImportError`` naming the extra when it is missing.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.model_selection import GroupKFold, KFold
from sklearn.utils.validation import check_is_fitted

from .names import STANDARD_LEADS

__all__ = ["CNNResidualReconstructor"]

#: Dilations (samples at 100 Hz) of the convolution stack; scaled by ``fs / 100``.
DILATIONS_100HZ = (1, 2, 4, 8)


def _torch():
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - exercised only without torch
        raise ImportError(
            "CNNResidualReconstructor needs PyTorch, the optional extra 'neural': "
            "pip install 'geoecg[neural]' (CPU wheel: pip install torch==2.13.0)"
        ) from exc
    return torch


def _net_class():
    _torch()
    from ._cnn_net import ResidualNet

    return ResidualNet


def _check_int(name, v, lo):
    if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < lo:
        raise ValueError(f"{name} must be an integer >= {lo}, got {v!r}")


def _check_float(name, v, lo, strict):
    ok = isinstance(v, numbers.Real) and not isinstance(v, bool) and np.isfinite(v)
    if not ok or (v <= lo if strict else v < lo):
        raise ValueError(
            f"{name} must be a finite number {'>' if strict else '>='} {lo}, got {v!r}"
        )


class CNNResidualReconstructor(TransformerMixin, BaseEstimator):
    """A lead reconstructor plus a small convolutional network on its residual.

    Parameters
    ----------
    base : LeadReconstructor
        The reconstructor whose output is corrected (cloned at ``fit``), e.g. the
        single-lead default ``LeadReconstructor(("II",), fs=100, n_taps=2,
        phase_edges_s=BEAT_PHASE_EDGES_S, rectified=True, template_neighbors=5,
        map_neighbors=20)``. It must have ``fs``.
    epochs : int, default 20
        Passes over the training records (0: the base's output, bit for bit).
    weight_decay : float, default 1e-3
        Decoupled weight decay of AdamW (per step, times the learning rate).
    channels : int, default 16
        Width of the convolution stack.
    kernel_size : int, default 5
        Taps of each dilated convolution; with the dilations 1, 2, 4, 8 (at 100 Hz) the
        receptive field is ``1 + (kernel_size - 1) * 15`` samples (0.61 s at 100 Hz).
    learning_rate : float, default 3e-3
        AdamW step size (constant).
    batch_size : int, default 16
        Records per step.
    cross_fit : int, default 3
        Folds of the cross-fitting of the base (grouped by ``groups`` when given).
    random_state : int, default 0
        Seed of the network's initialisation and the order of the records
        (``torch.manual_seed``; training runs on one thread).

    Attributes
    ----------
    base_ : LeadReconstructor
        The base fitted on all training records.
    net_ : torch.nn.Module
        The trained network (float32, CPU).
    in_scale_, out_scale_ : ndarray of float
        Per-channel SD (mV) of the network's inputs and targets on the training records.
    invalid_records_ : ndarray of int
        Records of the last ``transform`` the base found invalid (``on_invalid="nan"``).
    """

    def __init__(
        self,
        base=None,
        *,
        epochs=20,
        weight_decay=1e-3,
        channels=16,
        kernel_size=5,
        learning_rate=3e-3,
        batch_size=16,
        cross_fit=3,
        random_state=0,
    ):
        self.base = base
        self.epochs = epochs
        self.weight_decay = weight_decay
        self.channels = channels
        self.kernel_size = kernel_size
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.cross_fit = cross_fit
        self.random_state = random_state

    def _check_params(self):
        from .reconstruct import LeadReconstructor

        if not isinstance(self.base, LeadReconstructor):
            raise TypeError(f"base must be a LeadReconstructor, got {type(self.base).__name__}")
        if self.base.fs is None:
            raise ValueError("base must have fs (Hz): the dilations are set in seconds")
        _check_int("epochs", self.epochs, 0)
        _check_int("channels", self.channels, 1)
        _check_int("kernel_size", self.kernel_size, 1)
        _check_int("batch_size", self.batch_size, 1)
        _check_int("cross_fit", self.cross_fit, 2)
        _check_int("random_state", self.random_state, 0)
        _check_float("weight_decay", self.weight_decay, 0.0, False)
        _check_float("learning_rate", self.learning_rate, 0.0, True)

    def _dilations(self):
        f = float(self.base.fs) / 100.0
        return tuple(max(1, int(round(d * f))) for d in DILATIONS_100HZ)

    def _channels_of(self, base):
        return np.concatenate([base.src_idx_, base.tgt_idx_])

    def fit(self, X, y=None, groups=None):
        """Fit the base, cross-fit it, and train the network on its residual; returns self.

        Parameters
        ----------
        X : array_like, shape (n_records, 12, n_samples)
            12-lead training records (mV), as for ``LeadReconstructor.fit``; at least
            ``cross_fit`` records (groups).
        y : ignored
        groups : array_like of shape (n_records,), optional
            Patient of each record: the cross-fitting keeps a patient's records in one fold.
        """
        self._check_params()
        torch = _torch()
        ResidualNet = _net_class()
        X = np.asarray(X, dtype=float)
        if X.ndim != 3 or X.shape[1] != len(STANDARD_LEADS):
            raise ValueError(f"X must have shape (n_records, 12, n_samples), got {X.shape}")
        base = clone(self.base).fit(X)
        X = X[np.setdiff1d(np.arange(len(X)), base.dropped_records_)]
        if groups is not None:
            groups = np.delete(np.asarray(groups), base.dropped_records_)
            if len(set(groups.tolist())) < self.cross_fit:
                raise ValueError(f"groups must hold at least cross_fit={self.cross_fit} groups")
            split = GroupKFold(self.cross_fit).split(X, groups=groups)
        elif len(X) < self.cross_fit:
            raise ValueError(f"fit needs at least cross_fit={self.cross_fit} usable records")
        else:
            split = KFold(self.cross_fit).split(X)
        R = np.empty_like(X)
        for tr, va in split:
            R[va] = clone(self.base).fit(X[tr]).transform(X[va])
        ch = self._channels_of(base)
        Z, E = R[:, ch], X[:, base.tgt_idx_] - R[:, base.tgt_idx_]
        self.in_scale_ = np.maximum(Z.std(axis=(0, 2)), 1e-3)
        self.out_scale_ = np.maximum(E.std(axis=(0, 2)), 1e-3)
        Zt = torch.as_tensor((Z / self.in_scale_[:, None]).astype(np.float32))
        Et = torch.as_tensor((E / self.out_scale_[:, None]).astype(np.float32))
        n_threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            torch.manual_seed(self.random_state)
            net = ResidualNet(
                len(ch), len(base.tgt_idx_), self.channels, self.kernel_size, self._dilations()
            )
            opt = torch.optim.AdamW(
                net.parameters(), lr=self.learning_rate, weight_decay=self.weight_decay
            )
            gen = torch.Generator().manual_seed(self.random_state)
            self.loss_curve_ = []
            for _ in range(self.epochs):
                order = torch.randperm(len(Zt), generator=gen)
                total = 0.0
                for at in range(0, len(Zt), self.batch_size):
                    b = order[at : at + self.batch_size]
                    opt.zero_grad()
                    loss = torch.mean((net(Zt[b]) - Et[b]) ** 2)
                    loss.backward()
                    opt.step()
                    total += float(loss.detach()) * len(b)
                self.loss_curve_.append(total / len(Zt))
            net.eval()
        finally:
            torch.set_num_threads(n_threads)
        self.base_, self.net_ = base, net
        return self

    def transform(self, X, fs=None):
        """All 12 leads ``(n_records, 12, n_samples)`` in mV: the base's, corrected.

        Parameters
        ----------
        X : array_like, shape (n_records, 12 or n_source, n_samples)
            Records (mV), as for ``LeadReconstructor.transform``.
        fs : float, optional
            Sampling rate of ``X`` (Hz), checked by the base against the training rate.

        Raises
        ------
        ValueError
            As ``LeadReconstructor.transform`` (invalid source leads with
            ``on_invalid="raise"``, a wrong number of leads, another ``fs``).
        """
        check_is_fitted(self, "net_")
        torch = _torch()
        base = self.base_
        out = base.transform(X, fs=fs)
        self.invalid_records_ = base.invalid_records_
        ok = np.flatnonzero(np.isfinite(out[:, base.tgt_idx_]).all(axis=(1, 2)))
        if ok.size == 0 or self.epochs == 0:
            return out
        Z = out[np.ix_(ok, self._channels_of(base))] / self.in_scale_[:, None]
        n_threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            with torch.no_grad():
                E = self.net_(torch.as_tensor(Z.astype(np.float32))).numpy()
        finally:
            torch.set_num_threads(n_threads)
        out[np.ix_(ok, base.tgt_idx_)] += E.astype(float) * self.out_scale_[:, None]
        return out

    def score_leads(self, X, *, reconstructed=None, fs=None):
        """Per-lead r and RMSE (µV) against the true 12 leads, as ``LeadReconstructor``."""
        check_is_fitted(self, "net_")
        R = self.transform(X, fs=fs) if reconstructed is None else reconstructed
        return self.base_.score_leads(X, reconstructed=R, fs=fs)

    def score(self, X, y=None) -> float:
        """Mean Pearson r over the reconstructed leads (see :meth:`score_leads`)."""
        return self.score_leads(X).mean_r

    def get_feature_names_out(self, input_features=None):
        """The 12 standard lead names."""
        check_is_fitted(self, "net_")
        return np.asarray(STANDARD_LEADS, dtype=object)
