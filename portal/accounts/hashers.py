"""Password hashing on OWASP's current Argon2id parameters.

Django's Argon2 hasher defaults to 100 MiB and 8 lanes: about 120 ms of CPU per
sign-in, so a few dozen sign-ins a second take a small server down. OWASP's Password
Storage Cheat Sheet lists Argon2id with m=19 MiB, t=2, p=1 as the first choice; that
costs a few milliseconds. The algorithm name stays ``argon2``, so hashes made with
other parameters are still checked by this hasher, and Django rehashes them with
these parameters at the next successful sign-in (``must_update`` compares them).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id (Django's hasher already uses the ``id`` variant), 19 MiB, t=2, p=1."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
