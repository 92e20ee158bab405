"""HEAD and OPTIONS on every path, and a 405's Allow header that lists every method of the path.

FastAPI routes answer only the methods they declare, so HEAD and OPTIONS would be 405 everywhere.
``MethodsMiddleware`` (outside the routers, inside the security headers) answers:

* HEAD as GET without the body: same status, same headers (Content-Length included), same access rules;
* OPTIONS with 204 and ``Allow`` listing the path's methods (HEAD with GET, OPTIONS always), without
  running a route; a path no route serves goes on to the app, which answers 404;
* any 405 with that same ``Allow`` list (a path served by two routers, such as GET and PATCH on
  ``/api/events/ID``, used to name one of them).

The methods of a path come from a table of (path pattern, methods) built once from the app's routes
and the routers it includes (``route_table``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter
from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route, compile_path

RouteTable = list[tuple[re.Pattern[str], frozenset[str]]]
_METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def route_table(routes: Iterable[BaseRoute], routers: Iterable[tuple[APIRouter, str]]) -> RouteTable:
    """(pattern, methods) for the app's own routes and mounts (static files: GET) and each included router's
    routes under its prefix."""
    table: RouteTable = []
    for route in routes:
        if isinstance(route, Mount):
            table.append((route.path_regex, frozenset({"GET"})))
        elif isinstance(route, Route) and route.methods:
            table.append((route.path_regex, frozenset(route.methods)))
    for router, prefix in routers:
        for route in router.routes:
            if isinstance(route, Route) and route.methods:
                pattern, _, _ = compile_path(prefix + route.path)
                table.append((pattern, frozenset(route.methods)))
    return table


def allowed_methods(table: RouteTable, path: str) -> list[str]:
    """The methods some route answers on ``path``, in the usual order; [] when no route serves it."""
    methods: set[str] = set()
    for pattern, route_methods in table:
        if pattern.match(path):
            methods |= route_methods
    if "GET" in methods:
        methods.add("HEAD")
    if methods:
        methods.add("OPTIONS")
    return sorted(methods, key=lambda m: (_METHOD_ORDER.index(m) if m in _METHOD_ORDER else len(_METHOD_ORDER), m))


class MethodsMiddleware:
    """ASGI middleware: ``app.add_middleware(MethodsMiddleware, table=route_table(...))``."""

    def __init__(self, app: Any, table: RouteTable) -> None:
        self.app = app
        self.table = table

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method == "OPTIONS":
            allow = allowed_methods(self.table, scope["path"])
            if allow:
                await Response(status_code=204, headers={"Allow": ", ".join(allow)})(scope, receive, send)
                return
        elif method == "HEAD":
            scope = {**scope, "method": "GET"}
            send = _without_body(send)
        await self.app(scope, receive, self._full_allow(scope["path"], send))

    def _full_allow(self, path: str, send: Any) -> Any:
        async def sending(message: dict) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                allow = allowed_methods(self.table, path)
                if allow:
                    MutableHeaders(scope=message)["Allow"] = ", ".join(allow)
            await send(message)

        return sending


def _without_body(send: Any) -> Any:
    """The response of a GET, answered to a HEAD: headers as they are, the body left out."""

    async def sending(message: dict) -> None:
        if message["type"] == "http.response.body":
            if message.get("more_body", False):
                return
            message = {"type": "http.response.body", "body": b"", "more_body": False}
        await send(message)

    return sending
