"""Entry script for the frozen ``intake-gui`` desktop app (see ``build.spec``).

An installed package gets the same command from ``[project.gui-scripts]``;
PyInstaller needs a script file to start from instead.
"""

import sys

import intake_app.gui.app

if __name__ == "__main__":
    sys.exit(intake_app.gui.app.main())
