"""The plan's targets as the county configures them (catalog_seed/targets.yaml): code, Chinese
title, unit, target value, period and, for training, the second figure (jobs). Read once per
process; tests and another county point CATALOG_SEED_DIR elsewhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml
from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.catalog.seed.loader import seed_dir


class Period(models.TextChoices):
    YEAR = "year", _("年度累计")
    CUMULATIVE = "cumulative", _("规划期累计")
    LEVEL = "level", _("月末水平")


class Status(models.TextChoices):
    MET = "met", _("已达标")
    ON_TRACK = "on_track", _("进度正常")
    BEHIND = "behind", _("落后")
    NO_DATA = "no_data", _("暂无数据")


# The plan's order (county plan §三 "全县电子商务发展新目标" and the 2020/2021 goals).
CODES = (
    "poverty_sales",
    "logistics_coverage",
    "weak_village_services",
    "same_day_delivery",
    "trace_entities",
    "training",
    "public_brand",
    "leading_enterprises",
    "retail_growth",
    "low_income_inclusion",
)


@dataclass(frozen=True)
class Secondary:
    title: str
    unit: str
    target: Decimal


@dataclass(frozen=True)
class Target:
    number: int
    code: str
    title: str
    unit: str
    target: Decimal
    period: str
    source: str
    secondary: Secondary | None = None


@dataclass(frozen=True)
class Plan:
    programme_start: dt.date
    programme_end: dt.date
    targets: tuple[Target, ...]

    def get(self, code: str) -> Target | None:
        return next((t for t in self.targets if t.code == code), None)


class PlanError(ValueError):
    """catalog_seed/targets.yaml names an unknown target, a bad period or a bad value."""


def _target(number: int, row: dict) -> Target:
    code = row.get("code")
    if code not in CODES:
        raise PlanError(f"unknown target code {code!r}")
    if row.get("period") not in Period.values:
        raise PlanError(f"{code}: period must be one of {Period.values}")
    secondary = row.get("secondary")
    try:
        return Target(
            number=number,
            code=code,
            title=str(row["title"]),
            unit=str(row.get("unit", "")),
            target=Decimal(str(row["target"])),
            period=row["period"],
            source=str(row.get("source", "")),
            secondary=Secondary(
                title=str(secondary["title"]),
                unit=str(secondary.get("unit", "")),
                target=Decimal(str(secondary["target"])),
            )
            if secondary
            else None,
        )
    except (KeyError, ArithmeticError, TypeError) as problem:
        raise PlanError(f"{code}: {problem}") from problem


def read_plan(path: Path | str | None = None) -> Plan:
    data = yaml.safe_load((seed_dir(path) / "targets.yaml").read_text(encoding="utf-8")) or {}
    rows = data.get("targets") or []
    targets = tuple(
        _target(CODES.index(row.get("code")) + 1 if row.get("code") in CODES else 0, row)
        for row in rows
    )
    return Plan(
        programme_start=data.get("programme_start") or dt.date(2025, 1, 1),
        programme_end=data.get("programme_end") or dt.date(2027, 12, 31),
        targets=tuple(sorted(targets, key=lambda t: t.number)),
    )


@lru_cache(maxsize=4)
def _cached(path: str) -> Plan:
    return read_plan(path)


def plan() -> Plan:
    return _cached(str(seed_dir()))
