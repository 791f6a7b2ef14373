"""Gazette documents in the database: stored from parsed issues, read by the pages and feeds."""
