"""``python -m infra.contracts``."""

import sys

from infra.contracts.command import main

sys.exit(main())
