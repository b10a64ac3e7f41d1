"""Entry script for the frozen ``intake`` command line (see ``build.spec``).

An installed package gets the same command from ``[project.scripts]``; PyInstaller
needs a script file to start from instead.
"""

import multiprocessing
import sys

import intake_app.cli

if __name__ == "__main__":
    # Legacy workbooks are read in a child process (importers.readers.read_isolated);
    # a frozen executable must let that child start here.
    multiprocessing.freeze_support()
    sys.exit(intake_app.cli.main())
