"""Build 07_classical_vs_neural.ipynb (run: python notebooks/make_07_classical_vs_neural.py)."""

from pathlib import Path

import nbformat as nbf

cells = [
    nbf.v4.new_markdown_cell(
        "# Classical and neural models on identical patient-wise splits\n\n"
        "`geoecg.evaluation.compare` fits every method on the same folds (grouped by "
        "`patient_id`), pools the out-of-fold predictions and puts a patient-level bootstrap "
        "95% CI on each metric. This notebook runs a reduced version of "
        "`geoecg compare --task ptbxl-norm-vs-mi` on the PTB-XL subset (found through "
        "`GEOECG_DATA`): the first 200 records, 3 folds and a small CNN so that it runs in about a minute "
        "on a laptop CPU. The README has the full-size table."
    ),
    nbf.v4.new_code_cell(
        "import os\n"
        "import matplotlib.pyplot as plt\n"
        "from geoecg.evaluation import compare\n"
        "from geoecg.commands.compare_tasks import load_task, summary_table\n"
        "from geoecg.neural import CNN1DClassifier\n"
        "from geoecg.viz import plot_comparison\n"
        "ptbxl = os.path.join(os.environ['GEOECG_DATA'], 'ptbxl')\n"
        "task = load_task('ptbxl-norm-vs-mi', ptbxl, max_records=200, random_state=0)\n"
        "print(task.notes)\n"
        "print(len(task.y), 'records,', len(set(task.groups)), 'patients, MI prevalence',\n"
        "      round(task.y.mean(), 3))"
    ),
    nbf.v4.new_code_cell(
        "methods = {\n"
        "    'Riemann tangent space + LR': task.estimators['Riemann tangent space + LR'],\n"
        "    'CNN1D (small)': CNN1DClassifier(filters=(8, 16), epochs=4, random_state=0),\n"
        "}\n"
        "table = compare(methods, task.X, task.y, groups=task.groups, cv=3,\n"
        "                metrics=['auroc', 'f1_macro'], n_bootstrap=300, progress=False)\n"
        "print(summary_table(table))"
    ),
    nbf.v4.new_code_cell(
        "# every method saw the same folds, and no patient is on both sides of one\n"
        "for train, test in table.attrs['splits']:\n"
        "    assert not set(task.groups[train]) & set(task.groups[test])\n"
        "fig = plot_comparison(table, 'auroc')\nplt.show()"
    ),
]
nb = nbf.v4.new_notebook(
    cells=cells,
    metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "geoecg": {"needs_data": True},
    },
)
nbf.write(nb, Path(__file__).with_name("07_classical_vs_neural.ipynb"))
