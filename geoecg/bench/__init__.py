"""``geoecg bench`` subcommands: one module each, registered in :data:`geoecg.cli.BENCH_MODULES`."""

__all__: list[str] = []  # runner modules, listed in geoecg.cli.BENCH_MODULES
