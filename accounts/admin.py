from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from kernel.admin_base import TextSearchAdmin

from .login_throttle import ThrottledAdminAuthenticationForm

# Both log-in forms count failures (accounts.login_throttle): the admin's is as guessable as the site's.
admin.site.login_form = ThrottledAdminAuthenticationForm


# Django's own admins of accounts and groups, with the project's search (any Unicode form, without diacritics): the
# one place where an admin registered by another package is replaced — django.contrib.auth offers no hook for it.
class UserAdmin(TextSearchAdmin, auth_admin.UserAdmin):
    pass


class GroupAdmin(TextSearchAdmin, auth_admin.GroupAdmin):
    pass


for model, model_admin in ((get_user_model(), UserAdmin), (Group, GroupAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
