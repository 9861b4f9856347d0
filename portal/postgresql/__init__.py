"""Django's PostgreSQL backend, waiting out a database restart (see ``base``)."""
