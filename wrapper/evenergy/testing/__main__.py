"""`python -m evenergy.testing serve`: a fake ev.energy API on loopback (see _server.py)."""

import sys

from ._server import main

sys.exit(main())
