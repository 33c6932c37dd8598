"""Which content fields exist in both languages (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import (
    Achievement,
    Advantage,
    AdvantageGroup,
    Advisor,
    GroupPhoto,
    Lab,
    Member,
    MessageTemplate,
    Position,
    Requirement,
    ResearchDirection,
)


@register(Lab)
class LabTranslation(TranslationOptions):
    fields = (
        "name",
        "institution",
        "tagline",
        "intro",
        "meeting_place",
        "online_meeting",
        "requirements_rule",
    )


@register(Advisor)
class AdvisorTranslation(TranslationOptions):
    fields = (
        "name",
        "title",
        "affiliation",
        "former_affiliations",
        "research_interests",
        "record",
    )


@register(Achievement)
class AchievementTranslation(TranslationOptions):
    fields = ("text",)


@register(AdvantageGroup)
class AdvantageGroupTranslation(TranslationOptions):
    fields = ("title",)


@register(Advantage)
class AdvantageTranslation(TranslationOptions):
    fields = ("title", "text")


@register(ResearchDirection)
class ResearchDirectionTranslation(TranslationOptions):
    fields = ("title", "summary")


@register(Position)
class PositionTranslation(TranslationOptions):
    fields = ("title", "summary")


@register(Requirement)
class RequirementTranslation(TranslationOptions):
    fields = ("short_title", "text", "evidence_prompt")


@register(MessageTemplate)
class MessageTemplateTranslation(TranslationOptions):
    fields = ("subject", "body")


@register(GroupPhoto)
class GroupPhotoTranslation(TranslationOptions):
    fields = ("alt", "caption")


@register(Member)
class MemberTranslation(TranslationOptions):
    fields = ("name", "role")
