"""
R-peaks and HRV of a record
===========================

Detect the R-peaks of MIT-BIH record 101 (five embedded minutes), score them against the
reference annotations, and look at the RR series: tachogram, Poincaré plot and the HRV
indices.
"""

# %%
# Detection on lead MLII and matching against the reference beats (150 ms tolerance).
# (``detect_rpeaks(rec.signal, rec.fs)`` would combine both leads; its R-peak positions
# can then sit a few milliseconds from the apex of one lead.)
import matplotlib.pyplot as plt

from geoecg.datasets import sample_record_path
from geoecg.evaluation import match_beats
from geoecg.features import clean_rr, detect_rpeaks, hrv_features
from geoecg.io import aami_labels, read_record
from geoecg.viz import plot_poincare, plot_rpeaks, plot_tachogram

rec = read_record(sample_record_path("mitdb_101"))
peaks = detect_rpeaks(rec.signal[0], rec.fs)
ref = rec.annotations.sample[aami_labels(rec.annotations.symbol) != ""]
m = match_beats(ref, peaks.indices, rec.fs, tolerance_ms=150)
print(f"Se {m.se:.2f} %, +P {m.ppv:.2f} % ({m.tp} matched, {m.fp} extra, {m.fn} missed)")

# %%
# Ten seconds of lead MLII with the detected R-peaks and the reference beats.
plot_rpeaks(
    rec.signal[0], rec.fs, peaks.indices, ref, start_s=60.0, duration_s=10.0, lead=rec.lead_names[0]
)
plt.show()

# %%
# The RR series, with the intervals that RR cleaning would correct highlighted. What to
# look for: sinus rhythm, the RR drifting and oscillating between about 750 and 1,050 ms;
# near 175 s one interval drops below 400 ms, a detection on an artefact that the reference
# marks ``|`` (not a beat: one of the 2 extra detections of the first cell), and RR
# cleaning marks it and its neighbours in red. In the Poincaré plot the same few
# intervals lie off the ellipse, which is stretched along the diagonal (SD2 > SD1: slow
# changes of the rate dominate beat-to-beat ones).
cleaned = clean_rr(peaks.rr_ms)
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
plot_tachogram(peaks.rr_ms, changed=cleaned.changed, ax=axes[0])
plot_poincare(peaks.rr_ms, ax=axes[1])
fig.tight_layout()
plt.show()

# %%
# A few of the 48 HRV indices (NaN where an index is undefined).
hrv = hrv_features(peaks.rr_ms)
for name in ("MeanNN", "SDNN", "RMSSD", "pNN50", "SD1", "SD2", "SampEn"):
    print(f"{name:>7s} {hrv[name]:8.2f}")
