"""Users, roles, password hashing and the access scope of each request."""
