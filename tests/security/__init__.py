"""Attacks the service must withstand (issue: hold under attack)."""
