"""Telescope states and availability (portal-api.md §17.3, §17.4) behind a pluggable provider."""
