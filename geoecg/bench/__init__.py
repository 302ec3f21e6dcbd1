"""``geoecg bench`` subcommands: one module each, registered in :data:`geoecg.cli.BENCH_MODULES`."""
