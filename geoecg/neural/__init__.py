"""Neural baselines (PyTorch, optional extra ``neural``) with the scikit-learn API.

``ResNet1DClassifier`` and ``CNN1DClassifier`` take raw signals ``(n_records, n_leads,
n_samples)``; ``MLPClassifier`` takes feature matrices. All support multi-label 0/1 targets,
class weights, early stopping and pickling, and are reproducible on CPU with an int
``random_state``.
"""

try:
    import torch  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised only without torch
    raise ImportError(
        "geoecg.neural needs PyTorch, which is an optional extra: pip install 'geoecg[neural]' "
        "(for the CPU wheel: pip install torch==2.13.0)"
    ) from exc

from .classifiers import CNN1DClassifier, MLPClassifier, ResNet1DClassifier

__all__ = ["ResNet1DClassifier", "CNN1DClassifier", "MLPClassifier"]
