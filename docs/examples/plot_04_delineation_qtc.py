"""
Wave delineation and QTc
========================

Synthesise 12-lead ECGs at five heart rates (ECGSYN, no data needed), delineate the P, QRS
and T waves of every beat, and read the median beat the way a 12-lead report does: QT and
four QTc formulas. How much each QTc still moves with heart rate shows which formula suits
these beats.
"""

# %%
# Five 10-s records at 500 Hz, one per heart rate (mV, shape ``(5, 12, 5000)``).
import matplotlib.pyplot as plt
import numpy as np

from geoecg.features import clinical_measurements, delineate
from geoecg.simulate import LEADS, synthesize_ecg

fs = 500.0
hr = np.array([50.0, 70.0, 90.0, 110.0, 130.0])
X = synthesize_ecg(fs=fs, duration_s=10.0, hr_bpm=hr, random_state=0)
print(X.shape, LEADS)

# %%
# :func:`~geoecg.features.delineate` returns, per beat, the onset, peak and offset of each
# wave in every lead and one global (multi-lead) boundary; ``wide("global")`` is a table of
# beats x fiducials in ms (NaN where a wave is absent).
d = delineate(X[1], fs, leads=LEADS)
glob = d.wide("global")
print(glob[["P_on_ms", "QRS_on_ms", "QRS_off_ms", "T_off_ms"]].head(3))

# %%
# Two seconds of lead II at 70 bpm with the global boundaries of each beat.
t = np.arange(X.shape[2]) / fs
lead_ii = X[1, LEADS.index("II")]
fig, ax = plt.subplots(figsize=(9, 3))
ax.plot(t, lead_ii, color="k", lw=0.8)
marks = {"P_on_ms": "tab:green", "QRS_on_ms": "tab:blue", "QRS_off_ms": "tab:blue"}
marks["T_off_ms"] = "tab:red"
for col, color in marks.items():
    for ms in glob[col].dropna():
        ax.axvline(ms / 1000.0, color=color, lw=0.8, ls="--")
ax.set(xlim=(1.0, 3.0), xlabel="time (s)", ylabel="lead II (mV)")
ax.set_title("P onset (green), QRS on/offset (blue), T offset (red)")
fig.tight_layout()
plt.show()

# %%
# The median beat of each record: QT and the QTc formulas (all in ms).
formulas = ["qtc_bazett_ms", "qtc_fridericia_ms", "qtc_framingham_ms", "qtc_hodges_ms"]
rows = [clinical_measurements(x, fs, LEADS).values for x in X]
rr_s = np.array([r["rr_ms"] for r in rows]) / 1000.0
qt = np.array([r["qt_ms"] for r in rows])
for r in rows:
    print(f"HR {r['hr_bpm']:5.1f}  QT {r['qt_ms']:5.1f}", *(f"{r[f]:6.1f}" for f in formulas))

# %%
# QT = a RR^b: Bazett assumes b = 1/2, Fridericia b = 1/3. The exponent of these beats,
# from a straight line in log-log axes, says which QTc stays flattest across heart rates.
b = np.polyfit(np.log(rr_s), np.log(qt), 1)[0]
print(f"QT ~ RR^{b:.2f}")
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(hr, qt, "ko-", label="QT")
for f in formulas:
    ax.plot(hr, [r[f] for r in rows], "o-", label=f.removeprefix("qtc_").removesuffix("_ms"))
ax.set(
    xlabel="heart rate (beats/min)", ylabel="QT, QTc (ms)", title="QT and QTc of synthetic beats"
)
ax.legend()
fig.tight_layout()
plt.show()
