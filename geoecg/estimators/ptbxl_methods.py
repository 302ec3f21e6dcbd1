"""The PTB-XL small-cohort methods compared by ``geoecg bench ptbxl``, as library objects.

Methods (signals 100 Hz, 0.5-40 Hz zero-phase band-pass):

- ``ts-lr``: OAS covariance, tangent space at the Riemannian mean, logistic regression with
  C chosen by an inner patient-grouped CV (:func:`lr_cv`).
- ``ts-lr-aug``: the same, training fold augmented by geodesic same-class interpolation
  (ratio 1, affine-invariant).
- ``mdm``: pyRiemann minimum distance to the Riemannian class means.
- ``hankel-cmts-lr``: 3-lag delay-embedded (36 x 36) OAS covariance, tangent vectors at
  both class means concatenated, logistic regression
  (:func:`geoecg.riemann.hankel_tangent_classifier`).
- ``... +cov``: the same with age and sex appended (age imputed by the training median).
- ``... +cov10``: age and sex standardised like the tangent features, then multiplied by 10
  (an L2 penalty 100 x weaker on them than on the tangent features).
- ``... +covcv``: the covariate factor chosen from :data:`COVCV_SCALES` by an inner
  patient-grouped 3-fold CV on each outer training fold (the nested version of ``+cov10``).
- ``hankel2s-...``: the 3-lag covariance of each 2-s window, averaged per record by the
  affine-invariant Riemannian mean.
- ``hankel-ens-cmts-lr+cov10``: the mean of the probabilities of the whole-strip and 2-s
  window models (:func:`geoecg.riemann.hankel_ensemble_classifier`).
- ``hrv-morph-xgb``: HRV indices and per-lead median-beat morphology with xgboost.
- ``neural`` (needs torch): ``geoecg.neural.ptbxl_baseline(random_state)`` when that hook
  exists, else ``geoecg.neural.CNN1DClassifier``, on the raw ``(n, 12, 1000)`` signals.
"""

from __future__ import annotations

import importlib.util
import warnings

import numpy as np

from ..riemann.pipelines import COVARIATE_SCALES

__all__ = [
    "COVCV_SCALES",
    "DEFAULT_PTBXL_METHODS",
    "PTBXLInputs",
    "PTBXL_METHODS",
    "hrv_morphology_table",
    "lr_cv",
    "method_fit_predict",
    "method_unavailable",
]

#: Pipeline names of the PTB-XL benchmark (``geoecg bench ptbxl --methods``).
PTBXL_METHODS = (
    "ts-lr", "ts-lr-aug", "mdm", "ts-lr+cov", "hankel-cmts-lr", "hankel-cmts-lr+cov",
    "hankel-cmts-lr-aug+cov", "hankel-cmts-lr+cov10", "hankel2s-cmts-lr+cov10",
    "hankel-ens-cmts-lr+cov10", "hrv-morph-xgb", "neural",
    "hankel-cmts-lr+covcv", "hankel2s-cmts-lr+covcv", "hankel-ens-cmts-lr+covcv",
)  # fmt: skip
#: opt-in: ``neural`` (torch) and the nested ``+covcv`` variants (slow: inner CV per fold)
DEFAULT_PTBXL_METHODS = tuple(m for m in PTBXL_METHODS if m != "neural" and not m.endswith("covcv"))
#: covariate scales searched by the inner patient-grouped CV of the ``+covcv`` methods
COVCV_SCALES = COVARIATE_SCALES


def _scale_columns(F, weights):
    return F * weights


def lr_cv(F, y, groups_tr, n_covariates=0, covariate_scale=1.0):
    """Logistic regression with C chosen by patient-grouped inner CV (training fold only).

    Parameters
    ----------
    F : ndarray, shape (n_records, n_features)
        Training features; the last ``n_covariates`` columns are covariates (age in years,
        sex 0/1).
    y, groups_tr : ndarray, shape (n_records,)
        Labels and patient ids of the training fold.
    n_covariates : int, default 0
        Number of trailing covariate columns to re-weight.
    covariate_scale : float, default 1.0
        Factor applied to the standardised covariate columns (every column is standardised
        on its own, so the tangent block and the covariate block are standardised
        separately). A factor ``k`` divides the L2 penalty on the covariate coefficients
        by ``k**2``: with ~1300 tangent features the inner CV picks a strong penalty that
        otherwise shrinks age and sex away. ``n_covariates=0`` is the plain pipeline.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Fitted ``StandardScaler [-> column weights] -> LogisticRegressionCV``.
    """
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.model_selection import GroupKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    inner = list(GroupKFold(3).split(F, y, groups_tr))
    steps = [StandardScaler()]
    if n_covariates:
        w = np.ones(F.shape[1])
        w[-n_covariates:] = covariate_scale
        steps.append(FunctionTransformer(_scale_columns, kw_args={"weights": w}))
    return make_pipeline(
        *steps,
        # l1_ratios=(0,) is plain L2 (sklearn 1.8+ asks for it explicitly)
        LogisticRegressionCV(
            Cs=np.logspace(-3, 1, 5),
            l1_ratios=(0.0,),
            cv=inner,
            scoring="roc_auc",
            max_iter=5000,
            class_weight="balanced",
            use_legacy_attributes=False,
        ),
    ).fit(F, y)


