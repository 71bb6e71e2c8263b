"""/api/v1: thin endpoints over the same access rules and services as the web. This module
only builds the API: each domain's endpoints live in their own module beside their schemas
(`assessments`, `crisis`, `care`, `network`, `engagement`, `peers`), and every error is
answered in one shape (`errors`)."""

from tether.api.assessments import router as assessments_router
from tether.api.auth import AUTH
from tether.api.booking import router as booking_router
from tether.api.care import router as care_router
from tether.api.crisis import router as crisis_router
from tether.api.engagement import router as engagement_router
from tether.api.errors import add_exception_handlers
from tether.api.invitations import router as invitations_router
from tether.api.network import router as network_router
from tether.api.openapi import DocumentedAPI
from tether.api.parsing import StrictParser
from tether.api.peers import router as peers_router
from tether.api.staffing import router as staffing_router
from tether.api.tokens import router as tokens_router

api = DocumentedAPI(
    title="Tether API",
    version="1",
    description=(
        "Self-assessments, risk alerts, caseloads and each patient's support network (contacts, "
        "consent, safety plan, personal plan). Authenticate with a session (plus CSRF "
        "token) or `Authorization: Bearer <token>` (make one at /me/api-tokens/, through "
        "/me/tokens, or with `manage.py create_api_token`). "
        "A record you may not see answers 404, the same as one that does not exist."
    ),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=AUTH,
    parser=StrictParser(),
)
add_exception_handlers(api)

api.add_router("", assessments_router)
api.add_router("", network_router)
api.add_router("", engagement_router)
api.add_router("", booking_router)
api.add_router("", peers_router)
api.add_router("", care_router)
api.add_router("", crisis_router)
api.add_router("", tokens_router)
api.add_router("", invitations_router)
api.add_router("", staffing_router)
