"""The downtime component (Django app)."""

DJANGO_APPS = ["openocs.downtime"]
