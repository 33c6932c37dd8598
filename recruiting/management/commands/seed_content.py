"""
Load the lab's content (recruiting/seed.py) in one transaction. A section is filled only
when empty, so running it again never overwrites or duplicates what staff edited.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from recruiting import seed
from recruiting.content import CONTENT_MODELS
from recruiting.models import (
    Achievement,
    Advantage,
    AdvantageGroup,
    Advisor,
    Lab,
    MessageTemplate,
    Position,
    Requirement,
    ResearchDirection,
)


def fields(data, **extra):
    """
    Model keyword arguments from an entry of seed.py: {"zh_hans": …, "en": …} sets
    title_zh_hans and title_en; nested lists (items, children) are the caller's.
    """
    kwargs = {}
    for name, value in data.items():
        if isinstance(value, list):
            continue
        if isinstance(value, dict):
            for language, text in value.items():
                kwargs[f"{name}_{language}"] = text
        else:
            kwargs[name] = value
    kwargs.update(extra)
    return kwargs


class Command(BaseCommand):
    help = (
        "Load the lab's recruitment content from the source post, in Chinese and English. "
        "Safe to run again: each section (lab, advisor, honours, systems, reasons to join, "
        "research directions, positions, requirements, e-mail templates) is filled only "
        "when it is empty, so nothing is duplicated and nothing staff changed in the admin "
        "is overwritten. To restore a section, delete all of its rows and run it again."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        self.created = []
        self.kept = []

        lab = Lab.objects.order_by("pk").first()
        if lab is None:
            lab = Lab.objects.create(**fields(seed.LAB))
            self.created.append("lab")
        else:
            self.kept.append("lab")

        advisor = Advisor.objects.filter(lab=lab).first()
        if advisor is None:
            advisor = Advisor.objects.create(**fields(seed.ADVISOR, lab=lab))
            self.created.append("advisor")
        else:
            self.kept.append("advisor")

        achievements = Achievement.objects.filter(advisor=advisor)
        self.fill(
            "honours",
            achievements.filter(kind=Achievement.Kind.HONOUR),
            lambda: self.create_achievements(advisor, Achievement.Kind.HONOUR, seed.HONOURS),
        )
        self.fill(
            "systems",
            achievements.filter(kind=Achievement.Kind.SYSTEM),
            lambda: self.create_achievements(advisor, Achievement.Kind.SYSTEM, seed.SYSTEMS),
        )
        self.fill("reasons to join", AdvantageGroup.objects.all(), self.create_advantages)
        self.fill("research directions", ResearchDirection.objects.all(), self.create_directions)
        self.fill("positions", Position.objects.all(), self.create_positions)
        self.fill("requirements", Requirement.objects.all(), self.create_requirements)
        self.fill("message templates", MessageTemplate.objects.all(), self.create_templates)
        # The first version of every content row without one (those just made, or made
        # before the history existed), so that an editor's first change can be reverted.
        call_command(
            "createinitialrevisions",
            *(model._meta.label for model in CONTENT_MODELS),
            comment="Loaded from the lab's post (seed_content)",
            verbosity=0,
        )

        if options["verbosity"] >= 1:
            if self.created:
                self.stdout.write(self.style.SUCCESS(f"Created: {', '.join(self.created)}."))
            if self.kept:
                self.stdout.write(f"Left as they are (not empty): {', '.join(self.kept)}.")

    def fill(self, label, existing, create):
        """Call create() only when the section has no rows; it says what it made."""
        if existing.exists():
            self.kept.append(label)
        else:
            self.created.append(f"{label} ({create()})")

    def create_achievements(self, advisor, kind, entries):
        for order, entry in enumerate(entries, start=1):
            Achievement.objects.create(**fields(entry, advisor=advisor, kind=kind, order=order))
        return len(entries)

    def create_advantages(self):
        items = 0
        for order, entry in enumerate(seed.ADVANTAGE_GROUPS, start=1):
            group = AdvantageGroup.objects.create(**fields(entry, order=order))
            for item_order, item in enumerate(entry["items"], start=1):
                Advantage.objects.create(**fields(item, group=group, order=item_order))
                items += 1
        return f"{len(seed.ADVANTAGE_GROUPS)} groups, {items} items"

    def create_directions(self):
        branches = 0
        for order, entry in enumerate(seed.RESEARCH_DIRECTIONS, start=1):
            direction = ResearchDirection.objects.create(**fields(entry, order=order))
            for branch_order, branch in enumerate(entry.get("children", []), start=1):
                ResearchDirection.objects.create(
                    **fields(branch, parent=direction, order=branch_order)
                )
                branches += 1
        return f"{len(seed.RESEARCH_DIRECTIONS)}, with {branches} branches"

    def create_positions(self):
        for order, entry in enumerate(seed.POSITIONS, start=1):
            Position.objects.create(**fields(entry, order=order, is_open=True))
        return len(seed.POSITIONS)

    def create_requirements(self):
        for order, entry in enumerate(seed.REQUIREMENTS, start=1):
            Requirement.objects.create(**fields(entry, order=order, is_active=True))
        return len(seed.REQUIREMENTS)

    def create_templates(self):
        for entry in seed.MESSAGE_TEMPLATES:
            MessageTemplate.objects.create(**fields(entry))
        return len(seed.MESSAGE_TEMPLATES)
