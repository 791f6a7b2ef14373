"""Rate limits that hold across processes: every counted attempt is a row in the database.

A limit is checked and taken in the caller's unit of work, under a lock on its (scope, subject)
key (an advisory transaction lock on PostgreSQL; SQLite's single writer does the same), so N
concurrent requests cannot all see "one left". Subjects are keyed digests, never raw addresses.
"""
