"""Figures read as a clinician reads them: leads named, mV and s, words instead of code names."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from geoecg.viz import (  # noqa: E402
    plot_covariances,
    plot_rpeaks,
    plot_shift_sweep,
    plot_star_strip,
)
from geoecg.viz._labels import lead_label, method_label, metric_label, shift_label  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_lead_labels():
    assert [lead_label(n) for n in ("AVR", "avl", "aVF", "MLII", "v1", "II")] == [
        "aVR",
        "aVL",
        "aVF",
        "MLII",
        "V1",
        "II",
    ]


def test_covariance_ticks_use_goldberger_spelling():
    leads = ["I", "II", "III", "AVR", "AVL", "AVF"]
    fig = plot_covariances(np.eye(6)[None], lead_names=leads)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == ["I", "II", "III", "aVR", "aVL", "aVF"]


def test_rpeak_plot_names_lead_and_units():
    fs = 250.0
    x = np.sin(np.linspace(0, 40, 2500))
    fig = plot_rpeaks(x, fs, [100, 600], [101, 601], lead="MLII")
    ax = fig.axes[0]
    assert ax.get_ylabel() == "lead MLII (mV)" and ax.get_xlabel() == "time (s)"
    assert {"detected R-peak", "reference beat (annotation)"} <= {
        t.get_text() for t in ax.get_legend().get_texts()
    }


def test_star_strip_legend_explains_markers():
    from geoecg.features import star_augment

    fs = 250.0
    peaks = np.arange(100, 2400, 200)
    x = np.zeros((1, 2500))
    x[0, peaks] = 1.0
    fig = plot_star_strip(x, star_augment(x, peaks), fs, peaks, lead_name="V1")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "original R-peaks" in labels and "R-peaks after STAR" in labels
    assert ax.get_ylabel() == "lead V1 (mV)"


def test_sweep_plot_has_words_not_column_names():
    s = pd.DataFrame(
        {
            "method": ["x_plus_w", "x_plus_w"],
            "shift": [0.0, 1.0],
            "n": [10, 10],
            "metric": ["log_loss_gap"] * 2,
            "mean": [0.0, 0.1],
            "ci_low": [-0.01, 0.05],
            "ci_high": [0.01, 0.15],
        }
    )
    fig = plot_shift_sweep(s, xlabel={"age_mean": 10.0})
    ax = fig.axes[0]
    assert ax.get_ylabel() == metric_label("log_loss_gap") != "log_loss_gap"
    assert "age mean +10 years" in ax.get_xlabel().replace("\n", " ")  # wrapped
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [method_label("x_plus_w")]
    assert "_" not in ax.get_ylabel() + ax.get_xlabel()
    assert shift_label(None) == "shift strength s"
