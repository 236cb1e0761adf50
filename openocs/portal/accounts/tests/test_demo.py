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
