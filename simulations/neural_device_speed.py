"""Training and inference time of the torch baselines on the CPU and on a CUDA GPU, one run.

Synthetic 12-lead, 10-s, 100-Hz records (the PTB-XL shape the comparisons use), two
classes separated by a bump on one lead, so every timed fit also has to learn something:
the script prints held-out accuracy beside the times. Each row is one fit with a fixed number
of epochs (early stopping off) and one ``predict_proba`` over a held-out set; rows are
interleaved per repeat and the median is reported, with the GPU/CPU ratio.

    python simulations/neural_device_speed.py --records 2000 --epochs 5 --repeats 3 --json t.json
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from geoecg.commands.bench_io import dump_json, output_file
from geoecg.neural import CNN1DClassifier, ResNet1DClassifier


def _records(n, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 12, 1000)).astype(np.float32)
    y = np.tile([0, 1], n // 2)
    X[y == 1, 4, 300:340] += 1.0
    return X, y


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--records", type=int, default=2000, help="training (and held-out) records")
    p.add_argument("--epochs", type=int, default=5, help="epochs per fit (early stopping off)")
    p.add_argument("--repeats", type=int, default=3, help="fits per row; the median is reported")
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    p.add_argument("--json", default=None, type=output_file, help="write the timings here")
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    X, y = _records(a.records, 0)
    Xt, yt = _records(a.records, 1)
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    models = {"ResNet1D": ResNet1DClassifier, "CNN1D": CNN1DClassifier}
    rows = {}
    for _ in range(a.repeats):
        for name, cls in models.items():
            for dev in devices:
                clf = cls(epochs=a.epochs, validation_fraction=0, random_state=0, device=dev)
                t0 = time.perf_counter()
                clf.fit(X, y)
                if dev == "cuda":
                    torch.cuda.synchronize()
                t1 = time.perf_counter()
                acc = float((clf.predict(Xt) == yt).mean())
                t2 = time.perf_counter()
                r = rows.setdefault((name, dev), {"fit_s": [], "predict_s": [], "acc": []})
                r["fit_s"].append(t1 - t0)
                r["predict_s"].append(t2 - t1)
                r["acc"].append(acc)
    gpu = torch.cuda.get_device_name(0) if "cuda" in devices else "none"
    print(
        f"torch {torch.__version__}, GPU: {gpu}, CPU threads {a.threads}, "
        f"{a.records} train + {a.records} test records 12 x 1000, {a.epochs} epochs"
    )
    print(
        f"{'model':10s} {'device':6s} {'fit s':>8s} {'predict s':>10s} {'acc':>6s} {'CPU/GPU':>8s}"
    )
    out = []
    for (name, dev), r in rows.items():
        fit, pred = float(np.median(r["fit_s"])), float(np.median(r["predict_s"]))
        ratio = ""
        if dev == "cuda":
            ratio = f"{np.median(rows[(name, 'cpu')]['fit_s']) / fit:.1f}x"
        print(f"{name:10s} {dev:6s} {fit:8.2f} {pred:10.3f} {np.median(r['acc']):6.3f} {ratio:>8s}")
        out.append(
            {
                "model": name,
                "device": dev,
                "fit_s": fit,
                "predict_s": pred,
                "accuracy": float(np.median(r["acc"])),
            }
        )
    if a.json:
        rows = {"torch": torch.__version__, "gpu": gpu, "args": vars(a), "rows": out}
        dump_json(a.json, rows, indent=1)  # atomic, folder created


if __name__ == "__main__":
    main()
