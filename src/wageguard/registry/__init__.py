"""Real-name registry: regions, enterprises, projects, participants, teams, workers, contracts, cards."""
