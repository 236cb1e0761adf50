"""Demo data of the portal (``ocs loaddemo`` / ``ocs up``): users first, then proposals.

Idempotent: existing demo users are left as they are (their passwords are not reset). The demo
staff account ``admin`` is created by the server CLI, not here.
"""

from __future__ import annotations

from importlib import import_module

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from openocs.portal.accounts import services
from openocs.portal.accounts.models import Profile

# Demo accounts with well-known passwords: for a local demonstration only.
DEMO_USERS: tuple[tuple[str, str, str, str, str], ...] = (
    # username, password, first name, last name, role on the demo proposal
    ("alice", "alice-demo-password", "Alice", "Astronomer", "PI"),
    ("bob", "bob-demo-password", "Bob", "Observer", "CI"),
)
DEMO_INSTITUTION = "OpenOCS Demo Observatory"


def load_users_demo() -> list[str]:
    """Create the demo users (with profiles and API tokens); describe each in one phrase."""
    users = get_user_model()._default_manager
    described = []
    for username, password, first_name, last_name, role in DEMO_USERS:
        if not users.filter(username=username).exists():
            user = services.user_create(
                username=username,
                email=f"{username}@example.org",
                password=password,
                first_name=first_name,
                last_name=last_name,
                institution=DEMO_INSTITUTION,
                terms_accepted=timezone.now(),
            )
            services.api_token_get_or_create(user=user)
            # the demo shows the completion e-mails: notifications on (only at creation, so a
            # demo user who turns them off keeps that choice)
            Profile.objects.filter(user=user).update(notifications_enabled=True)
        described.append(f"{username} ({role}) / password {password}")
    return described


def _proposals_demo() -> str:
    """The proposals app's demo (semesters, a proposal for alice and bob, allocations)."""
    module_name = "openocs.portal.proposals.demo"
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name == module_name:
            return ""
        raise
    summary: str = module.load_proposals_demo()
    return summary


@transaction.atomic
def load_demo() -> str:
    """Load the portal's demo data; return a one-line summary with the demo credentials."""
    users = load_users_demo()
    proposals = _proposals_demo()
    summary = "users " + ", ".join(users)
    return f"{summary}; {proposals}" if proposals else summary
