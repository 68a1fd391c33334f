"""``python -m aiworkforce``: the command line."""

import sys

from aiworkforce.cli import main

sys.exit(main())
