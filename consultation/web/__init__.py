"""Web side of decision pre-disclosure: schemas, public and staff API and pages."""
