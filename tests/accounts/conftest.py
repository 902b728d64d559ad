"""Fixtures of the account tests: a reader of the codes the log SMS backend "sent" and
clients signed in with a token. (Each test has a cache of its own: tests/conftest.py.)"""

from __future__ import annotations

import logging
import re

import pytest

from tests.conftest import GraphQLClient


@pytest.fixture
def sms(caplog):
    """`sms.code(phone)`: the last code texted to the number (E.164)."""
    caplog.set_level(logging.INFO, logger="backend.account.sms")

    class Outbox:
        def messages(self, phone: str) -> list[str]:
            return [
                record.getMessage()
                for record in caplog.records
                if record.name == "backend.account.sms" and phone in record.getMessage()
            ]

        def code(self, phone: str) -> str:
            messages = self.messages(phone)
            assert messages, f"no SMS to {phone}"
            match = re.search(r"\b(\d{6})\b", messages[-1])
            assert match, messages[-1]
            return match.group(1)

    return Outbox()


@pytest.fixture
def signed_in(client):
    def make(token: str) -> GraphQLClient:
        return GraphQLClient(client, token)

    return make
