"""Merchandising enums, generated from the models' TextChoices so a value has one spelling."""

from backend.graphql.catalog.enums import enum_from_choices
from backend.merchandising.collections import RuleKind
from backend.merchandising.error_codes import MerchandisingErrorCode
from backend.merchandising.models import HomeSectionKind, LivestreamPlatform, ScheduleStatus

HomeSectionKindEnum = enum_from_choices(
    "HomeSectionKindEnum", HomeSectionKind, "A banner, a featured collection or a product carousel."
)
LivestreamPlatformEnum = enum_from_choices(
    "LivestreamPlatformEnum", LivestreamPlatform, "Where a livestream is broadcast."
)
ScheduleStatusEnum = enum_from_choices(
    "ScheduleStatusEnum", ScheduleStatus, "Where a campaign or livestream stands now."
)
MerchandisingErrorCodeEnum = enum_from_choices("MerchandisingErrorCode", MerchandisingErrorCode)


class _RuleKinds:
    """RuleKind as choices (it is a plain class of constants)."""

    def __iter__(self):
        for value in RuleKind.ALL:
            yield type("Member", (), {"name": value.upper(), "value": value})


CollectionRuleKindEnum = enum_from_choices(
    "CollectionRuleKindEnum", _RuleKinds(), "A condition of a rule-based collection."
)
