"""Linear relations between the six limb leads (Einthoven, Goldberger).

With the electrode potentials at the right arm R, left arm L and left foot F,
``I = L - R``, ``II = F - R``, ``III = F - L`` and the augmented leads
``aVR = R - (L + F)/2``, ``aVL = L - (R + F)/2``, ``aVF = F - (R + L)/2``. Hence

- Einthoven: ``III = II - I``;
- Goldberger: ``aVR = -(I + II)/2``, ``aVL = I - II/2``, ``aVF = II - I/2``, and
  ``aVR + aVL + aVF = 0``.
"""

from __future__ import annotations

import numpy as np

from .names import LIMB_LEADS

__all__ = ["LIMB_FROM_I_II", "limb_leads", "limb_relation_residuals"]

#: Rows: I, II, III, aVR, aVL, aVF as combinations of the columns (I, II).
LIMB_FROM_I_II = np.array(
    [
        [1.0, 0.0],
        [0.0, 1.0],
        [-1.0, 1.0],
        [-0.5, -0.5],
        [1.0, -0.5],
        [-0.5, 1.0],
    ]
)


def limb_leads(lead_i, lead_ii) -> np.ndarray:
    """The six limb leads (I, II, III, aVR, aVL, aVF) from leads I and II.

    Parameters
    ----------
    lead_i, lead_ii : array_like, same shape (..., n_samples)
        Leads I and II in mV.

    Returns
    -------
    ndarray, shape (..., 6, n_samples)
        Leads in the order of :data:`geoecg.leads.LIMB_LEADS`.

    Examples
    --------
    >>> limb_leads([1.0], [0.4])[:, 0].round(3).tolist()
    [1.0, 0.4, -0.6, -0.7, 0.8, -0.1]
    """
    from .._validation import as_signal

    a = as_signal(lead_i, "lead_i")
    b = as_signal(lead_ii, "lead_ii")
    if a.shape != b.shape:
        raise ValueError(f"lead_i and lead_ii must have the same shape, got {a.shape}, {b.shape}")
    return np.stack([a, b, b - a, -(a + b) / 2, a - b / 2, b - a / 2], axis=-2)


def limb_relation_residuals(X) -> dict[str, np.ndarray]:
    """Residuals of the Einthoven and Goldberger relations on 12-lead signals.

    Parameters
    ----------
    X : array_like, shape (n_records, 12, n_samples) or (12, n_samples)
        Leads in the standard order (I, II, III, aVR, aVL, aVF, V1..V6), mV.

    Returns
    -------
    dict of str -> ndarray, shape (n_records,)
        RMS residual (mV) per record of ``III - (II - I)``, ``aVR + (I + II)/2``,
        ``aVL - (I - II/2)``, ``aVF - (II - I/2)`` and ``aVR + aVL + aVF``. Recorded leads
        are quantised and filtered per lead, so real residuals are small, not zero.

    Raises
    ------
    TypeError
        ``X`` is not numeric.
    ValueError
        ``X`` is not 2-D or 3-D, or holds fewer than the 6 limb leads.

    Examples
    --------
    The 20 PTB-XL sample records (100 Hz, mV): recorded leads miss the relations by under
    1 µV; limb leads rebuilt from I and II (:func:`limb_leads`) meet them exactly.

    >>> import numpy as np
    >>> from geoecg.datasets import sample_ptbxl_dir
    >>> from geoecg.io import PTBXL
    >>> X, _ = PTBXL(sample_ptbxl_dir()).load(fs=100)
    >>> res = limb_relation_residuals(X)
    >>> sorted(res), res["einthoven"].shape
    (['aVF', 'aVL', 'aVR', 'einthoven', 'goldberger_sum'], (20,))
    >>> bool(max(r.max() for r in res.values()) < 0.001)  # mV
    True
    >>> X[:, :6] = limb_leads(X[:, 0], X[:, 1])
    >>> float(limb_relation_residuals(X)["einthoven"].max())
    0.0
    """
    from .._validation import as_signal

    X = as_signal(X, "X", ndims=(2, 3))
    if X.ndim == 2:
        X = X[None]
    if X.ndim != 3 or X.shape[1] < 6:
        raise ValueError(f"X must have shape (n_records, 12, n_samples), got {X.shape}")
    L = dict(zip(LIMB_LEADS, np.moveaxis(X[:, :6], 1, 0), strict=True))

    def rms(r):
        import warnings

        with warnings.catch_warnings():  # an empty or all-NaN record: NaN, no warning
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.sqrt(np.nanmean(r**2, axis=-1))

    return {
        "einthoven": rms(L["III"] - (L["II"] - L["I"])),
        "aVR": rms(L["aVR"] + (L["I"] + L["II"]) / 2),
        "aVL": rms(L["aVL"] - (L["I"] - L["II"] / 2)),
        "aVF": rms(L["aVF"] - (L["II"] - L["I"] / 2)),
        "goldberger_sum": rms(L["aVR"] + L["aVL"] + L["aVF"]),
    }
