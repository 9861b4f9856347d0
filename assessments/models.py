"""Assessments models arrive with their issues."""
