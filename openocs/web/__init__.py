"""Shared web plumbing for the Django components: authentication, pagination, routing, errors.

Components may import this package; it never imports a component.
"""
