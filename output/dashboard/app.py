"""The dashboard's web application (Starlette, Jinja templates rendered on the server).

    app = create_app(Store("sqlite:///smartcommerce.db"), token=None)

Read-only: every route answers GET (and HEAD) only; anything else gets 405. Pages are
rendered in a worker thread (the store is synchronous). Language: `?lang=nl` (remembered in
a cookie), else the cookie, else the default.
"""

from __future__ import annotations

import contextlib
import gc
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import anyio.to_thread
import jinja2
import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route

from core.steps import STEPS
from output import FILE_NAMES, FORMATS, write_reports
from output._format import Formatter
from output._stats import as_dict
from output.dashboard import commune_view, views
from output.dashboard.security import SecurityHeaders, TokenGate
from output.dashboard.texts import dashboard_messages
from output.i18n import DEFAULT_LANGUAGE, LANGUAGES
from output.report_html import TEMPLATES_DIR as REPORT_ASSETS
from output.store import Store, StoreError

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
# The report's stylesheet and script are served as they are (same colours, same sorting).
ASSETS = {"report.css": REPORT_ASSETS / "report.css", "report.js": REPORT_ASSETS / "report.js",
          "dashboard.css": STATIC / "dashboard.css"}
ASSET_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
LANG_COOKIE = "lang"
PAGE_HEADERS = {"Cache-Control": "no-store"}
EXPORT_TYPES = {"html": "text/html; charset=utf-8", "csv": "text/csv; charset=utf-8",
                "json": "application/json",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class Dashboard:
    """The pages; one per route, each a plain function of the request."""

    def __init__(self, store: Store, default_lang: str = DEFAULT_LANGUAGE) -> None:
        self.store = store
        self.default_lang = default_lang
        self.changes = views.ChangeCache()
        self.commune_pages = views.PageCache()
        # The report's own partials are shared as "report/<name>" (its ecosystem section).
        loader = jinja2.ChoiceLoader([
            jinja2.FileSystemLoader(TEMPLATES),
            jinja2.PrefixLoader({"report": jinja2.FileSystemLoader(REPORT_ASSETS)})])
        self.env = jinja2.Environment(loader=loader,
                                      autoescape=True, undefined=jinja2.ChainableUndefined,
                                      trim_blocks=True, lstrip_blocks=True)

    # -- pages --------------------------------------------------------------------------------
    def territory(self, request: Request) -> Response:
        sector = request.query_params.get("sector", "")
        lang = self.language(request)
        page = views.territory(self.store, self.changes, sector, dashboard_messages(lang),
                               Formatter(lang))
        return self.render(request, "territory.html.j2", page)

    def commune(self, request: Request) -> Response:
        """A finished scan's page is kept once rendered, keyed by the address, the language
        and the commune's scans as they are now (`commune_view.page_key`)."""
        params = request.query_params
        name, scan_id = params.get("name", ""), params.get("scan") or None
        scans = commune_view.scans_of(self.store, name)
        lang = self.language(request)
        finished = commune_view.page_key(scans, scan_id)
        key = (request.url.path, request.url.query, lang, finished) if finished else None
        html = self.commune_pages.get(key)
        if html is None:
            page = commune_view.commune(self.store, scans, name, scan_id,
                                        params.get("sector") or None,
                                        params.get("street") or None, dashboard_messages(lang))
            html = self.render_html(request, "commune.html.j2", page)
            self.commune_pages.put(key, html)
        return self.respond(request, html)

    def shop(self, request: Request) -> Response:
        page = views.shop(self.store, request.path_params["key"],
                          dashboard_messages(self.language(request)))
        return self.render(request, "shop.html.j2", page)

    def compare(self, request: Request) -> Response:
        params = request.query_params
        page = views.compare(self.store, params.get("name", ""), params.get("a") or None,
                             params.get("b") or None)
        return self.render(request, "compare.html.j2", page)

    def export(self, request: Request) -> Response:
        """One report file of a scan, written by `output.write_reports`, as a download."""
        scan_id, fmt = request.path_params["scan_id"], request.path_params["fmt"]
        scan = self.store.get_scan(scan_id)
        if fmt not in FORMATS or scan is None:
            raise commune_view.NotFound(scan_id)
        folder = Path(tempfile.mkdtemp(prefix="smartcommerce-export-"))
        try:
            path = write_reports(self.store, scan_id, folder, formats=(fmt,),
                                 lang=self.language(request))[fmt]
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        name = f"{_file_stem(scan)}-{FILE_NAMES[fmt]}"
        return FileResponse(path, media_type=EXPORT_TYPES[fmt], filename=name,
                            headers=PAGE_HEADERS,
                            background=BackgroundTask(shutil.rmtree, folder, True))

    def asset(self, request: Request) -> Response:
        path = ASSETS.get(request.path_params["name"])
        if path is None:
            raise commune_view.NotFound(request.path_params["name"])
        return Response(path.read_bytes(), media_type=ASSET_TYPES[path.suffix],
                        headers={"Cache-Control": "max-age=300"})

    # -- plumbing -----------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Compile the templates, read the rubric and count the territory's changes once,
        before the first visitor (a store problem is shown by the pages themselves, not here)."""
        for name in ("territory.html.j2", "commune.html.j2", "shop.html.j2",
                     "compare.html.j2", "error.html.j2", "report/_commune_ecosystem.html.j2"):
            self.env.get_template(name)
        commune_view.scan_rubric({})  # the built-in rubric, parsed once
        with contextlib.suppress(StoreError, sa.exc.SQLAlchemyError):
            views.territory(self.store, self.changes, "", dashboard_messages(self.default_lang),
                            Formatter(self.default_lang))

    def language(self, request: Request) -> str:
        for lang in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
            if lang in LANGUAGES:
                return str(lang)
        return self.default_lang

    def render(self, request: Request, template: str, page: dict[str, Any],
               status: int = 200) -> Response:
        return self.respond(request, self.render_html(request, template, page), status)

    def render_html(self, request: Request, template: str, page: dict[str, Any]) -> str:
        lang = self.language(request)
        return self.env.get_template(template).render(
            page=page, t=dashboard_messages(lang), fmt=Formatter(lang), lang=lang,
            languages=LANGUAGES, known_key=dashboard_messages(lang).has, as_dict=as_dict,
            steps=STEPS, link=link,
            lang_url=lambda code: str(request.url.include_query_params(lang=code))
            .removeprefix(str(request.base_url).rstrip("/")))

    def respond(self, request: Request, html: str, status: int = 200) -> Response:
        """The page, and the language cookie when the address chose the language."""
        lang = self.language(request)
        response = HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)
        if request.query_params.get("lang") == lang:
            response.set_cookie(LANG_COOKIE, lang, samesite="strict", httponly=True)
        return response

    def not_found(self, request: Request, _exc: Exception) -> Response:
        return self.render(request, "error.html.j2", {"kind": "not_found"}, status=404)

    def store_error(self, request: Request, exc: Exception) -> Response:
        """The database failed: one line, never a traceback (nor the database address)."""
        reason = str(exc) if isinstance(exc, StoreError) else type(exc).__name__
        return self.render(request, "error.html.j2", {"kind": "error", "reason": reason},
                           status=500)

    def http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return self.not_found(request, exc)
        return Response(exc.detail, status_code=exc.status_code, headers=exc.headers)


def create_app(store: Store, token: str | None = None,
               default_lang: str = DEFAULT_LANGUAGE) -> Starlette:
    """The ASGI application; with `token`, every request must carry it (see security.py)."""
    dashboard_messages(default_lang)  # fails early on an unknown language
    pages = Dashboard(store, default_lang)
    get = ["GET"]
    routes = [
        Route("/", pages.territory, methods=get, name="territory"),
        Route("/commune", pages.commune, methods=get, name="commune"),
        Route("/compare", pages.compare, methods=get, name="compare"),
        Route("/shop/{key}", pages.shop, methods=get, name="shop"),
        Route("/export/{scan_id}/{fmt}", pages.export, methods=get, name="export"),
        Route("/static/{name}", pages.asset, methods=get, name="static"),
    ]
    middleware = [Middleware(SecurityHeaders)]
    if token:
        middleware.append(Middleware(TokenGate, token=token))

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await anyio.to_thread.run_sync(pages.warm_up)
        # What is loaded by now (modules, templates, the rubric) lives as long as the server:
        # leave it out of the collector's full passes, which otherwise walked it every few
        # pages (a 50-65 ms pause, most of the commune page's p95).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()

    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                     exception_handlers={commune_view.NotFound: pages.not_found,
                                         StoreError: pages.store_error,
                                         sa.exc.SQLAlchemyError: pages.store_error,
                                         HTTPException: pages.http_error})


def link(path: str, **params: object) -> str:
    """`path?k=v…` with the non-empty parameters, encoded (the template escapes the `&`)."""
    kept = {k: str(v) for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


def _file_stem(scan: dict[str, Any]) -> str:
    name = "".join(c if c.isalnum() else "-" for c in (scan.get("commune") or "scan"))
    return f"{name.strip('-') or 'scan'}-{str(scan.get('started_at') or '')[:10]}"
