import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def mark_main_author_criteria(apps, schema_editor):
    """The seeded paper criterion ("作为主要作者…", "As a main author…") asks for it."""
    Requirement = apps.get_model("recruiting", "Requirement")
    Requirement.objects.filter(
        models.Q(text_zh_hans__contains="主要作者") | models.Q(text_en__icontains="main author")
    ).update(main_author=True)


def mark_unchecked_cvs(apps, schema_editor):
    """CVs sent before the check: `manage.py read_cvs` reads them (docs/deploy.md)."""
    Application = apps.get_model("recruiting", "Application")
    Application.objects.update(cv_flags="not_checked")


class CreateSearchIndex(migrations.RunSQL):
    """
    A GIN index of the CV texts' full-text search vectors, on PostgreSQL only: the admin's
    "In the CV" search (admin_filters.CVTextFilter) matches this very expression. SQLite
    searches the text with LIKE.
    """

    def __init__(self):
        super().__init__(
            "CREATE INDEX cvtext_search_idx ON recruiting_cvtext "
            "USING gin (to_tsvector('simple'::regconfig, search_document))",
            "DROP INDEX IF EXISTS cvtext_search_idx",
        )

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("recruiting", "0005_review_workspace"),
    ]

    operations = [
        migrations.AddField(
            model_name="requirement",
            name="main_author",
            field=models.BooleanField(
                default=False,
                help_text="The author position stated in the evidence is checked: first, co-first or corresponding author corroborates the claim; second author or lower does not.",
                verbose_name="asks for main authorship",
            ),
        ),
        migrations.RunPython(mark_main_author_criteria, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="application",
            name="priority",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="How many criteria the applicant ticked, each with its evidence.",
                verbose_name="criteria claimed",
            ),
        ),
        migrations.AddField(
            model_name="application",
            name="corroborated",
            field=models.PositiveSmallIntegerField(
                default=0,
                editable=False,
                help_text="How many claimed criteria the CV corroborates: every keyword of the criterion and every link in the evidence is also in the CV, and for a paper the evidence states a main author position. The list shows these first, then criteria claimed, then the newest.",
                verbose_name="criteria corroborated",
            ),
        ),
        migrations.AddField(
            model_name="application",
            name="cv_flags",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="What the CV holds that a CV should not, or that it has no text.",
                max_length=200,
                verbose_name="CV warnings",
            ),
        ),
        migrations.RunPython(mark_unchecked_cvs, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="application",
            options={
                "ordering": ["-corroborated", "-priority", "-submitted_at"],
                "permissions": [("export_application", "Can export applications")],
                "verbose_name": "application",
                "verbose_name_plural": "applications",
            },
        ),
        migrations.RemoveIndex(
            model_name="application",
            name="application_list_idx",
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                fields=["-corroborated", "-priority", "-submitted_at", "-id"],
                name="application_list_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                fields=["-priority", "-corroborated", "-submitted_at", "-id"],
                name="application_claimed_idx",
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="cv_state",
            field=models.CharField(
                blank=True,
                choices=[
                    ("corroborated", "corroborated"),
                    ("partly", "partly"),
                    ("not_found", "not found"),
                ],
                max_length=20,
                verbose_name="in the CV",
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="cv_findings",
            field=models.JSONField(blank=True, default=dict, verbose_name="found in the CV"),
        ),
        migrations.AddField(
            model_name="claim",
            name="author_position",
            field=models.CharField(blank=True, max_length=100, verbose_name="author position"),
        ),
        migrations.CreateModel(
            name="CVText",
            fields=[
                (
                    "application",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="cv_text",
                        serialize=False,
                        to="recruiting.application",
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[("read", "read"), ("failed", "could not be read")],
                        max_length=10,
                        verbose_name="state",
                    ),
                ),
                ("pages", models.PositiveIntegerField(blank=True, null=True, verbose_name="pages")),
                ("text", models.TextField(blank=True, verbose_name="text")),
                ("links", models.JSONField(blank=True, default=list, verbose_name="links")),
                ("search_document", models.TextField(blank=True)),
                (
                    "read_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="read at"
                    ),
                ),
            ],
            options={
                "verbose_name": "CV text",
                "verbose_name_plural": "CV texts",
            },
        ),
        CreateSearchIndex(),
    ]
