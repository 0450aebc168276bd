"""The workbench's web application (Starlette): the page, its data and its actions.

Safety, because the documents are untrusted and the server runs on the reviewer's machine:

* every text reaches the page escaped: the page is a Jinja2 template with autoescape, and the script
  renders rows with ``textContent`` only; a Content-Security-Policy allows no inline script at all;
* a request whose ``Host`` is not this server's address is refused (DNS rebinding);
* a state-changing request must be a JSON ``POST`` from this server's own origin (``Origin``) carrying the
  CSRF token the page was served with (``X-CSRF-Token``): another site cannot make the browser act;
* no request names a file: the only file written is the statement's ``corrections.jsonl``;
* an action from a page loaded before the corpus was published again, or that names a bead another tab
  has changed, is answered 409 "reload" instead of being applied to the wrong bead.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from taiyaku import __version__
from taiyaku.errors import TaiyakuError
from taiyaku.review.workbench import FILTERS, StaleView, Workbench, digest_of
from taiyaku.templates import html_template

_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _json(data: object, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers=_SECURITY_HEADERS)


def _integer(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def create_app(workbench: Workbench, allowed_hosts: frozenset[str]) -> Starlette:
    """The application for one workbench.  ``allowed_hosts`` are the ``host:port`` values of this server's
    address (e.g. ``127.0.0.1:8123`` and ``localhost:8123``)."""
    csrf_token = secrets.token_urlsafe(32)

    def guarded(
        handler: Callable[[Request], Awaitable[Response]], *, changes_state: bool = False
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            host = request.headers.get("host", "")
            if host not in allowed_hosts:
                return _json({"error": "unknown host"}, 403)
            if changes_state:
                origin = request.headers.get("origin", "")
                if origin != f"http://{host}":
                    return _json({"error": "refused: the request does not come from this workbench's page"}, 403)
                token = request.headers.get("x-csrf-token", "")
                if not secrets.compare_digest(token.encode(), csrf_token.encode()):
                    return _json({"error": "refused: missing or wrong CSRF token"}, 403)
                if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
                    return _json({"error": "refused: expected application/json"}, 415)
            try:
                return await handler(request)
            except StaleView as exc:
                return _json({"error": str(exc.problem), "reload": True}, 409)
            except TaiyakuError as exc:
                return _json({"error": str(exc)}, 400)

        return endpoint

    async def page(request: Request) -> Response:
        # A page loaded after the corpus was published again starts from the new publication.
        if digest_of(workbench.aligned_dir / "manifest.json") != workbench.publication:
            workbench.load()
        html = html_template("review/templates", "workbench.html.j2").render(
            statement_id=workbench.statement.id,
            title=workbench.statement.title or workbench.statement.id,
            reviewer=workbench.reviewer,
            csrf_token=csrf_token,
            publication=workbench.publication,
            filters=FILTERS,
            version=__version__,
        )
        return HTMLResponse(html, headers=_SECURITY_HEADERS)

    async def beads(request: Request) -> Response:
        query = request.query_params
        return _json(
            workbench.page(
                query.get("filter", "all"),
                query.get("q", ""),
                _integer(query.get("page"), 1),
            )
        )

    async def context(request: Request) -> Response:
        query = request.query_params
        return _json(workbench.context(_integer(query.get("bead"), -1), query.get("signature", "")))

    async def action(request: Request) -> Response:
        try:
            body: Any = await request.json()
        except ValueError:
            return _json({"error": "the request is not JSON"}, 400)
        if not isinstance(body, dict) or not isinstance(body.get("action"), str):
            return _json({"error": "the request names no action"}, 400)
        done = workbench.act(body["action"], body, str(body.get("publication", "")))
        return _json({"ok": True, "message": done, "progress": workbench.progress()})

    static = StaticFiles(packages=[("taiyaku", "review/static")])
    return Starlette(
        routes=[
            Route("/", guarded(page)),
            Route("/api/beads", guarded(beads)),
            Route("/api/context", guarded(context)),
            Route("/api/action", guarded(action, changes_state=True), methods=["POST"]),
            Mount("/static", app=static, name="static"),
        ]
    )
