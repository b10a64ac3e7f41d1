"""``python -m intake_app``: the command line (``python -m intake_app gui`` opens the window)."""

import sys

from intake_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
