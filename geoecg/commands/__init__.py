"""Implementations of the ``geoecg`` subcommands (one module each)."""
