"""``geoecg bench af``: scores on a prior-shifted test set, with and without prior adaptation.

Rows of the report (all on the same test records):

* ``uncorrected``: the base model's arg-max (training prior);
* ``calibrated``: out-of-fold calibrated probabilities, training prior;
* ``ORACLE true prior``: corrected to the test part's true class prior (uses test labels:
  an upper reference, never a result);
* ``em`` / ``bbse`` / ``rlls``: corrected to the prior estimated from the unlabelled test
  records (:class:`geoecg.estimators.PriorShiftClassifier`), estimate and 95 % bootstrap
  interval beside the true prior.
"""

from __future__ import annotations

import sys

import numpy as np

ADAPT_METHODS = ("em", "bbse", "rlls")


def adapter(args, seed):
    """The prior-shift meta-estimator around the bench's CinC2017Classifier."""
    from ..estimators import PriorShiftClassifier
    from .af import _clf

    return PriorShiftClassifier(_clf(args, seed), cv=args.adapt_folds,
                                n_bootstrap=args.adapt_bootstrap, random_state=seed)


def adaptation_report(model, X_test, y_test) -> dict:
    """F1 table of each setting on ``(X_test, y_test)`` and the estimated priors."""
    from ..estimators import prior_correct
    from .af import _f1_table

    classes = model.classes_
    truth = np.array([(np.asarray(y_test) == c).mean() for c in classes])
    raw = model.estimator_.predict_proba_uncorrected(X_test)
    Q = model.calibrated_proba(X_test)
    s = model.source_priors_
    rows = {"uncorrected": _f1_table(y_test, classes[raw.argmax(1)]),
            "calibrated": _f1_table(y_test, classes[Q.argmax(1)])}
    rows["ORACLE true prior"] = _f1_table(y_test, classes[prior_correct(Q, s, truth).argmax(1)])
    priors = {"true": dict(zip(classes.tolist(), truth.tolist(), strict=True)),
              "train": dict(zip(classes.tolist(), s.tolist(), strict=True))}
    for m in ADAPT_METHODS:
        est = model._estimate_from_proba(Q, m)
        rows[m] = _f1_table(y_test, classes[prior_correct(Q, s, est.priors).argmax(1)])
        priors[m] = est.as_dict()
        rows[m]["max_abs_prior_error"] = float(np.max(np.abs(est.priors - truth)))
    return {"rows": rows, "priors": priors, "n_test": int(len(y_test))}


def run_prior_shift_protocol(args, X, y) -> dict:
    """The shared folder split per seed into a balanced training part and a test part at
    ``--target-priors``; every seed a fresh split and model."""
    from tqdm.auto import tqdm

    from ..evaluation.prior_shift import prior_shift_split
    from .af import _parse_priors

    target = _parse_priors(args.target_priors)
    seeds = [int(s) for s in str(args.seeds).split(",")]
    per_seed = []
    for seed in tqdm(seeds, desc="prior-shift seeds", file=sys.stderr):
        tr, te = prior_shift_split(y, target, args.test_size, random_state=seed)
        m = adapter(args, seed).fit(X[tr], y[tr])
        rep = adaptation_report(m, X[te], y[te])
        rep["seed"], rep["n_train"] = seed, int(len(tr))
        per_seed.append(rep)
    return {"per_seed": per_seed, "summary": summarise(per_seed)}


def summarise(per_seed) -> dict:
    """Mean and SD over seeds of AF F1, mean N/A/O F1 and the prior error of each row."""
    out = {}
    for name in per_seed[0]["rows"]:
        af = [r["rows"][name]["f1"]["A"] for r in per_seed]
        nao = [r["rows"][name]["f1_mean_NAO"] for r in per_seed]
        d = {"f1_A_mean": float(np.mean(af)), "f1_A_sd": float(np.std(af)),
             "f1_mean_NAO_mean": float(np.mean(nao)), "f1_mean_NAO_sd": float(np.std(nao))}
        if name in ADAPT_METHODS:
            e = [r["rows"][name]["max_abs_prior_error"] for r in per_seed]
            d["max_abs_prior_error_mean"] = float(np.mean(e))
        out[name] = d
    return out


def print_report(rep, title) -> None:
    print(title)
    print(f"{'setting':<22}{'F1 N':>7}{'F1 A':>7}{'F1 O':>7}{'F1 ~':>7}{'mean NAO':>10}"
          f"{'AF Se':>8}{'AF Sp':>8}   prior (N A O ~)")
    pr = rep["priors"]

    def fmt(d):
        return " ".join(f"{d[c]['prior'] if isinstance(d[c], dict) else d[c]:.3f}"
                        for c in ("N", "A", "O", "~") if c in d)

    for name, r in rep["rows"].items():
        f = r["f1"]
        p = fmt(pr[name]) if name in pr else (fmt(pr["true"]) if name.startswith("ORACLE")
                                              else fmt(pr["train"]))
        print(f"{name:<22}{f['N']:>7.1f}{f['A']:>7.1f}{f['O']:>7.1f}{f['~']:>7.1f}"
              f"{r['f1_mean_NAO']:>10.1f}{r['af_sensitivity']:>8.1f}{r['af_specificity']:>8.1f}"
              f"   {p}")
    print(f"true test prior: {fmt(pr['true'])}  ({rep['n_test']} test records; ORACLE uses "
          "the test labels)")


def print_summary(out) -> None:
    for rep in out["per_seed"]:
        print_report(rep, f"-- seed {rep['seed']}: {rep['n_train']} balanced training "
                          f"records, {rep['n_test']} test records at the target prior")
    print("summary over seeds (mean +- SD):")
    for name, d in out["summary"].items():
        e = d.get("max_abs_prior_error_mean")
        print(f"  {name:<20} AF F1 {d['f1_A_mean']:5.1f} +- {d['f1_A_sd']:4.1f}   mean NAO "
              f"{d['f1_mean_NAO_mean']:5.1f} +- {d['f1_mean_NAO_sd']:4.1f}"
              + (f"   max |prior error| {e:.3f}" if e is not None else ""))
