"""Each target's figure for one month, computed from the marketplace's own records.

`measure(code, month)` returns (value, detail): for the flow targets (poverty-zone sales,
marketplace sales, training) the month's own amount, which the selectors add up over the
year or the programme; for the others the level at the month's end. Details are small
breakdowns (counts, per-town shares, per-enterprise sales) kept beside the value so a target
page never rescans the orders. Every window is the county's month (backend/targets/months.py).

Only records that exist are used: the station network keeps no status history, so a station
counts from its creation while it is active now; a brand licence counts for the months its
validity window touches unless it was suspended or revoked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

from backend.brand.models import BrandLicence, LicenceStatus, PublicBrand
from backend.divisions.models import Town, Village
from backend.order.models import Order, OrderGrantedRefund, OrderLine, OrderStatus
from backend.order.paid import paid_total_expression
from backend.poverty.models import (
    BenefitEntry,
    Certification,
    Exclusion,
    Household,
    HouseholdInclusion,
    InclusionKind,
    Mechanism,
    ZoneSale,
)
from backend.routing.figures import service_figures
from backend.stations.models import StationStatus
from backend.targets import months
from backend.targets.models import LeadingEnterprise
from backend.trace.models import Batch
from backend.training import figures as training
from backend.vendors.models import Vendor, VendorStatus

ZERO = Decimal("0.00")
# Orders that never became sales: cancelled, or closed unpaid (OrderStatus.EXPIRED).
NOT_SALES = (OrderStatus.CANCELED, OrderStatus.EXPIRED)
# Targets whose month figure is a flow (added up over a period); the others are levels.
FLOWS = frozenset({"poverty_sales", "retail_growth", "training"})

Measure = tuple[Decimal | None, dict]


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def money(value) -> str:
    return str((value or ZERO).quantize(Decimal("0.01")))


def served_by_active_station(end: dt.datetime, path: str = "serving_stations") -> Q:
    """Villages (or, through `path`, towns) served by a station active now and created
    before `end`: the network keeps no status history."""
    return Q(**{f"{path}__status": StationStatus.ACTIVE, f"{path}__created_at__lt": end})


def poverty_sales(start: dt.datetime, end: dt.datetime) -> Measure:
    """Zone sales less their refund reversals; purchases by the vendor's staff and related
    accounts are already marked excluded in the ledger (backend/poverty/ledger.py)."""
    totals = ZoneSale.objects.filter(occurred_at__gte=start, occurred_at__lt=end).aggregate(
        sales=Sum("amount", filter=Q(excluded=Exclusion.NONE)),
        benefit=Sum("benefit_amount", filter=Q(excluded=Exclusion.NONE)),
        excluded=Sum("amount", filter=~Q(excluded=Exclusion.NONE)),
    )
    sales = totals["sales"] or ZERO
    return sales, {"benefit": money(totals["benefit"]), "excluded": money(totals["excluded"])}


def logistics_coverage(start: dt.datetime, end: dt.datetime) -> Measure:
    served = served_by_active_station(end)
    villages = Village.objects.aggregate(
        total=Count("pk", distinct=True), served=Count("pk", filter=served, distinct=True)
    )
    towns = Town.objects.aggregate(
        total=Count("pk", distinct=True),
        served=Count(
            "pk", filter=served_by_active_station(end, "villages__serving_stations"), distinct=True
        ),
    )
    return percent(villages["served"], villages["total"]), {
        "villages": villages["total"],
        "villages_served": villages["served"],
        "towns": towns["total"],
        "towns_served": towns["served"],
    }


def weak_village_ids(end: dt.datetime) -> dict[str, set[int]]:
    """Weak villages reached by each means by `end`: an active station serving it, an active
    vendor based in it, or a certified product's benefit this year (county plan: 经济薄弱村
    电子商务服务覆盖率 50% 以上)."""
    weak = Village.objects.filter(is_economically_weak=True)
    station = set(weak.filter(served_by_active_station(end)).values_list("pk", flat=True))
    vendor_places = set(
        Vendor.objects.filter(status=VendorStatus.ACTIVE, created_at__lt=end)
        .exclude(village="")
        .values_list("town", "village")
    )
    vendor = {
        pk
        for pk, town, name in weak.values_list("pk", "town__name", "name")
        if (town, name) in vendor_places
    }
    year_start = dt.datetime(end.astimezone(months.zone()).year, 1, 1, tzinfo=months.zone())
    if end.astimezone(months.zone()) == year_start:
        year_start = dt.datetime(year_start.year - 1, 1, 1, tzinfo=months.zone())
    benefit = set(
        BenefitEntry.objects.filter(
            occurred_at__gte=year_start,
            occurred_at__lt=end,
            excluded=Exclusion.NONE,
            village__is_economically_weak=True,
        )
        .values("village_id")
        .annotate(total=Sum("amount"))
        .filter(total__gt=0)
        .values_list("village_id", flat=True)
    )
    return {
        "all": set(weak.values_list("pk", flat=True)),
        "station": station,
        "vendor": vendor,
        "benefit": benefit,
    }


def weak_village_services(start: dt.datetime, end: dt.datetime) -> Measure:
    ids = weak_village_ids(end)
    covered = ids["station"] | ids["vendor"] | ids["benefit"]
    return percent(len(covered), len(ids["all"])), {
        "weak_villages": len(ids["all"]),
        "covered": len(covered),
        "by_station": len(ids["station"]),
        "by_vendor": len(ids["vendor"]),
        "by_benefit": len(ids["benefit"]),
    }


def same_day_delivery(start: dt.datetime, end: dt.datetime) -> Measure:
    last_day = (end - dt.timedelta(seconds=1)).astimezone(months.zone()).date()
    figures = service_figures(start.astimezone(months.zone()).date(), last_day)
    share = figures.total.share
    return (None if share is None else (share * 100).quantize(Decimal("0.1"))), {
        "eligible": figures.total.eligible,
        "same_day": figures.total.same_day,
        "towns": {
            town or "—": [row.eligible, row.same_day] for town, row in figures.by_town.items()
        },
    }


def trace_entities(start: dt.datetime, end: dt.datetime) -> Measure:
    batches = Batch.objects.filter(created_at__lt=end)
    entities = batches.values("vendor_id").distinct().count()
    return Decimal(entities), {
        "batches_in_month": batches.filter(created_at__gte=start).count(),
        "batches": batches.count(),
    }


def training_figures(start: dt.datetime, end: dt.datetime) -> Measure:
    return Decimal(training.person_times(start, end)), {
        "people": training.people_trained(start, end),
        "low_income_people": training.low_income_people_trained(start, end),
        "jobs": training.jobs_created(start, end),
        "low_income_jobs": training.low_income_jobs(start, end),
    }


def licences_in_use(start: dt.datetime, end: dt.datetime):
    """Licences in force at some moment of the window: active (or since expired) with a
    validity window touching it; suspended and revoked ones are left out."""
    return BrandLicence.objects.filter(
        status__in=(LicenceStatus.ACTIVE, LicenceStatus.EXPIRED),
        valid_from__lt=end,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=start))


def public_brand(start: dt.datetime, end: dt.datetime) -> Measure:
    licences = licences_in_use(start, end).aggregate(
        licences=Count("pk"),
        products=Count("product_id", distinct=True),
        vendors=Count("vendor_id", distinct=True),
    )
    brands = PublicBrand.objects.filter(is_active=True).count() if licences["licences"] else 0
    return Decimal(brands), licences


def leading_enterprises(start: dt.datetime, end: dt.datetime) -> Measure:
    designated = LeadingEnterprise.objects.filter(
        designated_on__lt=end.astimezone(months.zone()).date(),
        vendor__status=VendorStatus.ACTIVE,
    ).select_related("vendor")
    names = {row.vendor_id: row.vendor.name for row in designated}
    sales = dict(
        OrderLine.objects.filter(
            vendor_id__in=list(names),
            order__created_at__gte=start,
            order__created_at__lt=end,
        )
        .exclude(order__status__in=NOT_SALES)
        .values("vendor_id")
        # What shoppers paid: less each line's share of its order's 满减 and voucher.
        .annotate(total=Sum(paid_total_expression()))
        .values_list("vendor_id", "total")
    )
    return Decimal(len(names)), {
        "enterprises": {
            str(pk): {"name": name, "sales": money(sales.get(pk))} for pk, name in names.items()
        }
    }


def marketplace_sales(start: dt.datetime, end: dt.datetime) -> dict:
    """Orders placed in the window less cancelled and expired ones; each order's refunds (the
    larger of what was granted and what was paid back) come off its total."""
    granted = (
        OrderGrantedRefund.objects.filter(order_id=OuterRef("pk"))
        .values("order_id")
        .annotate(total=Sum("amount_value"))
        .values("total")
    )
    money_field = DecimalField(max_digits=14, decimal_places=2)
    totals = (
        Order.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(status__in=NOT_SALES)
        .annotate(
            refund=Greatest(
                F("total_refunded_amount"),
                Coalesce(Subquery(granted, output_field=money_field), Value(ZERO)),
                output_field=money_field,
            )
        )
        .aggregate(orders=Count("pk"), gross=Sum("total_gross_amount"), refunds=Sum("refund"))
    )
    gross = totals["gross"] or ZERO
    refunds = totals["refunds"] or ZERO
    return {"orders": totals["orders"], "gross": gross, "refunds": refunds, "net": gross - refunds}


def retail_growth(start: dt.datetime, end: dt.datetime) -> Measure:
    sales = marketplace_sales(start, end)
    return sales["net"], {
        "orders": sales["orders"],
        "gross": money(sales["gross"]),
        "refunds": money(sales["refunds"]),
    }


def included_households(start: dt.datetime, end: dt.datetime) -> dict[str, set[int]]:
    """Registered households included in e-commerce in [start, end) by each means (county plan
    2021: 电子商务培训、代购、供货, and jobs): supply or jobs under a certification in force,
    agent purchases and other recorded inclusions, training and confirmed jobs."""
    in_window = Q(valid_from__lt=end) & (Q(valid_until__isnull=True) | Q(valid_until__gt=start))
    certified = Certification.objects.filter(in_window, valid_from__isnull=False)
    kinds: dict[str, set[int]] = {kind: set() for kind in InclusionKind.values}
    for mechanism, certified_kind in (
        (Mechanism.PURCHASE, InclusionKind.SUPPLY),
        (Mechanism.EMPLOYMENT, InclusionKind.JOB),
    ):
        kinds[certified_kind].update(
            certified.filter(
                mechanism=mechanism, beneficiaries__household__isnull=False
            ).values_list("beneficiaries__household_id", flat=True)
        )
    local_start = start.astimezone(months.zone()).date()
    local_end = end.astimezone(months.zone()).date()
    for household_id, kind in HouseholdInclusion.objects.filter(
        date__gte=local_start, date__lt=local_end
    ).values_list("household_id", "kind"):
        kinds[kind].add(household_id)
    # The training app's records (backend/training/figures.py): households of attendees and of
    # confirmed, consented jobs, one set; listed under 培训 (the seam HouseholdInclusion kept).
    kinds[InclusionKind.TRAINING].update(
        training.low_income_household_ids_trained_or_employed(start, end)
    )
    return kinds


def low_income_inclusion(start: dt.datetime, end: dt.datetime) -> Measure:
    year_start = dt.datetime(start.astimezone(months.zone()).year, 1, 1, tzinfo=months.zone())
    members = dict(
        Household.objects.filter(is_active=True, created_at__lt=end).values_list("pk", "members")
    )
    kinds = included_households(year_start, end)
    included: set[int] = set()
    by_kind = {}
    for kind, ids in kinds.items():
        ids = {pk for pk in ids if pk in members}
        included |= ids
        by_kind[kind] = [len(ids), sum(members[pk] for pk in ids)]
    people = sum(members.values())
    included_people = sum(members[pk] for pk in included)
    return percent(included_people, people), {
        "households": len(members),
        "people": people,
        "included_households": len(included),
        "included_people": included_people,
        "by_kind": by_kind,
    }


MEASURES: dict[str, Callable[[dt.datetime, dt.datetime], Measure]] = {
    "poverty_sales": poverty_sales,
    "logistics_coverage": logistics_coverage,
    "weak_village_services": weak_village_services,
    "same_day_delivery": same_day_delivery,
    "trace_entities": trace_entities,
    "training": training_figures,
    "public_brand": public_brand,
    "leading_enterprises": leading_enterprises,
    "retail_growth": retail_growth,
    "low_income_inclusion": low_income_inclusion,
}


def measure(code: str, month: dt.date) -> Measure:
    start, end = months.bounds(month)
    return MEASURES[code](start, end)
