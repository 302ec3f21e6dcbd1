"""Cohort-scale feature extraction: a whole ECG database to one feature table.

:func:`extract_features` (and ``geoecg extract``) turns a record source (PTB-XL, CinC 2017,
MIT-BIH, MIMIC-IV-ECG or any WFDB tree) into a partitioned Parquet table, chunk by chunk,
on joblib worker processes or a Dask cluster; an interrupted run resumes where it stopped.
"""

from .extract import DEFAULT_FEATURES, ExtractResult, extract_features, read_features
from .feature_sets import (
    FEATURE_SETS,
    AFSet,
    CovarianceSet,
    DelineationSet,
    FeatureSet,
    HRVSet,
    MorphologySet,
    NoiseSet,
    RecordData,
    RPeaksSet,
    SQISet,
    TangentSet,
    resolve_feature_sets,
)
from .sources import (
    SOURCE_KINDS,
    CinC2017Source,
    MIMICIVECGSource,
    MITDBSource,
    PTBXLSource,
    RecordRef,
    RecordSource,
    WFDBTree,
    open_source,
)

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
