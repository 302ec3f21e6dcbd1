"""Implementations of the ``geoecg`` subcommands (one module each)."""

__all__: list[str] = []  # subcommand modules, listed in geoecg.cli.COMMAND_MODULES
