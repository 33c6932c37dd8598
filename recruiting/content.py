"""What the landing page shows, read from the database in a fixed number of queries."""

from dataclasses import dataclass, field

from .models import (
    Achievement,
    Advantage,
    AdvantageGroup,
    Advisor,
    Lab,
    Position,
    Requirement,
    ResearchDirection,
)

# What editors write and the public pages show: a change to any of them clears the page
# cache (signals.py), and the "editors" role may edit exactly these (roles.py).
CONTENT_MODELS = [
    Lab,
    Advisor,
    Achievement,
    AdvantageGroup,
    Advantage,
    ResearchDirection,
    Position,
    Requirement,
]


@dataclass
class LandingContent:
    lab: Lab | None
    honours: list = field(default_factory=list)
    systems: list = field(default_factory=list)
    advantage_groups: list = field(default_factory=list)
    directions: list = field(default_factory=list)
    positions: list = field(default_factory=list)
    requirements: list = field(default_factory=list)

    @property
    def advisor(self):
        return getattr(self.lab, "advisor", None) if self.lab else None


def landing_content():
    """
    Six queries whatever the number of rows: the lab with its advisor, the advisor's
    achievements, the reasons to join with their groups, the research directions (the
    tree is built here), the open positions and the active requirements.
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

    directions = list(ResearchDirection.objects.all())
    by_parent = {}
    for direction in directions:
        by_parent.setdefault(direction.parent_id, []).append(direction)
    for direction in directions:
        direction.child_list = by_parent.get(direction.pk, [])
    content.directions = by_parent.get(None, [])

    content.positions = list(Position.objects.open())
    content.requirements = list(Requirement.objects.active())
    return content
