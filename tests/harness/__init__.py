"""Real servers the test suite starts itself: PostgreSQL, the web service, CKAN."""
