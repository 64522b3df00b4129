from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-giam-ngheo"


class Command(BaseCommand):
    help = "Create (once) the demo administrator of a development database and print its login."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo account is for development databases only (DEBUG is off).")
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=DEMO_USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo administrator — user: {DEMO_USERNAME}  password: {DEMO_PASSWORD}  (http://127.0.0.1:8000/admin/)"
            )
        )
