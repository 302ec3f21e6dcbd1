"""Build 01_reading_records.ipynb (run: python notebooks/make_01_reading_records.py)."""

from pathlib import Path

import nbformat as nbf

cells = [
    nbf.v4.new_markdown_cell(
        "# Reading ECG records with geoecg\n\n"
        "This notebook reads a WFDB record with its reference beat annotations, plots it, and "
        "loads the PTB-XL metadata with the diagnostic superclasses. It uses the small data "
        "embedded in the package, so it runs with no download; set `GEOECG_DATA` to a folder "
        "holding `mitdb/`, `ptbxl/`, ... to use the full databases instead."
    ),
    nbf.v4.new_code_cell(
        "import matplotlib.pyplot as plt\n"
        "import numpy as np\n"
        "import geoecg\n"
        "from geoecg.datasets import sample_record_path, sample_ptbxl_dir\n"
        "from geoecg.io import read_record, beat_annotations, rhythm_episodes, PTBXL\n"
        "from geoecg.viz import plot_record\n"
        "geoecg.__version__"
    ),
    nbf.v4.new_markdown_cell(
        "## One MIT-BIH record\n\nA 5-minute excerpt of record 201 (atrial fibrillation "
        "episodes). The signal is float64 in mV, shape `(n_leads, n_samples)`."
    ),
    nbf.v4.new_code_cell(
        "rec = read_record(sample_record_path('mitdb_201'))\n"
        "print(rec)\n"
        "print('age', rec.metadata['age'], 'sex', rec.metadata['sex'])\n"
        "rec.signal.shape, rec.fs, rec.lead_names"
    ),
    nbf.v4.new_code_cell(
        "beats = beat_annotations(rec.annotations)\n"
        "print(beats['aami'].value_counts())\n"
        "rhythm_episodes(rec.annotations, rec.n_samples, rec.fs)"
    ),
    nbf.v4.new_code_cell(
        "fig = plot_record(rec, start_s=95, duration_s=12)\nplt.show()"
    ),
    nbf.v4.new_markdown_cell(
        "## PTB-XL metadata and signals\n\nAge, sex, site, device and the stratified folds "
        "travel as a DataFrame aligned with the signal array."
    ),
    nbf.v4.new_code_cell(
        "db = PTBXL(sample_ptbxl_dir())\n"
        "X, meta = db.load(fs=100)\n"
        "print(X.shape)\n"
        "meta[['patient_id', 'age', 'sex', 'site', 'device', 'strat_fold']].head()"
    ),
    nbf.v4.new_code_cell(
        "labels = db.superclass_labels()\nlabels.sum()"
    ),
    nbf.v4.new_code_cell(
        "fig, ax = plt.subplots(figsize=(10, 3))\n"
        "ax.plot(np.arange(X.shape[2]) / 100.0, X[0, 1], lw=0.8, color='k')\n"
        "ax.set(title=f'PTB-XL record {meta.index[0]}', xlabel='time (s)', "
        "ylabel='lead II (mV)')\n"
        "plt.show()"
    ),
]
nb = nbf.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3",
                                                               "display_name": "Python 3",
                                                               "language": "python"}})
nbf.write(nb, Path(__file__).with_name("01_reading_records.ipynb"))
