"""
Geodesic augmentation for a small cohort
========================================

With ten or twenty patients, a tangent-space classifier has few matrices to learn the class
means and the decision boundary from. :class:`~geoecg.riemann.GeodesicAugmentedClassifier`
adds, at ``fit`` only, new matrices on the geodesic between two training matrices of the same
class (:func:`~geoecg.riemann.geodesic_augment`); test matrices are never augmented.

Synthetic 12-lead ECGs (:class:`~geoecg.simulate.ECGWaveformSimulator`, 5 s at 100 Hz):
training cohorts of 10 to 80 subjects, each drawn 5 times from a pool of 200, and one test
set of 200 other subjects. Every setting (sizes, draws, ``ratio=1``, the classifier) was fixed
before the first run; these are figures of a simulator, not of patients.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline

from geoecg.riemann import ClassMeanTangentSpace, GeodesicAugmentedClassifier, LeadCovariances
from geoecg.simulate import ECGWaveformSimulator, Environment

sim = ECGWaveformSimulator(duration_s=5.0)
covariances = LeadCovariances("oas", fs=100, band=(0.5, 40))
pool, ecg_pool = sim.sample(200, Environment(), random_state=0, return_waveforms=True)
test, ecg_test = sim.sample(200, Environment(), random_state=1, return_waveforms=True)
C_pool, C_test = covariances.fit_transform(ecg_pool), covariances.transform(ecg_test)
print(C_pool.shape, C_test.shape)


def tangent_lr():
    return make_pipeline(ClassMeanTangentSpace(), LogisticRegression(max_iter=1000))


# %%
# For each cohort size, 5 random cohorts from the pool (a draw with a single class is
# replaced by the next one); each is fitted with and without augmentation and scored on
# the same 200 test subjects.
sizes = [10, 20, 40, 80]
draws = 5
auc = {
    "plain": np.zeros((len(sizes), draws)),
    "geodesic augmentation": np.zeros((len(sizes), draws)),
}
for i, n in enumerate(sizes):
    offset = 0
    for seed in range(draws):
        while True:
            rng = np.random.default_rng(1000 * n + seed + offset)
            idx = rng.choice(len(pool.y), size=n, replace=False)
            if len(np.unique(pool.y[idx])) == 2:
                break
            offset += 100
        X, y = C_pool[idx], pool.y[idx]
        plain = tangent_lr().fit(X, y)
        aug = GeodesicAugmentedClassifier(tangent_lr(), ratio=1.0, random_state=seed).fit(X, y)
        auc["plain"][i, seed] = roc_auc_score(test.y, plain.predict_proba(C_test)[:, 1])
        auc["geodesic augmentation"][i, seed] = roc_auc_score(
            test.y, aug.predict_proba(C_test)[:, 1]
        )
    print(
        f"n = {n:2d}: AUROC {auc['plain'][i].mean():.3f} +- {auc['plain'][i].std():.3f} plain, "
        f"{auc['geodesic augmentation'][i].mean():.3f} +- "
        f"{auc['geodesic augmentation'][i].std():.3f} augmented"
    )

# %%
fig, ax = plt.subplots(figsize=(5.5, 3.5))
for (name, a), style in zip(auc.items(), ("o-", "s-"), strict=True):
    m, s = a.mean(axis=1), a.std(axis=1)
    ax.plot(sizes, m, style, label=name)
    ax.fill_between(sizes, m - s, m + s, alpha=0.2)
ax.set_xscale("log", base=2)
ax.set_xticks(sizes, [str(n) for n in sizes])
ax.set(xlabel="training subjects", ylabel="AUROC on 200 test subjects")
ax.legend(frameon=False, loc="lower right")
ax.set_title("Mean and SD over 5 cohorts per size")
plt.tight_layout()
plt.show()

# %%
# On these simulated records (first run with these settings, nothing changed after it)
# augmentation moved the mean AUROC by 0.000, +0.005, +0.005 and +0.001 at 10, 20, 40 and
# 80 subjects: less than the spread between cohorts of the same size (SD 0.023 at 10
# subjects, 0.011 at 80), on five cohorts per size. So here it does not help measurably;
# more subjects move the AUROC more (0.921 at 10, 0.950 at 80). Whether it helps a
# real cohort depends on its size and on how far its classes are apart: judge it by a
# nested, patient-grouped CV of both variants on the training patients
# (:func:`geoecg.evaluation.nested_evaluate`), as :doc:`../benchmarks/beats` does for its
# registered pipelines; see also :doc:`../user_guide/riemann`.
