"""Protection of personal data: encryption at rest, blind indexes, masking."""
