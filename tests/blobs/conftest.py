"""The consultation clock for the blob tests, which upload through a draft."""

from tests.consultation.conftest import client, clock

__all__ = ["client", "clock"]
