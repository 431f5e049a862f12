"""Enterprise risk: the external feeds (contracting, tax, registration and credit) and, later, the scores."""
