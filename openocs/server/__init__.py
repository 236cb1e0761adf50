"""The OpenOCS Django project: settings, URL mounting, health checks and the ``ocs`` CLI."""
