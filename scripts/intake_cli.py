"""Entry script for the frozen ``intake`` command line (see ``build.spec``).

An installed package gets the same command from ``[project.scripts]``; PyInstaller
needs a script file to start from instead.
"""

import sys

import intake_app.cli

if __name__ == "__main__":
    sys.exit(intake_app.cli.main())
