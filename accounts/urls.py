"""Log-in and password change only: passwords are reset by an administrator (no e-mail here)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from .login_throttle import ThrottledAuthenticationForm

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
