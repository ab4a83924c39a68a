"""The web map."""
