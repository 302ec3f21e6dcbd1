"""
Lead covariances and the tangent space
======================================

Compute the 12 x 12 lead covariance of each embedded PTB-XL record, look at two of them,
and project all of them to the tangent space at the class means, where a linear classifier
works. The target (sex) is a toy one: 20 records show the mechanics, not a result.
"""

# %%
import matplotlib.pyplot as plt

from geoecg.datasets import sample_ptbxl_dir
from geoecg.io import PTBXL
from geoecg.leads import STANDARD_LEADS
from geoecg.riemann import ClassMeanTangentSpace, LeadCovariances
from geoecg.viz.riemann import plot_covariances, plot_tangent_scatter

X, meta = PTBXL(sample_ptbxl_dir()).load(fs=100)  # (20, 12, 1000) in mV
y = (meta["sex"] == 1).to_numpy().astype(int)  # PTB-XL: sex 0 = male, 1 = female
classes = ["male (sex 0)", "female (sex 1)"]
covs = LeadCovariances("oas", fs=100, band=(0.5, 40)).fit_transform(X)
print(X.shape, "->", covs.shape)

# %%
# Two covariance matrices (mV²), one per class, the leads in PTB-XL's standard order.
i0, i1 = int((y == 0).argmax()), int((y == 1).argmax())
plot_covariances(covs[[i0, i1]], titles=classes, lead_names=STANDARD_LEADS)
plt.show()

# %%
# Tangent vectors at both class means: one row of features per record. The scatter shows
# their first two principal components. The class means were learned from these same 20
# records and their labels (``fit_transform(covs, y)``), so any separation seen here is
# in-sample and says nothing about new records: score the pipeline with patient-wise
# cross-validation, as in :doc:`plot_07_beats_nested` and :doc:`/user_guide/evaluation`.
T = ClassMeanTangentSpace().fit_transform(covs, y)
print(T.shape)
plot_tangent_scatter(T, y, labels=classes)
plt.show()
