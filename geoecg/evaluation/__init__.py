"""Evaluation: beat matching, patient-wise splits, metrics and confidence intervals."""
