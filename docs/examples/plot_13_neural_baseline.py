"""
A neural baseline on the same folds as a covariance pipeline
============================================================

A 1-D ResNet trained on raw 12-lead signals and a tangent-space classifier of the lead
covariances are only comparable when they are scored on identical folds, with the same
metric and an interval on it. :func:`geoecg.evaluation.compare` computes the folds once,
fits every method on each, pools the out-of-fold predictions and puts a bootstrap 95 %
interval on each metric. Needs the ``neural`` extra (PyTorch); this page is left out of the
gallery when it is not installed.

Synthetic 12-lead ECGs (:class:`~geoecg.simulate.ECGWaveformSimulator`, 5 s at 100 Hz; the
label changes heart rate, QRS width and amplitude, ST level and axis) for 120 subjects, one
record each. The network is kept small (two blocks of 8 and 16 filters, at most 3 epochs)
so that the page builds in seconds on a CPU. Every setting was fixed before the first run;
these are figures of a simulator with a tiny network, not a comparison of the two model
families: the benchmark on PTB-XL is on :doc:`/benchmarks/neural`.
"""

# %%
# 120 subjects, raw signals in mV, shape ``(n_records, n_leads, n_samples)``.
import matplotlib.pyplot as plt
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from geoecg.evaluation import compare
from geoecg.neural import ResNet1DClassifier
from geoecg.riemann import ClassMeanTangentSpace, LeadCovariances
from geoecg.simulate import ECGWaveformSimulator, Environment
from geoecg.viz import plot_comparison

subjects, X = ECGWaveformSimulator(duration_s=5.0).sample(
    120, Environment(), random_state=0, return_waveforms=True
)
y = subjects.y
print(X.shape, f"; {y.mean():.0%} of the subjects have the label")

# %%
# Both methods take the same ``X``: the covariance pipeline band-passes and reduces each
# record to a 12 x 12 matrix itself, the network reads the samples. Both are scikit-learn
# estimators, so :func:`~geoecg.evaluation.compare` fits clones of them on each fold. With
# several records per patient, pass ``groups=`` (the patient ids) so that no patient is on
# both sides of a fold.
methods = {
    "Riemann + LR": make_pipeline(
        LeadCovariances("oas", fs=100, band=(0.5, 40)),
        ClassMeanTangentSpace(),
        LogisticRegression(max_iter=1000),
    ),
    "ResNet1D": ResNet1DClassifier(filters=(8, 16), kernel_sizes=(7, 5), epochs=3, random_state=0),
}
table = compare(
    methods,
    X,
    y,
    cv=3,
    metrics=["auroc", "balanced_accuracy"],
    n_bootstrap=100,
    progress=False,
)
print(table[["method", "metric", "value", "ci_low", "ci_high", "fit_s"]].round(3).to_string())

# %%
# ``value`` is the metric of the pooled out-of-fold predictions, ``ci_low`` / ``ci_high``
# its bootstrap interval and ``fit_s`` the training time in seconds summed over the folds
# (on a fresh install the covariance pipeline's first fit includes compiling its numba
# kernels, so read speed on :doc:`/benchmarks/neural` and :doc:`/benchmarks/riemann`, not
# here). The figure shows the AUROC with its interval; where the two intervals overlap, 120
# records cannot order the two methods (the network's figures also move with the PyTorch
# version).
fig, ax = plt.subplots(figsize=(5.5, 2.5))
plot_comparison(table, metric="auroc", ax=ax)
ax.set_title("Same 3 folds, 120 simulated subjects")
plt.tight_layout()
plt.show()

# %%
# The same comparison on PTB-XL records runs from the shell:
# ``geoecg compare --task ptbxl-norm-vs-mi --data PTBXL_DIR`` (see :doc:`/user_guide/neural`).
