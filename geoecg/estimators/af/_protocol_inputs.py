"""Input checks of the ``geoecg bench af`` CinC protocols that run before any feature is
read or any model is fitted (used through :mod:`geoecg.estimators.af.protocols`)."""

from __future__ import annotations

import math
import numbers

#: What ``--target-priors`` looks like (the full CinC 2017 training set's prior).
PRIORS_EXAMPLE = "N=0.595,A=0.089,O=0.283,~=0.033"


def parse_priors(text: str, *, name: str = "--target-priors") -> dict:
    """``"N=0.6,A=0.1"`` as ``{"N": 0.6, "A": 0.1}`` (a ValueError naming ``name`` else)."""
    try:
        return {k.strip(): float(v) for k, v in (t.split("=") for t in text.split(","))}
    except ValueError:
        raise ValueError(f"{name} must look like {PRIORS_EXAMPLE}, got {text!r}") from None


def check_cinc_folds(folder, protocol, folds, inner_folds, *, names=("--folds", "--inner-folds")):
    """Check that the labelled records of a CinC 2017 folder can fill the protocol's folds.

    Reads the label file and the record names only (no signal), so a folder too small for
    ``folds`` stratified folds is refused at once, not after its features were computed.
    The conditions are scikit-learn's own (its message, "n_splits=5 cannot be greater than
    the number of members in each class", names neither the option nor the counts):

    * ``protocol`` "cv" and "nested": ``folds`` is an integer >= 2 and the largest class
      has at least ``folds`` records;
    * "cv" also: every class has at least 2 records (each fold's training part must hold
      every class: :func:`~geoecg.estimators.af.protocols.cinc_cv_proba` stacks one column
      per class; a class of 1 record ended in a numpy shape-mismatch message);
    * "nested" also: ``inner_folds`` is an integer >= 2 and the largest class keeps at
      least ``inner_folds`` records in an outer training part (its count minus
      ``ceil(count / folds)`` held out);
    * "prior-shift": no fold count is used, nothing is checked.

    Parameters
    ----------
    folder : str or path
        CinC 2017-layout folder (:class:`geoecg.io.CinC2017`).
    protocol : {"cv", "nested", "prior-shift"}
    folds, inner_folds : int
        Outer and inner CV folds.
    names : tuple of str, default ("--folds", "--inner-folds")
        How the message names the two fold counts (``geoecg bench af``'s options).

    Returns
    -------
    dict
        Records per class label (labelled records present in ``folder``).

    Raises
    ------
    ValueError
        Naming the fold option, its value and the class counts.
    """
    from ...io import CinC2017

    db = CinC2017(folder)
    labels = db.labels()
    present = [n for n in db.records() if n in labels.index]
    counts = {str(k): int(v) for k, v in labels.loc[present].value_counts().sort_index().items()}
    if protocol not in ("cv", "nested"):
        return counts
    pairs = [(names[0], folds)] + ([(names[1], inner_folds)] if protocol == "nested" else [])
    for name, k in pairs:
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 2:
            raise ValueError(f"{name} must be an integer >= 2 (CV folds), got {k!r}")
    top = max(counts.values(), default=0)
    said = f"{folder} has {len(present)} labelled records, class counts {counts}"
    if top < folds:
        raise ValueError(
            f"{names[0]} {folds} needs a class with at least {folds} records (stratified "
            f"folds); {said}: pass a smaller {names[0]} or more records"
        )
    if protocol == "cv" and min(counts.values()) < 2:
        raise ValueError(
            f"--protocol cv needs at least 2 records of every class (each fold's training "
            f"part must hold every class); {said}"
        )
    if protocol == "nested" and top - math.ceil(top / folds) < inner_folds:
        raise ValueError(
            f"{names[1]} {inner_folds} needs a class with at least {inner_folds} records in "
            f"each outer training part ({names[0]} {folds}); {said}: pass a smaller "
            f"{names[1]} or {names[0]}, or more records"
        )
    return counts
