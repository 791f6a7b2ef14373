"""Staff access: accounts and roles, API tokens, sign-in sessions, the audit log."""
