"""The application factory: settings in, a wired FastAPI app out."""

from __future__ import annotations

import re
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.types import Receive, Scope, Send

from feeds.cache import FeedCache
from publisher import __version__
from publisher.blobs.store import blob_store
from publisher.ckan.scheduler import BackgroundPusher
from publisher.feature import Feature
from publisher.notifications.worker import BackgroundWorker, Worker
from publisher.search import segment
from publisher.settings import Settings, get_settings
from publisher.storage.db import make_engine, make_session_factory
from publisher.storage.generations import GenerationWatch
from publisher.web.caching import shared_policy
from publisher.web.errors import install_error_handlers
from publisher.web.feeds import FEED_MEDIA_TYPES, feed_router
from publisher.web.limits import BodySizeLimit, ControlCharacterGuard
from publisher.web.memory import CompressUnlessPrecompressed, MemoryFastPath, memory_paths
from publisher.web.openapi import OPENAPI_URL, install_openapi
from publisher.web.render import STATIC_DIR, add_template_dir
from publisher.web.response_headers import HeaderPolicy, ResponseHeaders
from publisher.web.route_index import install_route_index
from publisher.web.security import allowed_hosts, install_transport_security, wants_hsts
from publisher.wiring import (
    FEATURES,
    audit_action_labels,
    delivery_hooks,
    document_links,
    home_sections,
    home_watches,
    inspection_checks,
    inspection_sections,
    open_data_tables,
    page_link_tables,
    page_links,
    scheduled_alerts,
    search_sources,
    sitemap_sources,
    work_queues,
)
from publisher.workdays.store import CalendarSource


def routers(features: tuple[Feature, ...] = FEATURES) -> list[APIRouter]:
    """Every router of the app, in mounting order: the feeds first (the most requested paths:
    a request is matched against the routes in order, and a few hundred routes before a feed
    cost it more than serving it from memory), then the features' own."""
    mounted = [feed_router([source for feature in features for source in feature.feeds])]
    mounted.extend(router for feature in features for router in feature.routers)
    return mounted


#: Every router of the app, in one list: tests walk it to check every route's access rules.
ROUTERS: list[APIRouter] = routers()


def iter_api_routes() -> list[APIRoute]:
    return [route for router in ROUTERS for route in router.routes if isinstance(route, APIRoute)]


