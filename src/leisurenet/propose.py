"""`python -m leisurenet.propose`: proposing a mapping from a survey tool's export onto the codebook.

The command keeps this name for users' scripts; the code lives in :mod:`leisurenet.data.propose`.
"""

import sys

from leisurenet.data.propose.cli import main

if __name__ == "__main__":
    sys.exit(main())
