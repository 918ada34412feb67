"""``python -m gluelake.cli``: the same as the ``gluelake`` command."""

import sys

from gluelake.cli import main

sys.exit(main())
