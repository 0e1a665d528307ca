from django.contrib import admin
from django.urls import include, path

from chinhquyen.api import api
from chinhquyen.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("chinhquyen.accounts.urls")),
    path("directory/", include("chinhquyen.directory.urls")),
    path("audit/", include("chinhquyen.audit.urls")),
    path("procedures/", include("chinhquyen.procedures.urls")),
    path("worktime/", include("chinhquyen.worktime.urls")),
    path("dossiers/", include("chinhquyen.dossiers.urls")),
    path("signing/", include("chinhquyen.signing.urls")),
    path("notifications/", include("chinhquyen.notifications.urls")),
    path("documents/", include("chinhquyen.documents.urls")),
    path("meetings/", include("chinhquyen.meetings.urls")),
    path("exchange/", include("chinhquyen.exchange.urls")),
    path("postal/", include("chinhquyen.postal.urls")),
    path("insights/", include("chinhquyen.insights.urls")),
    path("infrastructure/", include("chinhquyen.infrastructure.urls")),
    # Public portal (Vietnamese paths: they are read aloud and typed by citizens).
    path("cong-dan/", include("chinhquyen.citizens.urls")),
    path("tra-cuu/", include("chinhquyen.tracking.urls")),
    path("nop-ho-so/", include("chinhquyen.eforms.urls")),
    path("thanh-toan/", include("chinhquyen.payments.urls")),
    path("dat-lich/", include("chinhquyen.appointments.urls")),
    path("tin-tuc/", include("chinhquyen.news.urls")),  # news, announcements, legal documents
    path("lich-cong-tac/", include("chinhquyen.meetings.urls_public")),  # work calendars
    path("api/v1/", api.urls),
    path("oauth/", include("chinhquyen.exchange.api.oauth_urls")),  # system-account tokens
    path("admin/", admin.site.urls),
    path("", include("chinhquyen.portal.urls")),
    path("", include("chinhquyen.core.urls")),
]
# Uploaded files (dossier attachments, results, templates) are never served from a public
# media URL, not even in development: each is streamed by a view that authorizes the reader.
