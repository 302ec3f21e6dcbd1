"""Class weights on the adapted probabilities, chosen by the inner score (registry item 18).

Arg-max of probabilities maximises accuracy, not the F1 of a rare class: under the CinC prior
(AF 8.9 %, O 28.3 %, ~ 3.3 %) the F1-optimal call of a class sits below its arg-max boundary
(for one class, at a probability of about half its attainable F1). :func:`choose_weights`
picks, from the fixed grid :data:`DECISION_WEIGHT_GRID`, the weights ``w`` of the call
``argmax_k w_k p_k`` that give the best mean N/A/O F1 of the chosen candidate's out-of-fold
training probabilities, corrected to its estimated target prior and weighted to it (the
inner score of :func:`~geoecg.estimators.af.protocols.target_weighted_score`): no target
label is read. The grid's first entry (all ones) is arg-max; another entry replaces it only
when its score is strictly higher.
"""

from __future__ import annotations

import itertools

import numpy as np

#: Candidate class weights of :func:`choose_weights` (N fixed at 1; A and O in {1, 1.5, 2};
#: ~ in {1, 0.5}); the first entry, all ones, is arg-max.
DECISION_WEIGHT_GRID = tuple(
    {"N": 1.0, "A": a, "O": o, "~": t}
    for a, o, t in itertools.product((1.0, 1.5, 2.0), (1.0, 1.5, 2.0), (1.0, 0.5))
)


NAO = ["N", "A", "O"]


def weight_vector(weights: dict, classes) -> np.ndarray:
    """The weights of ``classes`` in their order (1 for a class the dict does not name)."""
    return np.array([float(weights.get(str(c), 1.0)) for c in classes])


def weighted_call(proba, weights: dict, classes) -> np.ndarray:
    """``classes[argmax_k w_k p_k]`` per row of ``proba`` (shape (n, n_classes))."""
    proba = np.asarray(proba, dtype=np.float64)
    classes = np.asarray(classes)
    if proba.ndim != 2 or proba.shape[1] != classes.size:
        raise ValueError(
            f"proba must be (n_records, {classes.size}) for classes {classes.tolist()}, "
            f"got {proba.shape}"
        )
    return classes[np.argmax(proba * weight_vector(weights, classes), axis=1)]


def choose_weights(adapter) -> tuple[dict, float]:
    """The grid entry with the best target-weighted out-of-fold mean N/A/O F1.

    Parameters
    ----------
    adapter : PriorShiftClassifier
        Fitted and adapted (its ``target_priors_`` set by ``adapt``).

    Returns
    -------
    weights : dict
        label -> weight (dimensionless), an entry of :data:`DECISION_WEIGHT_GRID`.
    score : float
        Its inner score, mean N/A/O F1 in percent.
    """
    from sklearn.metrics import f1_score

    from ..prior_estimation import prior_correct

    P = prior_correct(adapter.oof_proba_, adapter.source_priors_, adapter.target_priors_)
    yi = adapter.oof_labels_
    w = (adapter.target_priors_ / np.maximum(adapter.source_priors_, 1e-12))[yi]
    yt = adapter.classes_[yi]
    best, best_w = -np.inf, DECISION_WEIGHT_GRID[0]
    for g in DECISION_WEIGHT_GRID:
        yp = weighted_call(P, g, adapter.classes_)
        f1 = f1_score(yt, yp, labels=NAO, average="macro", sample_weight=w, zero_division=0)
        s = 100.0 * float(f1)
        if s > best + 1e-9:
            best, best_w = s, g
    return dict(best_w), best
