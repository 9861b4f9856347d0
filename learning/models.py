"""Learning models arrive with their issues."""
