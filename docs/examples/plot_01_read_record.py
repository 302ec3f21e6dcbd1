"""
Read a record and plot it
=========================

Read five minutes of MIT-BIH Arrhythmia record 119 (embedded in the package), look at its
header and annotations, and plot the first ten seconds of both leads in mV.
"""

# %%
# A record is a frozen :class:`~geoecg.io.ECGRecord`: the signal is float64 in mV with shape
# ``(n_leads, n_samples)``, ``fs`` is in Hz.
import matplotlib.pyplot as plt

from geoecg.datasets import sample_record_path
from geoecg.io import read_record
from geoecg.viz import plot_record

rec = read_record(sample_record_path("mitdb_119"))
print(rec.signal.shape, rec.fs, rec.lead_names)

# %%
# The reference beat annotations travel with the record.
print(len(rec.annotations.sample), "annotations; first symbols:", rec.annotations.symbol[:10])

# %%
# Plot ten seconds; the axes are in seconds and mV, one panel per lead. What to look for:
# two of the beats (labelled V, in red) come early and are wide and of another shape than
# the narrow normal beats (N), in both leads: record 119's ventricular ectopic beats.
plot_record(rec, start_s=0.0, duration_s=10.0)
plt.show()
