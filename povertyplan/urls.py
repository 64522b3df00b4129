from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from api.urls import api_urls

admin.site.site_header = _("Poverty-reduction plans")
admin.site.site_title = _("Poverty-reduction plans")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", api_urls),
    path("api/", include("api.urls")),
    path("", include("reports.urls")),
    path("", include("editing.urls")),
    path("", include("review.urls")),
    path("", include("spreadsheets.urls")),
]
