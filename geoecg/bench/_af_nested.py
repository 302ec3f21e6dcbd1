"""``geoecg bench af --data DIR`` (default ``--protocol nested``): nested CinC CV.

Every option is chosen by an inner CV on the training records of each outer fold only
(:func:`geoecg.evaluation.nested_evaluate`, stratified group folds, one group per record:
CinC 2017 publishes no patient ids): the registered grid is
:data:`geoecg.estimators.af.pipeline.AF_NESTED_GRID` over
:func:`geoecg.estimators.af.pipeline.make_af_feature_pipeline`, the inner score the
challenge's mean N/A/O F1. Reported per seed and as mean +- SD over seeds.
"""

from __future__ import annotations

import sys

import numpy as np


def run_nested(args, X, y) -> dict:
    from sklearn.metrics import f1_score, make_scorer
    from sklearn.model_selection import StratifiedGroupKFold
    from tqdm.auto import tqdm

    from ..estimators.af.pipeline import AF_NESTED_GRID, make_af_feature_pipeline
    from ..evaluation import nested_evaluate
    from .af import _f1_table

    scorer = make_scorer(f1_score, average="macro", labels=["N", "A", "O"], zero_division=0.0)
    groups = np.arange(len(y))
    per_seed = []
    for seed in tqdm([int(s) for s in str(args.seeds).split(",")], desc="nested seeds",
                     file=sys.stderr):
        outer = StratifiedGroupKFold(args.folds, shuffle=True, random_state=seed)
        inner = StratifiedGroupKFold(args.inner_folds, shuffle=True, random_state=seed)
        pipe = make_af_feature_pipeline(n_estimators=args.n_estimators, random_state=seed,
                                        n_jobs=1)
        r = nested_evaluate({"af": (pipe, AF_NESTED_GRID)}, X, y, groups, outer_cv=outer,
                            inner_cv=inner, scoring=scorer)["af"]
        row = _f1_table(y, r.y_pred)
        row.update(seed=seed, choices=[{k: (bool(v) if isinstance(v, (bool, np.bool_)) else v)
                                        for k, v in c.items()} for c in r.choices],
                   inner_scores=[float(s) for s in r.inner_scores])
        per_seed.append(row)
    af = [r["f1"]["A"] for r in per_seed]
    nao = [r["f1_mean_NAO"] for r in per_seed]
    return {"per_seed": per_seed, "grid": {k: [bool(x) if isinstance(x, bool) else x
                                               for x in v] for k, v in AF_NESTED_GRID.items()},
            "summary": {"f1_A_mean": float(np.mean(af)), "f1_A_sd": float(np.std(af)),
                        "f1_mean_NAO_mean": float(np.mean(nao)),
                        "f1_mean_NAO_sd": float(np.std(nao))}}


def print_nested(out) -> None:
    print(f"AF / CinC 2017 ({out['mode']})")
    print(f"registered grid: {out['grid']}")
    print(f"{'seed':<6}{'F1 N':>7}{'F1 A':>7}{'F1 O':>7}{'F1 ~':>7}{'mean NAO':>10}"
          f"{'AF Se':>8}{'AF Sp':>8}   rhythm profile chosen in folds")
    for r in out["per_seed"]:
        f = r["f1"]
        rp = sum(bool(c.get("blocks__rhythm_profile")) for c in r["choices"])
        print(f"{r['seed']:<6}{f['N']:>7.1f}{f['A']:>7.1f}{f['O']:>7.1f}{f['~']:>7.1f}"
              f"{r['f1_mean_NAO']:>10.1f}{r['af_sensitivity']:>8.1f}{r['af_specificity']:>8.1f}"
              f"   {rp}/{len(r['choices'])}")
    s = out["summary"]
    print(f"mean +- SD over seeds: AF F1 {s['f1_A_mean']:.1f} +- {s['f1_A_sd']:.1f}, "
          f"mean N/A/O F1 {s['f1_mean_NAO_mean']:.1f} +- {s['f1_mean_NAO_sd']:.1f}")
