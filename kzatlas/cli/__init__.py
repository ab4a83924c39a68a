"""The command line, ``python -m kzatlas check|import|history|undo|export``.

* :mod:`~kzatlas.cli.parser`: the arguments and ``main``.
* :mod:`~kzatlas.cli.commands`: what each command does.
* :mod:`~kzatlas.cli.context`: what they share (exit codes, who is writing, the catalogue and store).
"""
