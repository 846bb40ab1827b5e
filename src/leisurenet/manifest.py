"""`python -m leisurenet.manifest`: the run's manifest and `make verify`.

The command keeps this name for users' scripts; the code lives in :mod:`leisurenet.release.manifest`.
"""

import sys

from leisurenet.release.manifest import main

if __name__ == "__main__":
    sys.exit(main())
