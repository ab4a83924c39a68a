"""The geodata build, step by step; ``scripts/build_geodata.py`` runs it."""
