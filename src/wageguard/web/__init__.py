"""HTTP: the app factory, JSON API under /api/v1 and server-rendered pages."""
