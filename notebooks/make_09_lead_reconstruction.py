"""Build 09_lead_reconstruction.ipynb (run: python notebooks/make_09_lead_reconstruction.py)."""

from pathlib import Path

import nbformat as nbf

cells = [
    nbf.v4.new_markdown_cell(
        "# Twelve leads from three: classical lead reconstruction (PTB-XL subset)\n\n"
        "`geoecg.leads.LeadReconstructor` learns a linear map from a few recorded leads to the "
        "missing ones on 12-lead training records. Here: sources I, II and V3, training on "
        "PTB-XL `strat_fold` 1-8 and testing on folds 9-10 (patient-wise). With I and II "
        "recorded, III, aVR, aVL and aVF follow exactly from Einthoven's and Goldberger's "
        "relations; the chest leads are regressed. The full table (six source sets, "
        "settings chosen by inner CV, downstream AUC) is `geoecg bench reconstruct`."
    ),
    nbf.v4.new_code_cell(
        "import os\n"
        "import numpy as np\n"
        "import matplotlib.pyplot as plt\n\n"
        "from geoecg.io import PTBXL\n"
        "from geoecg.leads import (BEAT_PHASE_EDGES_S, STANDARD_LEADS, LeadReconstructor,\n"
        "                          amplitude_spread)\n"
        "from geoecg.signal import bandpass\n\n"
        "db = PTBXL(os.path.join(os.environ['GEOECG_DATA'], 'ptbxl'))\n"
        "X, meta = db.load(db.available(100), fs=100)\n"
        "X = bandpass(X, 100.0, 0.5, 40.0)  # mV, 0.5-40 Hz\n"
        "train = meta['strat_fold'].to_numpy() <= 8\n"
        "print(X.shape, 'train', train.sum(), 'test', (~train).sum())"
    ),
    nbf.v4.new_markdown_cell(
        "## Population models and a patient-calibrated model\n"
        "`population`: one ridge regression for everyone (time-delay taps of +-20 ms); "
        "`beat-phase`: the same, with one map per beat phase (distance to the nearest "
        "R-peak of the source leads, 10 phases, each with its mean waveform) and `|x|` columns "
        "(the settings the bench's inner CV picks for I, II, V3). "
        "`patient`: each test record's own first 3 s of 12 leads calibrate its map (shrunk "
        "towards the population map), scored on the remaining 7 s."
    ),
    nbf.v4.new_code_cell(
        "src = ('I', 'II', 'V3')\n"
        "pop = LeadReconstructor(src, 'population', n_taps=2).fit(X[train])\n"
        "phs = LeadReconstructor(src, 'population', n_taps=2, fs=100.0, rectified=True,\n"
        "                        phase_edges_s=BEAT_PHASE_EDGES_S).fit(X[train])\n"
        "pat = LeadReconstructor(src, 'patient', n_taps=2, prior_strength=0.1,\n"
        "                        fs=100.0, calibration_s=3.0).fit(X[train])\n"
        "R_pop, R_phs = pop.transform(X[~train]), phs.transform(X[~train])\n"
        "R_pat = pat.transform(X[~train])\n"
        "table = pop.score_leads(X[~train], reconstructed=R_pop).to_frame()\n"
        "table = table[['r_mean', 'rmse_uv']]\n"
        "table['r_beat_phase'] = phs.score_leads(X[~train],\n"
        "                                        reconstructed=R_phs).to_frame()['r_mean']\n"
        "table['r_patient'] = pat.score_leads(X[~train],\n"
        "                                     reconstructed=R_pat).to_frame()['r_mean']\n"
        "table.round(3)"
    ),
    nbf.v4.new_markdown_cell("## Real vs reconstructed, one test record"),
    nbf.v4.new_code_cell(
        "k = 3\n"
        "t = np.arange(X.shape[2]) / 100.0\n"
        "truth = X[~train][k] - X[~train][k].mean(axis=-1, keepdims=True)\n"
        "fig, axes = plt.subplots(6, 2, figsize=(11, 11), sharex=True)\n"
        "for i, ax in enumerate(axes.T.ravel()):\n"
        "    ax.plot(t, truth[i], color='k', lw=1, label='recorded')\n"
        "    if STANDARD_LEADS[i] not in pop.source_:\n"
        "        ax.plot(t, R_pop[k, i] - R_pop[k, i].mean(), color='tab:red', lw=0.9,\n"
        "                label='population')\n"
        "        ax.plot(t, R_phs[k, i] - R_phs[k, i].mean(), color='tab:green', lw=0.9,\n"
        "                label='beat-phase')\n"
        "        ax.plot(t, R_pat[k, i] - R_pat[k, i].mean(), color='tab:blue', lw=0.9, ls='--',\n"
        "                label='patient-calibrated')\n"
        "    ax.set_title(STANDARD_LEADS[i] + (' (source)' if STANDARD_LEADS[i] in pop.source_\n"
        "                                      else ''), fontsize=9)\n"
        "    ax.set_ylabel('mV')\n"
        "axes[-1, 0].set_xlabel('time (s)')\n"
        "axes[-1, 1].set_xlabel('time (s)')\n"
        "axes[0, 1].legend(fontsize=7, loc='upper right')\n"
        "fig.tight_layout()"
    ),
    nbf.v4.new_markdown_cell(
        "## Do reconstructed chest leads regress to the mean?\n"
        "Correlation across records between the lead-I R amplitude and each chest lead's, "
        "in real and reconstructed ECGs, and the ratio of reconstructed to true variances."
    ),
    nbf.v4.new_code_cell(
        "amp = amplitude_spread(X[~train], R_pop, 100.0).to_frame()\n"
        "amp['r_amp_var_ratio_beat_phase'] = amplitude_spread(\n"
        "    X[~train], R_phs, 100.0).to_frame()['r_amp_var_ratio']\n"
        "amp.round(3)"
    ),
]
nb = nbf.v4.new_notebook(
    cells=cells,
    metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "geoecg": {"needs_data": True},
    },
)
nbf.write(nb, Path(__file__).with_name("09_lead_reconstruction.ipynb"))
