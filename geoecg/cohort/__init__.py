"""Cohort-scale feature extraction: a whole ECG database to one feature table.

:func:`extract_features` (and ``geoecg extract``) turns a record source (PTB-XL, CinC 2017,
MIT-BIH, MIMIC-IV-ECG or any WFDB tree) into a partitioned Parquet table, chunk by chunk,
on joblib worker processes or a Dask cluster; an interrupted run resumes where it stopped.
"""

from .._lazy import attach as _attach

#: Public name -> submodule that defines it: each loads on first use (``geoecg._lazy``).
_EXPORTS = {
    "DEFAULT_FEATURES": "extract",
    "ExtractResult": "extract",
    "extract_features": "extract",
    "read_features": "extract",
    "FEATURE_SETS": "feature_sets",
    "AFSet": "feature_sets",
    "CovarianceSet": "feature_sets",
    "DelineationSet": "feature_sets",
    "FeatureSet": "feature_sets",
    "HRVSet": "feature_sets",
    "MorphologySet": "feature_sets",
    "NoiseSet": "feature_sets",
    "RecordData": "feature_sets",
    "RPeaksSet": "feature_sets",
    "SQISet": "feature_sets",
    "TangentSet": "feature_sets",
    "resolve_feature_sets": "feature_sets",
    "SOURCE_KINDS": "sources",
    "CinC2017Source": "sources",
    "MIMICIVECGSource": "sources",
    "MITDBSource": "sources",
    "PTBXLSource": "sources",
    "RecordRef": "sources",
    "RecordSource": "sources",
    "WFDBTree": "sources",
    "open_source": "sources",
}

__all__ = [
    "DEFAULT_FEATURES",
    "ExtractResult",
    "extract_features",
    "read_features",
    "FEATURE_SETS",
    "FeatureSet",
    "RecordData",
    "RPeaksSet",
    "HRVSet",
    "SQISet",
    "NoiseSet",
    "AFSet",
    "MorphologySet",
    "CovarianceSet",
    "TangentSet",
    "DelineationSet",
    "resolve_feature_sets",
    "SOURCE_KINDS",
    "RecordRef",
    "RecordSource",
    "WFDBTree",
    "PTBXLSource",
    "CinC2017Source",
    "MITDBSource",
    "MIMICIVECGSource",
    "open_source",
]

__getattr__, __dir__ = _attach(__name__, _EXPORTS)
