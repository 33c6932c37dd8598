"""
Every change to the page's content is recorded (who, when, what) and can be reverted from
the admin, with django-reversion: each content model is registered here, with the rows an
admin page edits along with it (an advisor's achievements, a group's items, a direction's
branches), so that reverting the page brings back what was on it.
"""

import reversion

from .content import CONTENT_MODELS
from .models import AdvantageGroup, Advisor, ResearchDirection

# What each model's admin page edits inline (content_admin.py): saved and reverted with it.
FOLLOW = {
    Advisor: ("achievements",),
    AdvantageGroup: ("items",),
    ResearchDirection: ("children",),
}

for model in CONTENT_MODELS:
    if not reversion.is_registered(model):
        reversion.register(model, follow=FOLLOW.get(model, ()))
