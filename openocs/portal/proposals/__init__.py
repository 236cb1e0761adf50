"""Portal proposals: semesters, proposals, memberships, invitations and time allocations.

Spec: portal-api.md §7 (allocations), §19 (proposals and friends), §22 (e-mails, periodic jobs).
Writes go through ``services`` (memberships, invitations) and ``accounting`` (the allocation
ledger: the only way allocation counters change); reads through ``selectors``.
"""
