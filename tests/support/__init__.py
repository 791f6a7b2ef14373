"""Helpers the whole suite shares: one clock, request bodies, staff accounts, a mailbox.

Conftest files hold fixtures only; tests import helpers from here, never from a conftest.
"""
