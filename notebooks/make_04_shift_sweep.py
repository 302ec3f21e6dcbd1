"""Build 04_shift_sweep.ipynb (run: python notebooks/make_04_shift_sweep.py)."""

from pathlib import Path

import nbformat as nbf

cells = [
    nbf.v4.new_markdown_cell(
        "# Distribution shift in anticausal diagnosis: a small sweep\n\n"
        "In diagnosis the disease $Y$ causes the biomarker $X$, and covariates $W$ (age, sex, "
        "site) cause both (Blaas et al. 2024). When the population changes, $P(Y\\mid X)$ "
        "moves but $P(Y\\mid X, W)$ does not. This notebook simulates that with "
        "`geoecg.simulate.AnticausalSCM`, runs a small sweep over the age shift of the test "
        "population and plots the **transfer gaps**: the metric of the model fitted in the "
        "training environments minus that of the same model class fitted in the test "
        "environment, both evaluated on the test environment."
    ),
    nbf.v4.new_code_cell(
        "import tempfile\n"
        "import matplotlib.pyplot as plt\n"
        "import numpy as np\n"
        "from geoecg.simulate import AnticausalSCM, Environment, synthesize_ecg, LEADS\n"
        "from geoecg.sweep import load_config, run_sweep, summarize\n"
        "from geoecg.viz import plot_shift_sweep"
    ),
    nbf.v4.new_markdown_cell(
        "## The simulator\n\nTwo environments that differ only in their age distribution: "
        "disease prevalence differs, and so does the biomarker at equal disease status."
    ),
    nbf.v4.new_code_cell(
        "scm = AnticausalSCM()\n"
        "young = scm.sample(5000, Environment(age_mean=55.0), random_state=0)\n"
        "old = scm.sample(5000, Environment(age_mean=80.0), random_state=1)\n"
        "print('prevalence young %.2f, old %.2f' % (young.y.mean(), old.y.mean()))\n"
        "young.covariates.head()"
    ),
    nbf.v4.new_markdown_cell(
        "The same machinery drives a synthetic 12-lead ECG (ECGSYN dynamics, Dower "
        "projection) whose heart rate, QRS width, ST level and axis depend on $Y$ and $W$."
    ),
    nbf.v4.new_code_cell(
        "ecg = synthesize_ecg(fs=250, duration_s=3, hr_bpm=72, st_mv=-0.1, random_state=0)\n"
        "fig, axes = plt.subplots(3, 1, figsize=(9, 4.5), sharex=True)\n"
        "t = np.arange(ecg.shape[1]) / 250.0  # seconds\n"
        "for ax, lead in zip(axes, ['II', 'V2', 'V5']):\n"
        "    ax.plot(t, ecg[LEADS.index(lead)], lw=0.8, color='k')\n"
        "    ax.set_ylabel(f'lead {lead} (mV)')\n"
        "axes[-1].set_xlabel('time (s)')\n"
        "plt.show()"
    ),
    nbf.v4.new_markdown_cell(
        "## A small sweep\n\nThe configuration is the same mapping a sweep TOML file holds "
        "(`geoecg sweep --list` names the packaged ones; `geoecg sweep NAME_OR_FILE --out DIR` "
        "runs one from the shell)."
    ),
    nbf.v4.new_code_cell(
        "config = load_config({\n"
        "    'sweep': {'name': 'notebook', 'simulator': 'anticausal', 'seed': 7},\n"
        "    'grid': {'shift': [0.0, 1.0, 2.0], 'method': ['x_only', 'x_plus_w', 'irm', 'vrex'],\n"
        "             'seed': 4, 'n': [1000]},\n"
        "    'train_env': [{'age_mean': 55.0, 'site_probs': [0.7, 0.3]},\n"
        "                  {'age_mean': 65.0, 'site_probs': [0.3, 0.7]}],\n"
        "    'test_env': {'age_mean': 60.0},\n"
        "    'shift': {'age_mean': 10.0},\n"
        "    'evaluation': {'n_test': 5000, 'n_reference': 5000},\n"
        "})\n"
        "out = tempfile.mkdtemp()\n"
        "df = run_sweep(config, out, progress=False)\n"
        "df[['method', 'shift', 'seed', 'auroc', 'log_loss', 'ece', 'auroc_gap', 'log_loss_gap']]"
        ".head()"
    ),
    nbf.v4.new_code_cell(
        "summary = summarize(df, ['log_loss_gap', 'auroc_gap'])\n"
        "summary[summary.metric == 'log_loss_gap'].pivot_table(index='method', "
        "columns='shift', values='mean').round(4)"
    ),
    nbf.v4.new_code_cell(
        "fig = plot_shift_sweep(summary, xlabel=config.raw['shift'])\nplt.show()"
    ),
    nbf.v4.new_markdown_cell(
        "X+W stays at a gap of about zero across the grid; X-only and the invariant-learning "
        "baselines (IRM, V-REx) lose calibration as the test population ages. Raw AUROC of "
        "even the Bayes predictor moves when $P(W)$ moves, which is why the gap, not the raw "
        "metric, measures robustness."
    ),
]
nb = nbf.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3",
                                                               "display_name": "Python 3",
                                                               "language": "python"}})
nbf.write(nb, Path(__file__).with_name("04_shift_sweep.ipynb"))
