"""Storage: SQLAlchemy engine, sessions, column types and Alembic migrations."""
