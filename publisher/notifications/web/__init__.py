"""Staff views of the outbox: what has not been delivered, and a retry."""
