"""``python -m geoecg``: the same command line as the ``geoecg`` console script."""

import sys

from geoecg.cli import main

if __name__ == "__main__":
    sys.exit(main())
