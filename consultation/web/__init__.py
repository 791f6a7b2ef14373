"""Web layer of decision pre-disclosure: public pages and API, staff pages and API."""
