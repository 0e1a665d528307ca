"""The JSON API, version 1 (Django Ninja): ``/api/v1/``, OpenAPI at ``/api/v1/openapi.json``.

Apps add their routers here. Errors are JSON objects with a stable ``code`` and the message in
Vietnamese and English: ``{"code": "not_found", "message_vi": "…", "message_en": "…"}``.
"""

from ninja import NinjaAPI


class ChinhQuyenAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        from chinhquyen.exchange.api.auth import scoped_security

        return scoped_security(super().get_openapi_schema(*args, **kwargs))


api = ChinhQuyenAPI(
    title="ChinhQuyen API",
    version="1",
    urls_namespace="api-v1",
    docs_url="/docs",
)


def _add_routers() -> None:
    from chinhquyen.dossiers.api import router as dossiers_router
    from chinhquyen.exchange.api import directory, documents, dossiers, procedures
    from chinhquyen.exchange.api.errors import install_handlers

    api.add_router("/public/dossiers", dossiers_router)
    # The integration API for system accounts (OAuth2 client credentials, exchange/api).
    api.add_router("/procedures", procedures.router)
    api.add_router("/dossiers", dossiers.router)
    api.add_router("/documents", documents.router)
    api.add_router("/directory", directory.router)
    install_handlers(api)


_add_routers()
