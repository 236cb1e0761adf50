"""The portal component (Django apps listed in DJANGO_APPS)."""

DJANGO_APPS: list[str] = []
