"""``python -m compat``: the ``twilio-compat`` command."""

from __future__ import annotations

import sys

from compat.cli import main

if __name__ == "__main__":
    sys.exit(main())
