"""The REST API (X3) at /api/v1/, schema at /api/v1/openapi.json."""

from __future__ import annotations

from ninja import Swagger

from api.auth import TokenAuth
from core.api import GestorAPI


class GestorSwagger(Swagger):
    """ninja's documentation page from our template, which declares its language
    and darkens the method badges (axe). Without deep links, an operation's path
    is text, not a link nested in the operation's button (axe: nested-interactive)."""

    template = "api/docs.html"
    default_settings = {**Swagger.default_settings, "deepLinking": False}


api = GestorAPI(
    title="Gestor API",
    version="1",
    description="Everything the Gestor panel does, for scripts. Authenticate with a personal "
    "API token from your profile page: `Authorization: Bearer gst_…`.",
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url="/docs",
    docs=GestorSwagger(),
)

# Each app contributes its router (imported here so the schema lists them all).
from accounts.api import router as accounts_router  # noqa: E402
from api import flows  # noqa: E402, F401  (adds the endpoints that run a flow to their router)
from billing.api import router as billing_router  # noqa: E402
from catalog.api import router as catalog_router  # noqa: E402
from orgs.api import router as orgs_router  # noqa: E402
from products.api import router as products_router  # noqa: E402
from shop.api import router as shop_router  # noqa: E402
from wallet.api import router as wallet_router  # noqa: E402

api.add_router("", accounts_router)
api.add_router("", orgs_router)
api.add_router("", catalog_router)
api.add_router("", products_router)
api.add_router("", wallet_router)
api.add_router("", billing_router)
api.add_router("", shop_router)