def operation_id(route: APIRoute) -> str:
    """A stable operation id per route: its endpoint's name (unique across the app, a test
    checks), so clients generated from the OpenAPI document keep their method names."""
    return route.name


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Background work that lives as long as the app: the periodic CKAN push, when configured,
    and the outbox worker unless `PUBLISHER_OUTBOX_WORKER` turns it off; the search's segmenter
    is loaded in the background."""
    settings: Settings = app.state.settings
    pusher = None
    if BackgroundPusher.enabled(settings):
        pusher = BackgroundPusher(settings, app.state.engine, app.state.open_data_tables)
        pusher.start()
    app.state.ckan_pusher = pusher
    deliverer = None
    if settings.outbox_worker:
        worker = Worker(app.state.session_factory, settings, delivery_hooks(), scheduled_alerts())
        deliverer = BackgroundWorker(worker, settings.outbox_poll_seconds)
        deliverer.start()
    app.state.outbox_worker = deliverer
    # the segmenter's dictionary (about a second) loads beside the start, not in a request
    threading.Thread(target=segment.warm, name="search-warm", daemon=True).start()
    try:
        yield
    finally:
        if deliverer is not None:
            deliverer.stop()
        if pusher is not None:
            pusher.stop()


class PublisherApp(FastAPI):
    """The FastAPI app with the memory fast path in front of it (`publisher.web.memory`): a hit
    kept in memory is answered before any layer, FastAPI's own included."""

    fast_path: MemoryFastPath | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.fast_path is not None:
            scope["app"] = self  # as Starlette sets it: a hit reads the app's state
            if await self.fast_path.answer(scope, receive, send):
                return
        await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None) -> PublisherApp:
    settings = settings or get_settings()
    app = PublisherApp(
        lifespan=lifespan,
        title="三门峡市政府预公开与开放数据服务 / Sanmenxia pre-disclosure and open data",
        version=__version__,
        docs_url=None,  # served from the service's own files (publisher.web.openapi)
        redoc_url=None,
        openapi_url=OPENAPI_URL,
        generate_unique_id_function=operation_id,
    )
    engine = make_engine(
        settings.effective_database_url,
        pool_size=settings.db_pool_size,
        pool_timeout=settings.db_pool_timeout_seconds,
        connect_timeout=settings.db_connect_timeout_seconds,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.blob_store = blob_store(settings.blob_store, engine, settings.data_dir)
    app.state.calendar_source = CalendarSource(
        app.state.session_factory, settings.calendar_dir, settings.calendar_check_seconds
    )
    app.state.feed_cache = FeedCache()
    # pages with a form of their own (a meeting's), apart: a crawl of them all never pushes a
    # feed or a list out (a page is ~10 KB: 1,024 of them, both care modes, ~15 MB at most)
    app.state.form_page_cache = FeedCache(max_entries=1024, builders=2)
    app.state.generation_watch = GenerationWatch(engine, settings.cache_check_seconds)
    app.state.open_data_tables = open_data_tables()  # live tables of the open-data catalogue
    app.state.audit_labels = audit_action_labels()
    app.state.home_sections = home_sections()
    app.state.home_watches = home_watches()  # what they read: the page is kept in memory
    app.state.inspection_sections = inspection_sections()
    app.state.inspection_checks = inspection_checks()
    app.state.sitemap_sources = sitemap_sources()  # the features' public pages (/sitemap.xml)
    app.state.document_links = document_links()  # a gazette document's links back
    app.state.page_links = page_links()  # the records of other features linking to a page
    app.state.page_link_tables = page_link_tables()  # what those read (pages kept in memory)
    app.state.work_queues = work_queues()  # the staff home's queues, from the manifests
    app.state.search_sources = search_sources(settings.datasets_dir)

    install_error_handlers(app)
    install_openapi(app, iter_api_routes())
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for feature in FEATURES:
        if feature.templates is not None:
            add_template_dir(feature.templates)
    for router in ROUTERS:
        app.include_router(router)
    install_route_index(app)

    # one expression for every feature's upload paths: tested on every request
    uploads = re.compile("|".join(f"(?:{p})" for f in FEATURES for p in f.upload_paths) or "(?!)")

    def limit_for(path: str) -> int:
        if path.startswith(("/staff/", "/api/v1/staff/")) and "attachments" in path:
            return settings.max_upload_bytes
        if uploads.fullmatch(path):
            return settings.max_upload_bytes
        return settings.max_request_bytes

    app.add_middleware(ControlCharacterGuard)  # innermost
    app.add_middleware(BodySizeLimit, limit_for=limit_for)
    # downloads and pages; feeds carry their own gzip body, compressed once when built, with
    # its own ETag (publisher.web.conditional), so the middleware leaves them alone (and is
    # skipped altogether for what is served from memory)
    excluded = (
        *DEFAULT_EXCLUDED_CONTENT_TYPES,
        *(media.partition(";")[0] for media in FEED_MEDIA_TYPES),
    )
    app.add_middleware(
        CompressUnlessPrecompressed,
        skip=memory_paths(iter_api_routes()),
        compress=lambda inner: GZipMiddleware(
            inner, minimum_size=1024, exclude_content_types=excluded
        ),
    )
    # CORS for open data, the caching class, the security headers: one layer
    policy = HeaderPolicy(wants_hsts(settings), shared_policy(settings.shared_cache_seconds))
    app.add_middleware(ResponseHeaders, policy=policy)
    # a hit kept in memory is answered in front of every layer, with the same headers
    app.fast_path = MemoryFastPath(iter_api_routes(), policy, allowed_hosts(settings))
    install_transport_security(app, settings)  # added last: runs first
    return app
