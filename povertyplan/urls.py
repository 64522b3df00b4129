from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from .login_throttle import ThrottledAdminAuthenticationForm, ThrottledAuthenticationForm

admin.site.site_header = _("Poverty-reduction plans")
admin.site.site_title = _("Poverty-reduction plans")
admin.site.index_title = _("Administration")
# Both log-in forms count failures (povertyplan.login_throttle): the admin's is as guessable as the site's.
admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Log-in and password change only: passwords are reset by an administrator (no e-mail here).
    path(
        "accounts/login/", auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm), name="login"
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("", include("reports.urls")),
]
