"""Loket: front-office software for a Dutch city hall (KCC / publiekshal)."""

__version__ = "0.1.0"
