"""The one place that turns errors into pages: no traceback ever reaches a browser.

Domain errors carry machine codes; the error template words them. Unknown routes get the
same "not found" page as a bad link, in the site's layout.
"""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from marketplace.domain.errors import ConflictError, NotFoundError
from web.checkout.limits import BodyTooLargeError
from web.checkout.render import render

log = logging.getLogger(__name__)

# ConflictError reason → (error page kind, HTTP status)
_CONFLICTS = {
    "checkout_closed": ("closed", 409),
    "payment_unavailable": ("unavailable", 503),
    "payments_off": ("payments_off", 409),
}


def _route(request: web.Request) -> str:
    """The route's pattern (``/checkout/{token}``), so logs never hold a link token."""
    info = request.match_info.route.resource
    return info.canonical if info is not None else "(no route)"


def error_page(request: web.Request, kind: str, status: int) -> web.Response:
    """The error page of `kind` (see error.html), linking back to the booking if known."""
    token = request.match_info.get("token", "")
    response = render(request, "error.html", status=status, kind=kind, token=token)
    if status == 503:
        response.headers["Retry-After"] = "60"
    return response


@web.middleware
async def error_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Map NotFound/Conflict/too-large errors and unknown routes to pages; log the rest."""
    try:
        return await handler(request)
    except web.HTTPNotFound:
        return error_page(request, "not_found", 404)
    except web.HTTPException:
        raise  # redirects, 405 and the like are aiohttp's own answers
    except NotFoundError:
        return error_page(request, "not_found", 404)
    except ConflictError as error:
        kind, status = _CONFLICTS.get(error.reason, ("server_error", 500))
        if status == 500:
            log.error("unexpected conflict %r on %s", error.reason, _route(request))
        return error_page(request, kind, status)
    except BodyTooLargeError:
        return error_page(request, "too_large", 413)
    except Exception:
        log.exception("unhandled error on %s %s", request.method, _route(request))
        return error_page(request, "server_error", 500)
