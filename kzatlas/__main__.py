"""``python -m kzatlas``: the command line (see :mod:`kzatlas.cli.parser`)."""

from kzatlas.cli.parser import main

raise SystemExit(main())
