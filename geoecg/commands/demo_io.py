"""Demo step: read embedded records, their annotations and the PTB-XL metadata."""

from __future__ import annotations

from pathlib import Path

__all__ = ["TITLE", "run_demo"]

TITLE = "Reading WFDB records, beat annotations and PTB-XL metadata"


def run_demo(out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from ..datasets import sample_mitdb_dir, sample_ptbxl_dir, sample_record_path
    from ..io import PTBXL, aami_counts, beat_annotations, read_record, rhythm_episodes
    from ..viz import plot_record

    rec = read_record(sample_record_path("mitdb_201"))
    print(f"   {rec}")
    beats = beat_annotations(rec.annotations)
    print(f"   beats by AAMI class: {beats['aami'].value_counts().to_dict()}")
    ep = rhythm_episodes(rec.annotations, rec.n_samples, rec.fs)
    episodes = zip(ep.rhythm, ep.duration_s, strict=True)
    print("   rhythm episodes: " + ", ".join(f"{r} {d:.0f}s" for r, d in episodes))
    counts = aami_counts(sample_mitdb_dir())
    table = counts.to_string().replace("\n", "\n   ")
    print("   AAMI counts over the embedded excerpts:\n   " + table)
    fig = plot_record(rec, start_s=0, duration_s=10)
    fig.savefig(out / "record_mitdb_201.png", dpi=100)
    db = PTBXL(sample_ptbxl_dir())
    meta = db.metadata()
    labels = db.superclass_labels()
    print(
        f"   PTB-XL sample: {len(meta)} records, age "
        f"{meta['age'].min():.0f}-{meta['age'].max():.0f} y, "
        f"{int((meta['sex'] == 1).sum())} female; superclasses {labels.sum().to_dict()}"
    )
