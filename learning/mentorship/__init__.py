"""Mentorship: assignments and requests, availability and booking, calendar
invitations, session notes, progress reviews and reminders (issue 17)."""
