"""The configdb component (Django app)."""

DJANGO_APPS = ["openocs.configdb"]
