from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from recruiting.models import Application, orphan_cv_files

# A CV being written right now has no committed row yet: leave young files alone.
ORPHAN_GRACE = timedelta(hours=1)


class Command(BaseCommand):
    help = (
        "Delete applications whose stage ended (accepted, declined, rejected or "
        "withdrawn) more than DAYS ago, with their CV files. DAYS defaults to the "
        "APPLICATION_RETENTION_DAYS setting. Applications still under consideration are "
        "never deleted. It also deletes CV files that no application refers to and that "
        "are more than an hour old: a server process killed between writing a CV and "
        "committing its application leaves such a file behind. With --dry-run, list "
        "them and delete nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            metavar="DAYS",
            default=settings.APPLICATION_RETENTION_DAYS,
            help="Delete applications that ended more than DAYS days ago "
            "(default: %(default)s, the APPLICATION_RETENTION_DAYS setting).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what would be deleted; delete nothing.",
        )

    def handle(self, *args, older_than, dry_run, **options):
        if older_than < 0:
            raise CommandError("--older-than must be 0 or more days.")
        cutoff = timezone.now() - timedelta(days=older_than)
        applications = Application.objects.ended_before(cutoff).order_by("ended_at", "pk")

        # Only ids, stages and dates: this output may end up in a log.
        count = 0
        for application in applications.only("pk", "stage", "ended_at"):
            count += 1
            self.stdout.write(
                f"{'Would delete' if dry_run else 'Deleting'} application {application.pk} "
                f"({application.stage}, ended {timezone.localdate(application.ended_at)})"
            )
        if dry_run:
            self.stdout.write(f"Dry run: {count} application(s) would be deleted.")
            self.sweep_orphan_files(dry_run=True)
            return

        self.sweep_orphan_files(dry_run=False)
        with transaction.atomic():
            # post_delete (recruiting/signals.py) removes each CV file once this commits.
            deleted = applications.delete()[1].get(Application._meta.label, 0)
        self.stdout.write(
            self.style.SUCCESS(f"Deleted {deleted} application(s) and their CV files.")
        )

    def sweep_orphan_files(self, dry_run):
        cutoff = timezone.now() - ORPHAN_GRACE
        names = orphan_cv_files(older_than=cutoff)
        for name in names:
            self.stdout.write(f"{'Would delete' if dry_run else 'Deleting'} orphan CV file {name}")
            if not dry_run:
                Application._meta.get_field("cv").storage.delete(name)
        if names:
            verb = "would be deleted" if dry_run else "deleted"
            self.stdout.write(f"{len(names)} orphan CV file(s) {verb}.")
