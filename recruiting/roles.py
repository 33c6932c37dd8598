"""
The staff roles, as Django groups. `manage.py setup_roles` (run by `make run`) creates
them and sets their permissions to exactly what is listed here, however often it runs.

A user needs `is_staff` as well as a group to log in to the admin.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .content import CONTENT_MODELS

ROLES = {
    # See and review applications, move them between stages, export them, open CVs
    # (the CV view asks for view_application).
    "reviewers": {
        "application": ["view", "change", "export"],
        "review": ["view", "add", "change"],
        "claim": ["view"],
        "stagechange": ["view"],
        # The outbox: read it, queue failed e-mails again (an action that needs "change").
        "message": ["view", "change"],
        "messagetemplate": ["view"],
    },
    # Edit the lab's page and the texts of its e-mails; nothing about applications.
    "editors": {
        model: ["add", "change", "delete", "view"]
        for model in [*(m._meta.model_name for m in CONTENT_MODELS), "messagetemplate"]
    },
}


def role_permissions(role):
    """The Permission rows of a role, in the recruiting app."""
    codenames = [
        f"{action}_{model}" for model, actions in ROLES[role].items() for action in actions
    ]
    permissions = list(
        Permission.objects.filter(content_type__app_label="recruiting", codename__in=codenames)
    )
    missing = set(codenames) - {p.codename for p in permissions}
    if missing:
        raise LookupError(
            f"Permissions {', '.join(sorted(missing))} do not exist: run `manage.py migrate` first."
        )
    return permissions


@transaction.atomic
def setup_roles():
    """Create or update every group; returns {name: created}."""
    result = {}
    for role in ROLES:
        group, created = Group.objects.get_or_create(name=role)
        group.permissions.set(role_permissions(role))
        result[role] = created
    return result
