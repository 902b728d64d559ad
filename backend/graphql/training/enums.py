"""Training enums, generated from the models' TextChoices so a value has one spelling."""

from backend.graphql.catalog.enums import enum_from_choices
from backend.training.error_codes import TrainingErrorCode
from backend.training.models import AttendanceSource, JobStatus, SessionStatus

TrainingErrorCodeEnum = enum_from_choices("TrainingErrorCode", TrainingErrorCode)
TrainingSessionStatusEnum = enum_from_choices(
    "TrainingSessionStatusEnum", SessionStatus, "Where a training session stands."
)
TrainingAttendanceSourceEnum = enum_from_choices(
    "TrainingAttendanceSourceEnum", AttendanceSource, "How an attendance was recorded."
)
TrainingJobStatusEnum = enum_from_choices(
    "TrainingJobStatusEnum", JobStatus, "A reported job: awaiting the county, confirmed, rejected."
)
