"""Request groups: the request language, its validation, duration estimation and cancelling.

This package currently holds the Django-free parts that the request-group Django app builds on:
the overheads read from the configuration database (:mod:`.overheads`) and duration estimation
(:mod:`.duration`), exactly as the interface contract's §5 defines them.
"""
