"""``python -m gluelake``: the command line where the package is on PYTHONPATH but not
installed (AWS's Glue Docker image runs the project from its source tree this way)."""

import sys

from gluelake.cli import main

sys.exit(main())
