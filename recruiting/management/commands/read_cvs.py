from django.core.management.base import BaseCommand

from recruiting.models import Application
from recruiting.tasks import read_cv


class Command(BaseCommand):
    help = (
        "Queue the reading of CVs for the worker: the text that the admin searches and "
        "that each claim is checked against. By default the CVs not read yet (sent "
        "before this site read CVs, or whose reading was lost); with --all, every CV "
        "again (after a change of how CVs are read)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Read every CV again.")

    def handle(self, *args, all=False, **options):
        applications = Application.objects.order_by("pk")
        if not all:
            applications = applications.filter(cv_text__isnull=True)
        count = 0
        for pk in applications.values_list("pk", flat=True).iterator(chunk_size=2000):
            read_cv.enqueue(pk)
            count += 1
        self.stdout.write(f"{count} CVs queued for the worker.")
