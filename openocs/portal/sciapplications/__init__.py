"""Calls for proposals and science applications (Phase I, spec portal §20).

Applications are drafted and submitted by users against an open call, accepted or rejected by
staff, and ported — in one atomic service — into a proposal with its time allocations and
memberships (``services.application_port``).
"""
