"""
Twelve leads from three
=======================

Reconstruct the nine missing leads of a record that has only I, II and V3, with a
:class:`~geoecg.leads.LeadReconstructor` fitted on other records. Trained on 15 of the 20
embedded PTB-XL records and scored on the other 5: it shows the mechanics, the benchmark
(353 training records) gives the figures.
"""

# %%
# The embedded records are 12-lead, 10 s at 100 Hz, in mV; band-pass them first.
import matplotlib.pyplot as plt
import numpy as np

from geoecg.datasets import sample_ptbxl_dir
from geoecg.io import PTBXL
from geoecg.leads import STANDARD_LEADS, LeadReconstructor
from geoecg.signal import bandpass

X, meta = PTBXL(sample_ptbxl_dir()).load(fs=100)
X = bandpass(X, 100.0, 0.5, 40.0)
train, test = X[:15], X[15:]
print(X.shape)

# %%
# The population model: one linear map for everyone from the three source leads (at delays
# of -2..2 samples) to each missing lead. III, aVR, aVL and aVF follow exactly from I and II
# (Einthoven and Goldberger), so the chest leads are the real task.
rec = LeadReconstructor(source=("I", "II", "V3"), method="population", n_taps=2).fit(train)
per_record = rec.score_leads(test)  # r and RMSE per test record and lead
scores = per_record.to_frame()  # mean r, SD, median r, RMSE (µV) per lead
print(scores.round(3))

# %%
# Pearson r per lead on the five test records, and lead V1, the hardest lead from these
# sources, of the test record with the median V1 r, recorded and reconstructed from I, II
# and V3 only. What to look for: the four limb leads at r = 1.000 (they follow from I and
# II), the chest leads near V3 high (V4 0.959) and V1 lowest on average (0.698) with the
# largest spread between the five records (SD 0.283, median 0.837), as the table printed.
X_hat = rec.transform(test[:, [STANDARD_LEADS.index(s) for s in ("I", "II", "V3")]])
v1 = STANDARD_LEADS.index("V1")
r_v1 = per_record.r[:, per_record.leads.index("V1")]
k = int(np.argsort(r_v1)[len(r_v1) // 2])
print(f"V1 of test record {k}: r = {r_v1[k]:.2f}")
t = np.arange(X.shape[2]) / 100.0
fig, axes = plt.subplots(1, 2, figsize=(11, 3.5), gridspec_kw={"width_ratios": [1, 2]})
axes[0].bar(scores.index, scores.r_mean)
axes[0].set(
    ylim=(0, 1.05), ylabel="Pearson r (recorded, rebuilt)", title="mean r of 5 test records"
)
axes[0].tick_params(axis="x", labelrotation=90)
axes[1].plot(t, test[k, v1], "k", lw=0.9, label="recorded")
axes[1].plot(t, X_hat[k, v1], "tab:red", lw=0.9, label="from I, II, V3")
axes[1].set(xlim=(0, 5), xlabel="time (s)", ylabel="V1 (mV)", title="lead V1")
axes[1].legend()
fig.tight_layout()
plt.show()
