"""Typed HTTP clients for the public APIs of the OpenOCS components (httpx + pydantic).

Components talk to each other only through these clients, so any component can be replaced by a
remote one (ours or a compatible one) by changing a URL.
"""
