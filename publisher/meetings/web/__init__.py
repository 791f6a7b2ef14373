"""Web side of meeting pre-disclosure: schemas, public and staff API and pages."""
