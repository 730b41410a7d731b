"""Safe by default: security headers on every answer, an optional access token, GET only.

Token: `Authorization: Bearer <token>`, or `?token=<token>` once, which sets a cookie
(HttpOnly, SameSite=Strict) and redirects to the same address without the token, so the
token stays out of the history and of logs. Without it: 401.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

# Our own CSS and JS only (served by the dashboard), images inline (SVG, data:), no frames,
# no requests to any other origin, forms only to ourselves.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'none'; font-src 'none'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'")
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
TOKEN_COOKIE = "smartcommerce_token"
TOKEN_PARAM = "token"
COOKIE_SALT = b"smartcommerce-dashboard-cookie"
UNAUTHORISED_TEXT = ("Jeton d'accès requis / Toegangstoken vereist / Zugangstoken erforderlich /"
                     " Access token required (Authorization: Bearer …, ou ?token=…)\n")


class SecurityHeaders:
    """Adds the security headers to every HTTP answer (pages, files, errors, 401)."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _value in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class TokenGate:
    """Lets a request through only with the token (header, cookie, or once in the query)."""

    def __init__(self, app: App, token: str) -> None:
        self.app = app
        self.token = token
        self.cookie_value = hmac.new(token.encode(), COOKIE_SALT, hashlib.sha256).hexdigest()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if self._has_credentials(request):
            await self.app(scope, receive, send)
            return
        response = self._cookie_redirect(request) or unauthorised()
        await response(scope, receive, send)

    def _has_credentials(self, request: Request) -> bool:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and _same(value.strip(), self.token):
            return True
        return _same(request.cookies.get(TOKEN_COOKIE, ""), self.cookie_value)

    def _cookie_redirect(self, request: Request) -> Response | None:
        if not _same(request.query_params.get(TOKEN_PARAM, ""), self.token):
            return None
        if request.method not in ("GET", "HEAD"):
            return None
        rest = [(k, v) for k, v in parse_qsl(request.url.query, keep_blank_values=True)
                if k != TOKEN_PARAM]
        target = request.url.path + (f"?{urlencode(rest)}" if rest else "")
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(TOKEN_COOKIE, self.cookie_value, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https", path="/")
        return response


def unauthorised() -> Response:
    return PlainTextResponse(UNAUTHORISED_TEXT, status_code=401,
                             headers={"WWW-Authenticate": 'Bearer realm="smartcommerce"',
                                      "Cache-Control": "no-store"})


def _same(given: str, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())
