"""Stored bytes (attachments), content-addressed, in the database or on local disk."""
