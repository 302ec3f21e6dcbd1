"""Versions of geoecg and of the libraries a benchmark ran, for its JSON output
(:func:`geoecg._versions.package_versions`, shared with ``geoecg compare``)."""

from .._versions import package_versions

__all__ = ["package_versions"]
