"""``python -m tthc``: the command line."""

import sys

from tthc.cli import main

sys.exit(main())
