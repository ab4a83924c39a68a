"""``python -m kzatlas``: the command line (see :mod:`kzatlas.cli`)."""

from kzatlas.cli import main

raise SystemExit(main())
