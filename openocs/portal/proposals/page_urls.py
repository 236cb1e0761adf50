"""Routes of the proposal page."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from openocs.portal.proposals import pages

_ID = "<str:proposal_id>"
urlpatterns: list[URLPattern] = [
    path(f"proposals/{_ID}/", pages.proposal_detail, name="page-proposal"),
    re_path(r"^proposals/(?P<proposal_id>[^/]+)$", pages.proposal_detail),
    path(f"proposals/{_ID}/invite", pages.invite, name="page-proposal-invite"),
    path(f"proposals/{_ID}/limit", pages.global_limit, name="page-proposal-limit"),
    path(
        f"proposals/{_ID}/members/<int:membership_id>/limit",
        pages.member_limit,
        name="page-proposal-member-limit",
    ),
    path(
        f"proposals/{_ID}/members/<int:membership_id>/remove",
        pages.member_remove,
        name="page-proposal-member-remove",
    ),
    path(
        f"proposals/{_ID}/invitations/<int:invitation_id>/withdraw",
        pages.invitation_withdraw,
        name="page-proposal-invitation-withdraw",
    ),
    path(f"proposals/{_ID}/notifications", pages.notifications, name="page-proposal-notifications"),
]
