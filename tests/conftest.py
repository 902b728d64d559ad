"""Shared fixtures. Tests run against a real PostgreSQL (DATABASE_URL, or the embedded server)."""

from __future__ import annotations

import json
import uuid

import pytest
from django.contrib.auth.models import Permission as DjangoPermission
from django.core.cache import cache
from django.utils import translation

from backend.account.jwt import create_access_token
from backend.catalog.schedule import clear_memo as clear_schedule_memo
from backend.core.permissions import Permission
from tests.factories import ChannelFactory, UserFactory, WarehouseFactory


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Start each test in the site's default language: a request with another
    Accept-Language leaves that language active in the thread (LocaleMiddleware activates it
    and nothing deactivates it), which would leak into the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to its own folder, never to the developer's `.data/`."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _no_response_cache(settings):
    """Cached GraphQL responses outlive a test's rolled-back rows, so tests run without them;
    tests of the cache itself switch it back on."""
    settings.GRAPHQL_RESPONSE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """Each test gets a cache key prefix of its own: the cache is Redis when REDIS_URL is set,
    shared by every test and every run, and one-time codes, SMS quotas and login lockouts
    must not leak from one test (or run) into the next. The test's keys are removed
    afterwards without touching anyone else's."""
    caches = {name: dict(config) for name, config in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches
    # Schedule boundaries are memoised per catalog version, which restarts with the cache.
    clear_schedule_memo()
    yield
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


class GraphQLClient:
    """Posts queries to /graphql/ through Django's test client, as an API client would."""

    def __init__(self, client, token: str | None = None):
        self.client = client
        self.token = token

    def post(self, query: str, variables: dict | None = None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}
        return self.client.post(
            "/graphql/",
            data=json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            **headers,
        )

    def query(self, query: str, variables: dict | None = None) -> dict:
        response = self.post(query, variables)
        assert response.status_code == 200, response.content
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]


@pytest.fixture
def gql(client):
    return GraphQLClient(client)


@pytest.fixture
def staff_gql(client, db):
    """A staff member who manages products, product types, attributes and channels."""
    user = UserFactory(is_staff=True)
    for permission in (
        Permission.MANAGE_PRODUCTS,
        Permission.MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES,
        Permission.MANAGE_CHANNELS,
    ):
        user.user_permissions.add(DjangoPermission.objects.get(codename=permission.codename))
    return GraphQLClient(client, create_access_token(user))


@pytest.fixture
def channel(db):
    return ChannelFactory()


@pytest.fixture
def warehouse(channel):
    return WarehouseFactory(channels=[channel])
