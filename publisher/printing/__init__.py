"""Notices that travel off the site: the A4 office notice (HTML and PDF), QR codes, press text."""
