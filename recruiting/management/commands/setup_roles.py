from django.core.management.base import BaseCommand

from recruiting.roles import ROLES, setup_roles


class Command(BaseCommand):
    help = (
        f"Create the staff groups ({', '.join(ROLES)}) and set their permissions to those "
        "defined in recruiting/roles.py. Safe to run again: it never duplicates a group, "
        "and permissions added to these groups by hand are reset."
    )

    def handle(self, *args, **options):
        for name, created in setup_roles().items():
            if options["verbosity"] > 0:
                verb = "Created" if created else "Updated"
                self.stdout.write(f"{verb} group {name!r}.")