class PTBXLInputs:
    """Precomputed label-free inputs of the methods: covariances and HRV/morphology tables.

    Parameters
    ----------
    X : ndarray, shape (n_records, 12, n_samples)
        Signals at 100 Hz, mV.
    methods : sequence of str
        Methods that will run (only their inputs are computed).

    Attributes
    ----------
    C : ndarray
        OAS covariance of each 0.5-40 Hz band-passed record.
    H, H2 : ndarray or None
        3-lag Hankel covariances of the whole strip and the Riemannian mean of its 2-s
        windows (``hankel_covariances(None)``, ``hankel_covariances(1.98)``).
    hm : ndarray or None
        :func:`hrv_morphology_table` of the records.
    """

    def __init__(self, X, methods):
        from ..riemann import hankel_covariances, lead_covariances
        from ..signal import bandpass

        Xbp = bandpass(X, 100.0, 0.5, 40.0, order=2)
        self.C = lead_covariances(Xbp, estimator="oas").covariances
        ens = any(m.startswith("hankel-ens") for m in methods)
        need_h = any(m.startswith("hankel-") for m in methods)
        # the label-free front ends of geoecg.riemann.hankel_ensemble_classifier, computed
        # once (they are per record); 2-s windows: 198 embedded samples = 200 input samples
        self.H = hankel_covariances(None).fit_transform(X) if need_h else None
        self.H2 = None
        if ens or any(m.startswith("hankel2s-") for m in methods):
            self.H2 = hankel_covariances(1.98).fit_transform(X)
        self.hm = hrv_morphology_table(X) if "hrv-morph-xgb" in methods else None


def hrv_morphology_table(X) -> np.ndarray | None:
    """HRV indices and per-lead median-beat morphology of 100-Hz records, one row each
    (None where the HRV functions are not importable).

    Parameters
    ----------
    X : ndarray, shape (n_records, n_leads, n_samples)
        Records at 100 Hz, mV.

    Returns
    -------
    ndarray of float, shape (n_records, n_features) or None
        The HRV indices of :func:`geoecg.features.hrv_features` (NaN for a record with
        fewer than 3 R-peaks), then the morphology features of each lead.
    """
    try:
        from ..features import detect_rpeaks, hrv_features
        from ..features.af.record import morphology_features
    except ImportError:
        return None
    from .._progress import progress_bar

    rows = []
    for x in progress_bar(X, desc="hrv+morphology", leave=False):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            r = detect_rpeaks(x, 100.0).indices
            h = hrv_features(rpeaks=r, fs=100.0) if r.size >= 3 else {}
            hv = [float(v) for v in h.values()] if h else []
            m = np.concatenate([morphology_features(x[k], 100.0, r) for k in range(x.shape[0])])
        rows.append((hv, m))
    n_h = max(len(h) for h, _ in rows)
    return np.array([np.r_[h if h else [np.nan] * n_h, m] for h, m in rows], dtype=float)


