"""Web pages of request groups (server-rendered, htmx for the live parts)."""
