"""Course and module API routes (see content/api.py)."""

urlpatterns: list = []