def method_fit_predict(method, F, X, y, groups, covs, seed):
    """A ``fit_predict(train, test) -> scores`` closure for one method of
    :data:`PTBXL_METHODS` on precomputed :class:`PTBXLInputs` ``F`` (multi-label ``y``: one
    binary model per column). Every choice is made on the training indices only.

    Parameters
    ----------
    method : str
        A name of :data:`PTBXL_METHODS`.
    F : PTBXLInputs
        The precomputed covariances and feature tables of every record.
    X : ndarray, shape (n_records, 12, n_samples)
        The signals at 100 Hz, mV (for the methods that learn on signals).
    y : ndarray, shape (n_records,) or (n_records, n_labels)
        Binary labels (one column per label for a multi-label task).
    groups : ndarray, shape (n_records,)
        Patient of each record (inner CVs are grouped by it).
    covs : ndarray, shape (n_records, n_covariates)
        Age and sex (NaN allowed).
    seed : int
        Seed of the models and of the inner CVs.

    Returns
    -------
    callable
        ``fit_predict(train, test)``: fits on the records ``train`` (indices) and returns
        the scores of the records ``test``, P(label) per record (one column per label for
        a multi-label ``y``).
    """
    from .._optional import import_pyriemann  # pyRiemann without torch

    MDM = import_pyriemann("pyriemann.classification").MDM
    TangentSpace = import_pyriemann("pyriemann.tangentspace").TangentSpace

    from ..riemann import ClassMeanTangentSpace, geodesic_augment

    def binary(tr, te, yy):
        if method.startswith("hankel-ens-"):
            rest = method[len("hankel-ens-") :]
            parts = [
                method_fit_predict(f"{h}-{rest}", F, X, yy, groups, covs, seed)
                for h in ("hankel", "hankel2s")
            ]
            return np.mean([fp(tr, te) for fp in parts], axis=0)
        if method == "mdm":
            return MDM().fit(F.C[tr], yy[tr]).predict_proba(F.C[te])[:, 1]
        if method == "hrv-morph-xgb":
            from xgboost import XGBClassifier

            clf = XGBClassifier(
                n_estimators=200,
                max_depth=3,
                learning_rate=0.05,
                subsample=0.8,
                colsample_bytree=0.5,
                random_state=seed,
                n_jobs=1,
                verbosity=0,
            )
            return clf.fit(F.hm[tr], yy[tr]).predict_proba(F.hm[te])[:, 1]
        if method == "neural":
            from .. import neural  # type: ignore[attr-defined]

            make = getattr(neural, "ptbxl_baseline", None)
            clf = (
                make(random_state=seed)
                if make is not None
                else neural.CNN1DClassifier(random_state=seed)
            )
            return clf.fit(X[tr], yy[tr]).predict_proba(X[te])[:, 1]
        C = F.H2 if method.startswith("hankel2s") else F.H if method.startswith("hankel") else F.C
        Ctr, ytr, ctr = C[tr], yy[tr], covs[tr]
        g_tr = groups[tr]
        if "-aug" in method:
            s = geodesic_augment(Ctr, ytr, ratio=1.0, random_state=seed)
            a = s.alpha[:, None]
            caug = (1 - a) * ctr[s.first] + a * ctr[s.second]
            Ctr = np.concatenate([Ctr, s.X])
            ytr = np.concatenate([ytr, s.y])
            ctr = np.concatenate([ctr, caug])
            g_tr = np.concatenate([g_tr, g_tr[s.first]])  # stay with their first patient
        if method.startswith("hankel") and "cmts" in method and "-aug" not in method:
            return _hankel_fit_predict(method, C, yy, groups, covs, tr, te)
        ts = (
            ClassMeanTangentSpace(mode="concat").fit(Ctr, ytr)
            if "cmts" in method
            else TangentSpace(metric="riemann").fit(Ctr)
        )
        Ftr, Fte = ts.transform(Ctr), ts.transform(C[te])
        if "+cov" in method:
            med = np.nanmedian(ctr, axis=0)
            Ftr = np.hstack([Ftr, np.where(np.isnan(ctr), med, ctr)])
            Fte = np.hstack([Fte, np.where(np.isnan(covs[te]), med, covs[te])])
        k = 10.0 if method.endswith("+cov10") else 1.0
        lr = lr_cv(Ftr, ytr, g_tr, n_covariates=2 if k != 1.0 else 0, covariate_scale=k)
        return lr.predict_proba(Fte)[:, 1]

    def fit_predict(tr, te):
        if y.ndim == 1:
            return binary(tr, te, y)
        return np.column_stack([binary(tr, te, y[:, j]) for j in range(y.shape[1])])

    return fit_predict


def _hankel_fit_predict(method, C, y, groups, covs, tr, te):
    """``geoecg.riemann.hankel_tangent_classifier`` on precomputed covariances."""
    import sklearn

    from ..riemann import hankel_tangent_classifier

    with_cov = "+cov" in method
    scale = {"+cov10": 10.0, "+covcv": COVCV_SCALES}.get(method[method.rfind("+") :], 1.0)
    clf = hankel_tangent_classifier(covariate_scale=scale, covariates=with_cov)
    kw_fit = {"groups": groups[tr]}
    kw_pred = {}
    if with_cov:
        kw_fit["covariates"], kw_pred["covariates"] = covs[tr], covs[te]
    with sklearn.config_context(enable_metadata_routing=True):
        clf.fit(C[tr], y[tr], **kw_fit)
        return clf.predict_proba(C[te], **kw_pred)[:, 1]


def method_unavailable(method, F) -> str:
    """Why ``method`` cannot run here ("" when it can).

    Parameters
    ----------
    method : str
        A name of :data:`PTBXL_METHODS`.
    F : PTBXLInputs
        The precomputed inputs (the HRV/morphology table is None when it could not be
        computed).

    Returns
    -------
    str
        The reason, or ``""``.
    """
    if method == "hrv-morph-xgb" and F.hm is None:
        return "geoecg.features.hrv_features not available"
    if method == "neural" and (
        importlib.util.find_spec("geoecg.neural") is None
        or importlib.util.find_spec("torch") is None
    ):
        return "geoecg.neural / torch not installed (hook: geoecg.neural.ptbxl_baseline)"
    return ""
