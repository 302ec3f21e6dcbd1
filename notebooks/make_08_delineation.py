"""Build 08_delineation.ipynb (run: python notebooks/make_08_delineation.py)."""

from pathlib import Path

import nbformat as nbf

cells = [
    nbf.v4.new_markdown_cell(
        "# Reading a 12-lead ECG like a clinician: delineation and clinical measurements\n\n"
        "One PTB-XL record at 500 Hz: R-peaks, the median beat of every lead, its P, QRS and "
        "T boundaries (one global boundary per beat from all leads), and the measurements of "
        "a 12-lead report: intervals, four QTc formulas, frontal axes, ST level at J+60 ms "
        "and the Sokolow-Lyon / Cornell voltages. The validation against cardiologists "
        "(LUDB) and NeuroKit2 is `geoecg bench delineate`; see the benchmark page."
    ),
    nbf.v4.new_code_cell(
        "import os\n"
        "import numpy as np\n"
        "import matplotlib.pyplot as plt\n\n"
        "from geoecg.features import clinical_measurements, delineate\n"
        "from geoecg.io import PTBXL\n"
        "from geoecg.io.ptbxl import LEADS\n\n"
        "db = PTBXL(os.path.join(os.environ['GEOECG_DATA'], 'ptbxl'))\n"
        "ecg_id = db.available(500)[0]\n"
        "X, meta = db.load([ecg_id], fs=500)\n"
        "x, row = X[0], meta.iloc[0]\n"
        "print(ecg_id, 'age', row['age'], 'sex', 'F' if row['sex'] == 1 else 'M',\n"
        "      'statements', row['scp_codes'])"
    ),
    nbf.v4.new_markdown_cell("## Per-beat delineation (all leads combined)"),
    nbf.v4.new_code_cell(
        "d = delineate(x, 500.0, leads=LEADS)\n"
        "d.wide('global').round(0).head()"
    ),
    nbf.v4.new_markdown_cell("## The report, measured on the median beat"),
    nbf.v4.new_code_cell(
        "m = clinical_measurements(x, 500.0, LEADS, sex=int(row['sex']))\n"
        "keys = ['hr_bpm', 'pr_ms', 'p_dur_ms', 'qrs_dur_ms', 'qt_ms', 'qtc_bazett_ms',\n"
        "        'qtc_fridericia_ms', 'qtc_framingham_ms', 'qtc_hodges_ms', 'p_axis_deg',\n"
        "        'qrs_axis_deg', 't_axis_deg', 'st_j60_v2_mv', 'sokolow_lyon_mv', 'cornell_mv',\n"
        "        'lvh_sokolow_lyon', 'lvh_cornell']\n"
        "for k in keys:\n"
        "    print(f'{k:20s} {m.values[k]:8.2f}', m.reasons.get(k, ''))"
    ),
    nbf.v4.new_markdown_cell(
        "## Fiducials on the median beat of each lead\n"
        "Dashed: P onset/offset, solid: QRS onset and J point, dotted: T peak and offset."
    ),
    nbf.v4.new_code_cell(
        "t = (np.arange(m.median_beat.shape[1]) - m.r_index) * 2.0  # ms from the R-peak\n"
        "style = {'P_on': '--', 'P_off': '--', 'QRS_on': '-', 'J': '-', 'T_peak': ':',\n"
        "         'T_off': ':'}\n"
        "fig, axes = plt.subplots(3, 4, figsize=(12, 7), sharex=True)\n"
        "for ax, lead, y in zip(axes.T.ravel(), LEADS, m.median_beat):\n"
        "    ax.plot(t, y, 'k', lw=1)\n"
        "    for f, ls in style.items():\n"
        "        if np.isfinite(m.fiducials_ms[f]):\n"
        "            ax.axvline(m.fiducials_ms[f], ls=ls, color='tab:red', lw=0.8)\n"
        "    ax.set_title(lead, fontsize=9)\n"
        "for ax in axes[-1]:\n"
        "    ax.set_xlabel('ms from R')\n"
        "for ax in axes[:, 0]:\n"
        "    ax.set_ylabel('median beat (mV)')\n"
        "fig.tight_layout()"
    ),
]
nb = nbf.v4.new_notebook(
    cells=cells,
    metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "geoecg": {"needs_data": True},
    },
)
nbf.write(nb, Path(__file__).with_name("08_delineation.ipynb"))
