"""Notifications: change events, e-mails about request states and signed webhooks (spec §22)."""
