"""What the landing page shows, read from the database in a fixed number of queries."""

from dataclasses import dataclass, field

from django.utils.translation import gettext, pgettext

from .models import (
    Achievement,
    Advantage,
    AdvantageGroup,
    Advisor,
    GroupPhoto,
    Lab,
    Member,
    Position,
    Publication,
    Requirement,
    ResearchDirection,
)

# What editors write and the public pages show: a change to any of them clears the page
# cache (signals.py), is recorded in the history (history.py), and the "editors" role may
# edit exactly these (roles.py).
CONTENT_MODELS = [
    Lab,
    Advisor,
    Achievement,
    AdvantageGroup,
    Advantage,
    ResearchDirection,
    Position,
    Requirement,
    GroupPhoto,
    Member,
    Publication,
]
# Those written in both languages (translation.py); a publication is written as published.
TRANSLATED_MODELS = [model for model in CONTENT_MODELS if model is not Publication]


@dataclass
class LandingContent:
    lab: Lab | None
    honours: list = field(default_factory=list)
    systems: list = field(default_factory=list)
    advantage_groups: list = field(default_factory=list)
    directions: list = field(default_factory=list)
    positions: list = field(default_factory=list)
    requirements: list = field(default_factory=list)
    group_photos: list = field(default_factory=list)
    members: list = field(default_factory=list)
    alumni: list = field(default_factory=list)
    publications: list = field(default_factory=list)

    @property
    def advisor(self):
        return getattr(self.lab, "advisor", None) if self.lab else None

    @property
    def recruiting_sentence(self):
        return recruiting_sentence(self.positions)


def join_words(words):
    """ "A, B and C" in English, "A、B和C" in Chinese: the page's language decides."""
    words = [str(word) for word in words]
    if len(words) < 2:
        return "".join(words)
    # Translators: what separates the items of a list but the last two ("A, B and C").
    separator = pgettext("list", ", ")
    # Translators: what joins the last two items of a list ("A, B and C").
    last = pgettext("list", " and ")
    return separator.join(words[:-1]) + last + words[-1]


def recruiting_sentence(positions):
    """
    The "now recruiting" sentence, built from the open positions so that it changes with
    them, in the page's language; empty when none is open.
    """
    if not positions:
        return ""
    return gettext("The group is now recruiting: %(positions)s.") % {
        "positions": join_words(position.title for position in positions)
    }


def landing_content():
    """
    Nine queries whatever the number of rows: the lab with its advisor, the advisor's
    achievements, the reasons to join with their groups, the active research directions
    (the tree is built here), the open positions, the active requirements, the group's
    photos, its people (members and alumni) and its selected publications. Photos need
    no query nor file: their sizes are stored with them (images.py).
    """
    lab = Lab.objects.select_related("advisor").first()
    content = LandingContent(lab=lab)

    if content.advisor is not None:
        for item in Achievement.objects.filter(advisor=content.advisor):
            target = content.systems if item.kind == Achievement.Kind.SYSTEM else content.honours
            target.append(item)

    groups = {}
    for item in Advantage.objects.select_related("group").order_by(
        "group__order", "group_id", "order", "pk"
    ):
        if item.group_id not in groups:
            groups[item.group_id] = item.group
            item.group.item_list = []
        groups[item.group_id].item_list.append(item)
    content.advantage_groups = list(groups.values())

    directions = list(ResearchDirection.objects.active())
    by_parent = {}
    for direction in directions:
        by_parent.setdefault(direction.parent_id, []).append(direction)
    for direction in directions:
        direction.child_list = by_parent.get(direction.pk, [])
    content.directions = by_parent.get(None, [])

    content.positions = list(Position.objects.open())
    content.requirements = list(Requirement.objects.active())
    content.group_photos = list(GroupPhoto.objects.all())
    for person in Member.objects.all():
        target = content.alumni if person.status == Member.Status.ALUMNI else content.members
        target.append(person)
    content.publications = list(Publication.objects.all())
    return content
