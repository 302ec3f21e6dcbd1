"""Validated feature functions and scikit-learn transformers built on :mod:`geoecg._kernels`."""
