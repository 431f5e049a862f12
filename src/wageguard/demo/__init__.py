"""The demo city: a deterministic, seeded Tongren-like city written as files and imported for real."""
