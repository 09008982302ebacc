"""The REST surface under ``/v1``: auth, form decoding, idempotency, expand, error shape."""

from __future__ import annotations

import base64
import binascii
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from stripe_fake.checkout import line_items
from stripe_fake.connect import OnboardingLink
from stripe_fake.errors import StripeFakeError, invalid, unauthorized
from stripe_fake.idempotency import IdempotencyCache, SavedResponse, fingerprint
from stripe_fake.ids import new_id
from stripe_fake.params import Params, decode_form, get_list
from stripe_fake.payments import lapse_due
from stripe_fake.schema import schema_of
from stripe_fake.store import API_VERSION, Obj, RequestContext, Store, public
from stripe_fake.validation import validate

Handler = Callable[["Backend", Params, dict[str, str]], Obj]


@dataclass(frozen=True)
class RequestRecord:
    """One API request the fake answered (for tests that check what the product sent)."""

    method: str
    path: str
    params: Params
    idempotency_key: str | None
    status: int
    replayed: bool
    violation: str | None = None  # why the parameters broke the contract, if they did


@dataclass
class Backend:
    """Everything the API and the hosted pages share."""

    store: Store
    base_url: str = ""
    links: dict[str, OnboardingLink] = field(default_factory=dict)
    idempotency: IdempotencyCache = field(default_factory=IdempotencyCache)
    requests: list[RequestRecord] = field(default_factory=list)


def _api_key(request: web.Request) -> str:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    key: str | None = None
    if scheme == "Bearer":
        key = credentials.strip()
    elif scheme == "Basic":
        try:
            key = base64.b64decode(credentials).decode().partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            key = None
    if not key or not key.startswith("sk_test_") or len(key) <= len("sk_test_"):
        raise unauthorized(key)
    return key


async def _params(request: web.Request) -> Params:
    if request.method == "POST":
        form = await request.post()
        return decode_form((key, str(value)) for key, value in form.items())
    return decode_form(request.query.items())


def _expand_path(backend: Backend, node: Any, parts: list[str], whole: str) -> None:
    if not parts or not isinstance(node, dict):
        return
    head, rest = parts[0], parts[1:]
    if head not in node:
        raise invalid(f"This property cannot be expanded ({whole}).", param="expand")
    value = node[head]
    if isinstance(value, str) and value in backend.store.objects:
        value = node[head] = public(backend.store.objects[value])
    elif value is not None and not isinstance(value, dict):
        raise invalid(f"This property cannot be expanded ({whole}).", param="expand")
    _expand_path(backend, value, rest, whole)


def render(backend: Backend, obj: Obj, params: Params) -> Obj:
    """The public JSON of `obj` with the requested ``expand[]`` paths filled in."""
    result = public(obj)
    for whole in get_list(params, "expand"):
        if whole == "line_items" and obj.get("object") == "checkout.session":
            result["line_items"] = line_items(obj)
            continue
        _expand_path(backend, result, str(whole).split("."), str(whole))
    return result


def _response(status: int, body: bytes, request_id: str, *, replayed: bool = False) -> web.Response:
    headers = {"Request-Id": request_id, "Stripe-Version": API_VERSION}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return web.Response(status=status, body=body, content_type="application/json", headers=headers)


class ApiRouter:
    """Adds ``/v1`` routes to an app, each wrapped in Stripe's request semantics."""

    def __init__(self, backend: Backend, app: web.Application) -> None:
        self.backend = backend
        self.app = app

    def add(self, method: str, path: str, handler: Handler, params_type: type) -> None:
        """Route ``METHOD /v1/...`` to `handler(backend, params, match_info)`.

        `params_type` is the stripe library's params TypedDict for the method: every
        request is checked against it (`stripe_fake.validation`) before `handler` runs.
        """
        route = functools.partial(self.handle, handler, params_type)
        self.app.router.add_route(method, path, route)

    def add_fallback(self) -> None:
        """Answer every other ``/v1`` URL with Stripe's "Unrecognized request URL" (last)."""
        route = functools.partial(self.handle, None, None)
        self.app.router.add_route("*", "/v1/{tail:.*}", route)

    async def handle(
        self, handler: Handler | None, params_type: type | None, request: web.Request
    ) -> web.StreamResponse:
        """Answer one API request.

        Authorizations whose 7 days have passed lapse first (Stripe does that by itself).
        Parameters are validated before the idempotency lookup: as on Stripe, a request
        that fails validation saves no idempotent result.
        """
        lapse_due(self.backend.store)
        request_id = new_id("request")
        key = request.headers.get("Idempotency-Key") if request.method == "POST" else None
        params: Params = {}
        api_key = request_print = ""
        violation: str | None = None
        try:
            api_key = _api_key(request)
            params = await _params(request)
            if handler is None or params_type is None:
                raise invalid(f"Unrecognized request URL ({request.method}: {request.path}).")
            try:
                validate(schema_of(params_type), params)
            except StripeFakeError as error:
                error.violation = True
                raise
            request_print = fingerprint(request.method, request.path, params)
            now = self.backend.store.now()
            saved = (
                self.backend.idempotency.lookup(api_key, key, request_print, now) if key else None
            )
            if saved is not None:
                self._record(request, params, key, saved.status, replayed=True)
                return _response(saved.status, saved.body, saved.request_id, replayed=True)
            with self.backend.store.acting_for(RequestContext(request_id, key)):
                status, body = 200, handler(self.backend, params, dict(request.match_info))
        except StripeFakeError as error:
            status, body = error.status, error.body()
            violation = f"{error.param}: {error.message}" if error.violation else None
        raw = json.dumps(body, indent=2).encode()
        if key and request_print:
            saved = SavedResponse(
                request_print, status, raw, request_id, saved_at=self.backend.store.now()
            )
            self.backend.idempotency.remember(api_key, key, saved)
        self._record(request, params, key, status, replayed=False, violation=violation)
        return _response(status, raw, request_id)

    def _record(
        self,
        request: web.Request,
        params: Params,
        key: str | None,
        status: int,
        *,
        replayed: bool,
        violation: str | None = None,
    ) -> None:
        record = RequestRecord(
            request.method, request.path, params, key, status, replayed, violation
        )
        self.backend.requests.append(record)


def retrieve(kind: str) -> Handler:
    """A ``GET /v1/<objects>/{id}`` handler for `kind`."""

    def handler(backend: Backend, params: Params, match: dict[str, str]) -> Obj:
        return render(backend, backend.store.get(kind, match["id"]), params)

    return handler
