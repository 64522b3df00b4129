from django.contrib import admin

from .login_throttle import ThrottledAdminAuthenticationForm

# Both log-in forms count failures (accounts.login_throttle): the admin's is as guessable as the site's.
admin.site.login_form = ThrottledAdminAuthenticationForm
