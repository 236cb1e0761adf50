from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

from openocs.portal import demo

pytestmark = pytest.mark.django_db


def test_demo_creates_alice_and_bob_with_the_printed_passwords(db: Any) -> None:
    summary = demo.load_demo()
    assert "alice (PI) / password alice-demo-password" in summary
    assert "bob (CI) / password bob-demo-password" in summary
    assert authenticate(username="alice", password="alice-demo-password") is not None
    assert authenticate(username="bob@example.org", password="bob-demo-password") is not None
    alice = User.objects.select_related("profile").get(username="alice")
    assert alice.profile.terms_accepted is not None
    assert alice.profile.institution == demo.DEMO_INSTITUTION
    assert Token.objects.filter(user=alice).exists()


def test_demo_is_idempotent_and_keeps_changed_passwords(db: Any) -> None:
    demo.load_demo()
    alice = User.objects.get(username="alice")
    alice.set_password("changed-by-alice")
    alice.save()
    demo.load_demo()
    assert User.objects.filter(username__in=["alice", "bob"]).count() == 2
    assert authenticate(username="alice", password="changed-by-alice") is not None


def test_an_existing_demo_database_gets_notifications_on_once(db: Any) -> None:
    """Demo users made before the demo turned notifications on (an old ``var/``) get them on
    from the migration; other users are untouched."""
    import importlib

    from django.apps import apps

    from openocs.portal.accounts.models import Profile

    migration = importlib.import_module(
        "openocs.portal.accounts.migrations.0003_demo_users_notifications_on"
    )
    demo.load_demo()
    carol = User.objects.create_user("carol", "carol@example.org", "x")
    Profile.objects.filter(user=carol).update(institution=demo.DEMO_INSTITUTION)
    Profile.objects.update(notifications_enabled=False)  # as an old demo database had them
    migration.demo_notifications_on(apps, None)
    enabled = dict(Profile.objects.values_list("user__username", "notifications_enabled"))
    assert enabled == {"alice": True, "bob": True, "carol": False}
    assert migration.DEMO_INSTITUTION == demo.DEMO_INSTITUTION
