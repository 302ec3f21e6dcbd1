"""
Atrial fibrillation indices and signal quality
==============================================

AF screening rests on the irregularity of the RR intervals, and on knowing when a strip is
too noisy to judge. This example follows the AF indices beat by beat through five minutes
of MIT-BIH record 201 (embedded; AF, nodal and sinus rhythm, with reference rhythm
annotations), then compares the signal-quality indices and one AF index across the four
classes of the 20 embedded CinC 2017 records (normal, AF, other rhythm, noisy). All figures
are descriptive, on data the package ships; no threshold is chosen here.
"""

# %%
# R-peaks without the rhythm tracker (``track=False``: the tracker's rhythm prior would
# smooth away the irregularity that is being measured), RR intervals in ms, and the AF
# statistics of a window of 32 RR intervals centred on each beat
# (:func:`~geoecg.features.af_window_stats`).
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import roc_auc_score

from geoecg.datasets import sample_cinc2017_dir, sample_record_path
from geoecg.features import (
    AF_RECORD_FEATURE_NAMES,
    AF_STAT_NAMES,
    SQI_NAMES,
    af_beat_labels,
    af_record_features,
    af_window_stats,
    detect_rpeaks,
    rr_windows,
    sqi_features,
)
from geoecg.io import CinC2017, read_record, rhythm_episodes

rec = read_record(sample_record_path("mitdb_201"))
peaks = detect_rpeaks(rec.signal[0], rec.fs, track=False)
beats = peaks.indices[1:]  # the beat that ends each RR interval
stats = af_window_stats(rr_windows(peaks.rr_ms, 32))
is_af = af_beat_labels(rec.annotations, beats)
episodes = rhythm_episodes(rec.annotations, rec.signal.shape[1], rec.fs)
print(episodes)

# %%
# How well each index separates the AF beats from the others in this record (AUROC; an
# index that is *lower* in AF, such as TG_D, is below 0.5). One record, so one patient:
# this describes the indices, it does not validate a detector.
for name in ("nRMSSD", "COSEn", "TG_D", "Irr", "ShEn16"):
    v = stats[:, AF_STAT_NAMES.index(name)]
    ok = np.isfinite(v)
    print(f"{name:>7s} AUROC {roc_auc_score(is_af[ok], v[ok]):.3f}")

# %%
# The tachogram and two indices over time, AF episodes of the reference shaded. nRMSSD (the
# RMS of successive differences over the mean RR) also rises outside AF: where a window
# straddles the end of an episode (with the long pause that ends the first one) and with
# the ectopic beats of the non-AF stretches. COSEn, an entropy of the RR sequence
# corrected for the heart rate (Lake & Moorman 2011), keeps AF apart better in this record.
t = beats / rec.fs
fig, axes = plt.subplots(3, 1, figsize=(10, 6), sharex=True)
panels = [
    (peaks.rr_ms, "RR (ms)"),
    (stats[:, AF_STAT_NAMES.index("nRMSSD")], "nRMSSD (RMSSD / mean RR)"),
    (stats[:, AF_STAT_NAMES.index("COSEn")], "COSEn"),
]
for ax, (values, label) in zip(axes, panels, strict=True):
    ax.plot(t, values, "k.", ms=2)
    ax.set_ylabel(label)
    for _, e in episodes[episodes.rhythm == "AFIB"].iterrows():
        ax.axvspan(e.start / rec.fs, e.end / rec.fs, color="tab:orange", alpha=0.25, lw=0)
axes[0].set_title("MIT-BIH 201 (5 min): reference AF episodes shaded")
axes[-1].set_xlabel("time (s)")
fig.tight_layout()
plt.show()

# %%
# The embedded CinC 2017 records (single lead, 300 Hz, 9-61 s): the eight signal-quality
# indices (:func:`~geoecg.features.sqi_features`) and the record-level AF features
# (:func:`~geoecg.features.af_record_features`) of each.
db = CinC2017(sample_cinc2017_dir())
names = db.records()
label = db.labels().reindex(names).to_numpy()
sqi, af = [], []
for name in names:
    r = db.read(name)
    sqi.append([sqi_features(r.signal[0], r.fs)[k] for k in SQI_NAMES])
    af.append(af_record_features(r.signal[0], r.fs))
sqi, af = np.array(sqi), np.array(af)
found, counts = np.unique(label, return_counts=True)
print(dict(zip(found.tolist(), counts.tolist(), strict=True)))

# %%
# Per class: kSQI (kurtosis of the signal: high for clean, spiky QRS complexes), bSQI
# (agreement of two beat detectors) and the record's nRMSSD. bSQI is low in most noisy
# records (~), but in some normal ones too; kSQI does not single them out, since spikes of
# noise raise the kurtosis as QRS complexes do. The noisy records also look irregular
# (noise adds and hides beats), which is why an AF screen needs a quality gate. Five
# records per class: the picture of a screening pipeline, not its accuracy (that is on
# :doc:`/benchmarks/af`, nested, and on :doc:`/benchmarks/af_history`, held out).
classes = ["N", "A", "O", "~"]
columns = [
    (sqi[:, SQI_NAMES.index("kSQI")], "kSQI"),
    (sqi[:, SQI_NAMES.index("bSQI")], "bSQI"),
    (af[:, AF_RECORD_FEATURE_NAMES.index("nRMSSD")], "record nRMSSD"),
]
fig, axes = plt.subplots(1, 3, figsize=(11, 3.5))
for ax, (values, title) in zip(axes, columns, strict=True):
    for k, c in enumerate(classes):
        v = values[label == c]
        ax.plot(np.full(v.size, k) + np.linspace(-0.15, 0.15, v.size), v, "o", alpha=0.7)
    ax.set_xticks(range(len(classes)), ["N\nnormal", "A\nAF", "O\nother", "~\nnoisy"])
    ax.set(title=title, xlabel="CinC 2017 class")
fig.tight_layout()
plt.show()
