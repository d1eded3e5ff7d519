"""Identity: enterprises, agencies' officers, users, roles, API tokens and the access policy."""
