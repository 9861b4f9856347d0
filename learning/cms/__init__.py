"""The Wagtail admin face of learning: the course roster for instructors."""
