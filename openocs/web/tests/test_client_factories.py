"""Client factories: base URL and transport chosen from settings, one shared client per process."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import resolve

from openocs.web import clients
from openocs.web.inprocess import InProcessTransport


@pytest.fixture(autouse=True)
def _fresh_clients():
    clients.reset_clients()
    yield
    clients.reset_clients()


@pytest.mark.parametrize("name", ["configdb", "downtime"])
def test_cohosted_component_is_reached_in_process_at_its_mount_point(name):
    base_url, transport = clients.component_endpoint(name)
    assert base_url == f"http://inprocess/{name}/"
    assert isinstance(transport, InProcessTransport)
    # The URL really is where this deployment mounts the component.
    assert resolve(urlsplit(base_url).path + "health/").url_name == f"{name}-health"


@override_settings(OCS_COMPONENTS=["configdb"])
def test_single_component_deployment_is_reached_at_the_root():
    assert clients.component_endpoint("configdb")[0] == "http://inprocess/"


@override_settings(OCS_CONFIGDB_URL="https://configdb.example.org/api")
def test_configured_url_uses_the_network():
    client = clients.configdb_client()
    assert client.base_url == "https://configdb.example.org/api/"


@override_settings(OCS_COMPONENTS=["downtime"], OCS_CONFIGDB_URL="")
def test_missing_url_for_a_component_that_is_not_cohosted_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="OCS_CONFIGDB_URL must be set"):
        clients.configdb_client()


@override_settings(OCS_CONFIG_REFRESH_S=60.0, CONFIGDB_MAX_STALENESS_S=120.0)
def test_configdb_client_is_shared_and_takes_refresh_and_staleness_from_settings():
    client = clients.configdb_client()
    assert clients.configdb_client() is client
    assert (client.refresh_s, client.max_staleness_s) == (60.0, 120.0)


def test_changing_a_setting_drops_the_shared_client():
    client = clients.configdb_client()
    with override_settings(OCS_CONFIG_REFRESH_S=5.0):
        assert clients.configdb_client() is not client


def test_downtime_client_with_a_token_is_not_shared():
    assert clients.downtime_client() is clients.downtime_client()
    assert clients.downtime_client(token="abc") is not clients.downtime_client(token="abc")
