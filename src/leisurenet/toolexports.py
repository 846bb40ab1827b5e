"""`python -m leisurenet.toolexports`: the cleaned responses written as survey tools' exports.

The command keeps this name for users' scripts; the code lives in :mod:`leisurenet.data.toolexports`.
"""

import sys

from leisurenet.data.toolexports.writing import main

if __name__ == "__main__":
    sys.exit(main())
