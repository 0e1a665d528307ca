"""The JSON API, version 1 (Django Ninja): ``/api/v1/``, OpenAPI at ``/api/v1/openapi.json``.

Apps add their routers here. Errors are JSON objects with a stable ``code`` and the message in
Vietnamese and English: ``{"code": "not_found", "message_vi": "…", "message_en": "…"}``.
"""

from ninja import NinjaAPI

api = NinjaAPI(
    title="ChinhQuyen API",
    version="1",
    urls_namespace="api-v1",
    docs_url="/docs",
)


def _add_routers() -> None:
    from chinhquyen.dossiers.api import router as dossiers_router

    api.add_router("/public/dossiers", dossiers_router)


_add_routers()
