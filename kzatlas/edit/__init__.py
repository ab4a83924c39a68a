"""Changing the data."""
