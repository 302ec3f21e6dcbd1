"""Root pytest configuration: modules that doctest collection must not import.

The old AF module paths (moved into ``geoecg.features.af`` / ``geoecg.estimators.af``, kept
for one release) warn on import by design; their doctests run from the new modules, and
``tests/test_af_moved.py`` checks the warnings.
"""

collect_ignore = [
    "geoecg/features/af_record.py",
    "geoecg/features/af_rhythm_profile.py",
    "geoecg/features/af_crops.py",
    "geoecg/estimators/af_ectopy.py",
    "geoecg/estimators/af_pipeline.py",
    "geoecg/estimators/af_screening.py",
    "geoecg/estimators/cinc2017.py",
]
