"""Corporate models arrive with their issues."""
