from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Poverty-reduction plans")
admin.site.site_title = _("Poverty-reduction plans")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("", include("reports.urls")),
    path("", include("editing.urls")),
    path("", include("review.urls")),
    path("", include("spreadsheets.urls")),
]
