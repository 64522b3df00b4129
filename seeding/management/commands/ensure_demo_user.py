from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from localities.models import Locality
from plans.models import Agency
from workflow.models import Role, RoleAssignment

DEMO_PASSWORD = "demo-giam-ngheo"
# (user name, full name, role, scope slug): one account per role, on the seed plans' provinces.
DEMO_OFFICIALS = [
    ("ldtbxh-hungyen", "Sở LĐ-TB&XH Hưng Yên", Role.REVIEWER, "hung-yen"),
    ("phucu", "UBND huyện Phù Cừ", Role.LOCALITY_OFFICIAL, "hung-yen-phu-cu"),
    ("soyte-hungyen", "Sở Y tế Hưng Yên", Role.AGENCY_OFFICER, "so-yt"),
    ("ldtbxh-hue", "Sở LĐ-TB&XH Thừa Thiên Huế", Role.REVIEWER, "thua-thien-hue"),
    ("aluoi", "UBND huyện A Lưới", Role.LOCALITY_OFFICIAL, "thua-thien-hue-a-luoi"),
]


class Command(BaseCommand):
    help = "Create (once) the demo administrator and one demo official per role, and print their logins."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo accounts are for development databases only (DEBUG is off).")
        self._user("demo", "Quản trị", superuser=True)
        for username, full_name, role, scope in DEMO_OFFICIALS:
            user = self._user(username, full_name)
            if role == Role.AGENCY_OFFICER:
                target = {"agency": Agency.objects.get(province__slug="hung-yen", slug=scope)}
            elif role == Role.REVIEWER:
                target = {"province": Locality.objects.get(slug=scope)}
            else:
                target = {"locality": Locality.objects.get(slug=scope)}
            RoleAssignment.objects.get_or_create(user=user, role=role, **target)
        self.stdout.write(
            self.style.SUCCESS(f"Demo accounts (password for all: {DEMO_PASSWORD}) — http://127.0.0.1:8000/")
        )
        self.stdout.write("  demo            administrator")
        for username, full_name, role, _scope in DEMO_OFFICIALS:
            self.stdout.write(f"  {username:<15} {Role(role).label} — {full_name}")

    def _user(self, username, full_name, superuser=False):
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": superuser, "is_superuser": superuser, "first_name": full_name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        return user
