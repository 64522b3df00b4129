"""The page where a person creates and revokes their personal API tokens (the token is shown once)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .forms import TokenForm
from .models import ApiToken
from .services import api_token_create, api_token_revoke


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    secret = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = api_token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            for message in error.messages:
                form.add_error("name", message)
        else:
            form = TokenForm()
    context = {
        "form": form,
        # Rendered in this one response only: it is stored nowhere but in its hash.
        "secret": secret,
        "tokens": ApiToken.objects.filter(user=request.user),
    }
    return render(request, "api/tokens.html", context)


@login_required
@require_POST
def token_revoke(request, pk: int):
    try:
        token = api_token_revoke(user=request.user, token_id=pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The token “%(name)s” is revoked: it no longer opens the API.") % {"name": token.name}
        )
    return redirect("api:tokens")
