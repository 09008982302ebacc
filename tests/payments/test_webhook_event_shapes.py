"""verify_event takes every signed Stripe event, whatever its object (issue 17).

Only a bad signature or a body that is not a Stripe event (not JSON, not an object,
no string ``id`` and ``type``) is refused; a Balance without an id, an Application or
a connected account's event verifies into plain data.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from marketplace.payments import InvalidWebhookError, verify_event
from stripe_fake import signature_header
from tests.payments.event_shapes import ALL_EVENTS, CONNECTED, event_body, shape_id

SECRET = "whsec_event_shapes_secret"


def signed(body: bytes) -> str:
    return signature_header(body, SECRET)


@pytest.mark.parametrize("case", ALL_EVENTS, ids=shape_id)
def test_every_real_event_shape_verifies(case: tuple[str, dict[str, Any], bool]) -> None:
    event_type, obj, connected = case
    body = event_body(event_type, obj, connected)
    event = verify_event(body, signed(body), SECRET)
    assert (event.event_id, event.type) == ("evt_1Qshape", event_type)
    assert event.object_id == obj.get("id", "")
    assert event.object_type == obj["object"]
    assert event.data == obj
    assert event.account == (CONNECTED if connected else "")
    json.dumps(event.data)


def test_a_balance_has_no_id_and_verifies_with_an_empty_one() -> None:
    body = event_body("balance.available", {"object": "balance", "available": []}, False)
    event = verify_event(body, signed(body), SECRET)
    assert (event.object_id, event.object_type) == ("", "balance")


@pytest.mark.parametrize(
    "data",
    [None, {}, {"object": None}, {"object": "not an object"}, {"object": [1, 2]}],
    ids=["null", "empty", "null object", "string object", "list object"],
)
def test_an_event_with_an_odd_data_object_verifies_with_nothing_in_it(data: Any) -> None:
    body = json.dumps({"id": "evt_odd", "object": "event", "type": "x.y", "data": data})
    raw = body.encode()
    event = verify_event(raw, signed(raw), SECRET)
    assert (event.event_id, event.type, event.object_id, event.object_type) == (
        "evt_odd",
        "x.y",
        "",
        "",
    )
    assert event.data == {}


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe\x00",
        b"[]",
        b"null",
        b'"evt_1"',
        b"[" * 5000 + b"]" * 5000,
        b'{"type": "balance.available", "data": {"object": {"object": "balance"}}}',
        b'{"id": "evt_1", "data": {"object": {"object": "balance"}}}',
        b'{"id": 1, "type": "balance.available"}',
        b'{"id": "evt_1", "type": ""}',
        b'{"id": "evt_1", "type": ["balance.available"]}',
    ],
    ids=[
        "empty",
        "text",
        "not utf-8",
        "list",
        "null",
        "string",
        "nested too deep",
        "no id",
        "no type",
        "number id",
        "empty type",
        "list type",
    ],
)
def test_a_signed_body_that_is_not_an_event_is_refused(body: bytes) -> None:
    with pytest.raises(InvalidWebhookError) as refused:
        verify_event(body, signed(body), SECRET)
    assert refused.value.reason == "malformed event"


def test_a_real_shape_with_a_bad_signature_is_still_refused() -> None:
    body = event_body("balance.available", {"object": "balance", "available": []}, False)
    for header in ["", "garbage", signature_header(body, "whsec_other")]:
        with pytest.raises(InvalidWebhookError) as refused:
            verify_event(body, header, SECRET)
        assert refused.value.reason == "bad or stale signature"
    stale = signature_header(body, SECRET, int(time.time()) - 301)
    with pytest.raises(InvalidWebhookError):
        verify_event(body, stale, SECRET)
