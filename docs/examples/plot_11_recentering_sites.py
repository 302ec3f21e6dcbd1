"""
Re-centering lead covariances across two sites
==============================================

A model trained on the ECGs of one site meets the ECGs of another site whose recorder has a
different amplifier gain. Every lead covariance of site B is then the covariance of site A
times ``gain²``: the same hearts, shifted on the manifold, and a tangent-space classifier
trained on site A reads the shift as disease. :class:`~geoecg.riemann.RiemannianRecentering`
moves the matrices of each site (domain) so that their mean is the identity; a new site is
re-centred on the mean of its own **unlabelled** matrices, so no label of site B is used.

Synthetic 12-lead ECGs (:class:`~geoecg.simulate.ECGWaveformSimulator`, 5 s at 100 Hz; the
label changes heart rate, QRS width and amplitude, ST level and axis) for 100 subjects per
site. Every setting was fixed before the first run; these are figures of a simulator, not of
patients.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline

from geoecg.riemann import ClassMeanTangentSpace, LeadCovariances, RiemannianRecentering
from geoecg.simulate import ECGWaveformSimulator, Environment, shift_mechanism

sim = ECGWaveformSimulator(duration_s=5.0)
covariances = LeadCovariances("oas", fs=100, band=(0.5, 40))
site_a, ecg_a = sim.sample(100, Environment(), random_state=0, return_waveforms=True)
C_a, y_a = covariances.fit_transform(ecg_a), site_a.y
print(ecg_a.shape, "->", C_a.shape, f"; {y_a.mean():.0%} of site A has the label")


def pipeline(recenter: bool):
    steps = [ClassMeanTangentSpace(), LogisticRegression(max_iter=1000)]
    if recenter:
        rc = RiemannianRecentering(unseen="batch")
        steps.insert(0, rc.set_fit_request(domains=True).set_transform_request(domains=True))
    return make_pipeline(*steps)


# %%
# Within site A (5-fold cross-validation) the classifier works:
cv = StratifiedKFold(5, shuffle=True, random_state=0)
within = cross_val_score(pipeline(False), C_a, y_a, cv=cv).mean() * 100
print(f"accuracy within site A: {within:.1f} %")

# %%
# Site B: the same population, recorded with gain ``g``. Train on site A, test on site B,
# without and with re-centering (site A on its training mean, site B on its own mean).
gains = [1.0, 1.25, 2.0, 3.0]
acc = {"without re-centering": [], "with re-centering": []}
with sklearn.config_context(enable_metadata_routing=True):
    for g in gains:
        site_b, ecg_b = sim.sample(
            100, shift_mechanism(Environment(), gain=g), random_state=1, return_waveforms=True
        )
        C_b, y_b = covariances.transform(ecg_b), site_b.y
        plain = pipeline(False).fit(C_a, y_a)
        acc["without re-centering"].append(plain.score(C_b, y_b) * 100)
        rc = pipeline(True).fit(C_a, y_a, domains=np.full(len(y_a), "A"))
        acc["with re-centering"].append(rc.score(C_b, y_b, domains=np.full(len(y_b), "B")) * 100)
        print(
            f"gain {g:4.2f}: accuracy on site B {acc['without re-centering'][-1]:5.1f} % "
            f"without, {acc['with re-centering'][-1]:5.1f} % with re-centering"
        )

# %%
fig, ax = plt.subplots(figsize=(5.5, 3.5))
for (name, values), style in zip(acc.items(), ("o-", "s-"), strict=True):
    ax.plot(gains, values, style, label=name)
ax.axhline(within, color="0.5", ls="--", lw=1, label="within site A (CV)")
ax.set(xlabel="amplifier gain of site B (site A: 1)", ylabel="accuracy on site B (%)")
ax.set_ylim(0, 100)
ax.legend(frameon=False, loc="lower left")
ax.set_title("Train on site A, test on site B")
plt.tight_layout()
plt.show()

# %%
# First run with these settings, nothing changed after it: within site A 96.0 %. At gain 1
# both sites come from the same distribution and re-centering costs nothing here (91.0 %
# without, 93.0 % with). From gain 1.25 on, the plain model's accuracy on site B falls
# (72.0 % at 1.25, 42.0 % at 2 and 3, worse than always guessing the larger class); the
# re-centred model keeps 92.0-93.0 %, because a gain multiplies every matrix of a site by
# the same factor, and re-centering divides the site's mean out. Re-centering cannot undo a
# shift that differs from subject to subject, and it assumes that both sites have similar
# class proportions (it moves each site's mean, which depends on its label mix).
# See :doc:`../user_guide/riemann`.
