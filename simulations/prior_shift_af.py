"""Prevalence-shift study of AF: prior estimators (EM, BBSE, RLLS) vs no adaptation and oracle.

Runs :func:`geoecg.sweep.label_shift.run_label_shift_study` with the packaged configuration
``geoecg/sweep/configs/label_shift/prior_shift_af.toml`` (AF prior 1 %-50 %) on the
anticausal simulator and, with ``--cinc``, on CinC 2017 record features, then draws, per
prior, the share of the oracle's F1 gain each estimator recovers and the prior error.

    python simulations/prior_shift_af.py --out runs/prior_shift_af \
        --cinc $GEOECG_DATA/cinc2017 --cache /tmp/af-cache

Resumable: finished (source, seed) tasks are kept under ``--out``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from geoecg.sweep.label_shift import oracle_gain_recovered, run_label_shift_study

CONFIG = (
    Path(__file__).resolve().parents[1]
    / "geoecg"
    / "sweep"
    / "configs"
    / "label_shift"
    / "prior_shift_af.toml"
)


def cinc_features(folder, cache):
    """Record features (107, cached per record) and labels of a CinC 2017 folder."""
    from geoecg.features.af.record import af_record_features_batch
    from geoecg.io import CinC2017

    db = CinC2017(folder)
    labels = db.labels()
    names = [n for n in db.records() if n in labels.index]
    sigs = [db.read(n).signal[0] for n in names]
    keys = []
    for n in names:
        st = (Path(db.root) / f"{n}.mat").stat() if (Path(db.root) / f"{n}.mat").exists() else None
        keys.append(
            f"{Path(db.root).resolve()}/{n}|{st.st_size if st else 0}|{st.st_mtime_ns if st else 0}"
        )
    X = af_record_features_batch(sigs, float(db.fs), keys=keys, cache_dir=cache, progress=True)
    return X, labels.loc[names].to_numpy().astype(str)


def figure(df, path, metric="f1_mean"):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sources = sorted(df["source"].unique())
    fig, axes = plt.subplots(2, len(sources), figsize=(5.2 * len(sources), 7), squeeze=False)
    for j, src in enumerate(sources):
        d = df[df["source"] == src]
        nmax = d["n_target"].max()
        d = d[d["n_target"] == nmax]
        rec = oracle_gain_recovered(d, metric).loc[src]
        ax = axes[0, j]
        for m in ("em", "bbse", "rlls"):
            ax.plot(rec.index, rec[m], marker="o", label=m.upper())
        ax.axhline(1.0, color="k", lw=0.8, ls="--", label="oracle (true prior)")
        ax.axhline(0.0, color="grey", lw=0.8, ls=":", label="no adaptation")
        ax.set_xscale("log")
        ax.set_title(f"{src}: share of oracle {metric} gain, n={nmax}", fontsize=10)
        ax.set_xlabel("target AF prior")
        ax.legend(fontsize=8)
        ax = axes[1, j]
        for n_t, g in df[df["source"] == src].groupby("n_target"):
            e = (
                g[g["method"].isin(["em", "bbse", "rlls"])]
                .groupby(["af_prior", "method"])["af_prior_error"]
                .mean()
                .unstack("method")
            )
            for m in e.columns:
                ax.plot(e.index, e[m], marker=".", label=f"{m.upper()} n={n_t}")
        ax.axhline(0.02, color="k", lw=0.8, ls="--", label="0.02 target")
        ax.set_xscale("log")
        ax.set_xlabel("target AF prior")
        ax.set_ylabel("|estimated - true| AF prior (mean over seeds)")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"wrote {path}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="output folder of the study (cells, figure)")
    ap.add_argument("--config", default=str(CONFIG), help="sweep TOML (default: the packaged one)")
    ap.add_argument("--cinc", help="CinC 2017 folder (adds the cinc2017 source)")
    ap.add_argument("--cache", help="per-record feature cache folder")
    ap.add_argument("--figure", default=None, help="PNG path (default OUT/prior_shift_af.png)")
    a = ap.parse_args(argv)
    sources = ("simulator",) + (("cinc2017",) if a.cinc else ())
    feats = cinc_features(a.cinc, a.cache) if a.cinc else None
    df = run_label_shift_study(a.config, a.out, sources=sources, cinc_features=feats)
    with np.errstate(all="ignore"):
        summ = (
            df.groupby(["source", "n_target", "af_prior", "method"])[
                ["af_prior_error", "f1_af", "f1_mean"]
            ]
            .mean()
            .unstack("method")
        )
    print(summ.round(3).to_string())
    for metric in ("f1_mean", "f1_af"):
        print(f"share of the oracle's {metric} gain recovered (largest n_target):")
        big = df[df["n_target"] == df["n_target"].max()]
        print(oracle_gain_recovered(big, metric).round(2).to_string())
    figure(df, a.figure or str(Path(a.out) / "prior_shift_af.png"))


if __name__ == "__main__":
    main()
