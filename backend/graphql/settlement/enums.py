"""Settlement enums, generated from the models' TextChoices so a value has one spelling."""

from backend.graphql.catalog.enums import enum_from_choices
from backend.settlement.error_codes import SettlementErrorCode
from backend.settlement.models import StatementLineKind, StatementStatus

VendorStatementStatusEnum = enum_from_choices(
    "VendorStatementStatusEnum",
    StatementStatus,
    "Draft (still collected again), issued (frozen) or paid.",
)
VendorStatementLineKindEnum = enum_from_choices(
    "VendorStatementLineKindEnum",
    StatementLineKind,
    "A delivered sale, a refund share or a manual adjustment.",
)
SettlementErrorCodeEnum = enum_from_choices("SettlementErrorCode", SettlementErrorCode)
