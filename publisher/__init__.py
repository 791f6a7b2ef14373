"""Sanmenxia pre-disclosure and open-data service."""

__version__ = "0.1.0"
