"""Telling people: the transactional outbox, its worker and its channels (docs/notifications.md)."""
