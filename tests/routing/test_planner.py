"""The routing case table (issue #4): what the planner decides for each kind of order.

The network: the county centre C (cold chain) over town A (station TA, cold chain; village
stations VA1 and VA2) and town B (station TB; village station VB1, no cold chain). Warehouses:
1 the county centre's (cold), 2 a producer in town A, 3 a cold store in town B, 4 a producer in
town B. Orders are placed on Monday 2026-11-30 at 08:00 Asia/Shanghai unless a case says
otherwise; vans leave the county centre at 10:00 and 15:00, reach the town stations an hour
later, village stations 45 minutes after that; parcels take an hour to prepare.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

import pytest

from backend.routing.planner import (
    Delivery,
    Destination,
    FulfilmentPlan,
    LegKind,
    LineInput,
    Network,
    Schedule,
    StationNode,
    WarehouseStock,
    plan_fulfilment,
)

ZONE = ZoneInfo("Asia/Shanghai")
C = StationNode("C", "county", None, cold_chain=True, name="县级分拨中心")
TA = StationNode("TA", "town", "A", cold_chain=True, name="甲镇中转站")
TB = StationNode("TB", "town", "B", cold_chain=False, name="乙镇中转站")
VA1 = StationNode("VA1", "village", "A", cold_chain=False, name="甲一村站")
VA2 = StationNode("VA2", "village", "A", cold_chain=True, name="甲二村站")
VB1 = StationNode("VB1", "village", "B", cold_chain=False, name="乙一村站")
NETWORK = Network(county_centre=C, stations=(TA, TB, VA1, VA2, VB1))
SCHEDULE = Schedule()

DC, A_FARM, B_COLD, B_FARM = 1, 2, 3, 4
WAREHOUSES = {
    DC: dict(town_code=None, is_county_centre=True, is_cold_chain=True, name="分拨中心仓"),
    A_FARM: dict(town_code="A", is_county_centre=False, is_cold_chain=False, name="甲镇农场"),
    B_COLD: dict(town_code="B", is_county_centre=False, is_cold_chain=True, name="乙镇冷库"),
    B_FARM: dict(town_code="B", is_county_centre=False, is_cold_chain=False, name="乙镇作坊"),
}
RICE, SHRIMP = 100, 200  # variant ids; shrimp needs the cold chain


def stocks(**by_warehouse: dict[int, int]) -> list[WarehouseStock]:
    """stocks(w1={RICE: 5}) → warehouse 1 holds 5 rice."""
    return [
        WarehouseStock(warehouse_id=int(key[1:]), available=available, **WAREHOUSES[int(key[1:])])
        for key, available in by_warehouse.items()
    ]


def line(id: str, variant: int, quantity: int) -> LineInput:
    return LineInput(id, variant, quantity, needs_cold_chain=variant == SHRIMP)


def pickup(station: StationNode) -> Destination:
    return Destination(Delivery.PICKUP, station.code, station.town_code)


def home(station: StationNode) -> Destination:
    return Destination(Delivery.HOME_DELIVERY, station.code, station.town_code)


EXPRESS = Destination(Delivery.EXPRESS)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=ZONE)


@dataclass
class Case:
    name: str
    lines: list[LineInput]
    stocks: list[WarehouseStock]
    destination: Destination
    # Each parcel: (warehouse, ((line, qty), ...), [(kind, from, to, "dd HH:MM", "dd HH:MM")],
    # promised day of November).
    parcels: list[tuple] = field(default_factory=list)
    hold: str | None = None  # a phrase the hold reason contains
    ordered_at: dt.datetime = field(default_factory=lambda: at(30, 8))
    reason: str | None = None  # a phrase the first parcel's reason contains


CASES = [
    Case(
        "county_centre_source_to_village_pickup",
        [line("l1", RICE, 2)],
        stocks(w1={RICE: 10}),
        pickup(VB1),
        [
            (
                DC,
                (("l1", 2),),
                [
                    (LegKind.TO_TOWN, "C", "TB", "30 10:00", "30 11:00"),
                    (LegKind.TO_VILLAGE, "TB", "VB1", "30 11:00", "30 11:45"),
                ],
                30,
            )
        ],
        reason="县级分拨中心有货",
    ),
    Case(
        "same_town_goes_straight_to_village_station",
        [line("l1", RICE, 2)],
        stocks(w2={RICE: 10}),
        pickup(VA1),
        [(A_FARM, (("l1", 2),), [(LegKind.TO_VILLAGE, "TA", "VA1", "30 11:00", "30 11:45")], 30)],
        reason="不经县级分拨中心",
    ),
    Case(
        "same_town_warehouse_preferred_over_county_centre",
        [line("l1", RICE, 2)],
        stocks(w1={RICE: 10}, w2={RICE: 10}),
        pickup(VA1),
        [(A_FARM, (("l1", 2),), [(LegKind.TO_VILLAGE, "TA", "VA1", "30 11:00", "30 11:45")], 30)],
        reason="同一乡镇",
    ),
    Case(
        "county_centre_preferred_over_another_town",
        [line("l1", RICE, 2)],
        stocks(w4={RICE: 10}, w1={RICE: 10}),
        pickup(VA1),
        [
            (
                DC,
                (("l1", 2),),
                [
                    (LegKind.TO_TOWN, "C", "TA", "30 10:00", "30 11:00"),
                    (LegKind.TO_VILLAGE, "TA", "VA1", "30 11:00", "30 11:45"),
                ],
                30,
            )
        ],
    ),
    Case(
        "another_town_goes_through_county_centre_same_day",
        [line("l1", RICE, 2)],
        stocks(w4={RICE: 10}),
        pickup(VA1),
        [
            (
                B_FARM,
                (("l1", 2),),
                [
                    (LegKind.TO_COUNTY, "TB", "C", "30 11:00", "30 12:00"),
                    (LegKind.TO_TOWN, "C", "TA", "30 15:00", "30 16:00"),
                    (LegKind.TO_VILLAGE, "TA", "VA1", "30 16:00", "30 16:45"),
                ],
                30,
            )
        ],
    ),
    Case(
        "lower_warehouse_id_breaks_a_tie",
        [line("l1", RICE, 2)],
        stocks(w4={RICE: 10}, w3={RICE: 10}),
        pickup(VA1),
        [
            (
                B_COLD,
                (("l1", 2),),
                [
                    (LegKind.TO_COUNTY, "TB", "C", "30 11:00", "30 12:00"),
                    (LegKind.TO_TOWN, "C", "TA", "30 15:00", "30 16:00"),
                    (LegKind.TO_VILLAGE, "TA", "VA1", "30 16:00", "30 16:45"),
                ],
                30,
            )
        ],
    ),
    Case(
        "pickup_at_town_station_ends_there",
        [line("l1", RICE, 1)],
        stocks(w1={RICE: 10}),
        pickup(TB),
        [(DC, (("l1", 1),), [(LegKind.TO_TOWN, "C", "TB", "30 10:00", "30 11:00")], 30)],
    ),
    Case(
        "same_town_pickup_at_town_station_needs_no_leg",
        [line("l1", RICE, 1)],
        stocks(w2={RICE: 10}),
        pickup(TA),
        [(A_FARM, (("l1", 1),), [], 30)],
    ),
    Case(
        "home_delivery_ends_with_the_last_mile",
        [line("l1", RICE, 1)],
        stocks(w1={RICE: 10}),
        home(VB1),
        [
            (
                DC,
                (("l1", 1),),
                [
                    (LegKind.TO_TOWN, "C", "TB", "30 10:00", "30 11:00"),
                    (LegKind.TO_VILLAGE, "TB", "VB1", "30 11:00", "30 11:45"),
                    (LegKind.TO_SHOPPER, "VB1", None, "30 11:45", "30 12:45"),
                ],
                30,
            )
        ],
    ),
    Case(
        "express_from_a_town_goes_to_the_courier_at_the_county_centre",
        [line("l1", RICE, 1)],
        stocks(w2={RICE: 10}),
        EXPRESS,
        [
            (
                A_FARM,
                (("l1", 1),),
                [
                    (LegKind.TO_COUNTY, "TA", "C", "30 11:00", "30 12:00"),
                    (LegKind.TO_COURIER, "C", None, "30 15:00", "30 15:00"),
                ],
                30,
            )
        ],
        reason="快递发往县外",
    ),
    Case(
        "express_from_the_county_centre_leaves_with_the_next_run",
        [line("l1", RICE, 1)],
        stocks(w1={RICE: 10}, w2={RICE: 10}),
        EXPRESS,
        [(DC, (("l1", 1),), [(LegKind.TO_COURIER, "C", None, "30 10:00", "30 10:00")], 30)],
    ),
    Case(
        "partial_stock_is_split_into_parcels",
        [line("l1", RICE, 5)],
        stocks(w1={RICE: 3}, w4={RICE: 2}),
        pickup(TA),
        [
            (DC, (("l1", 3),), [(LegKind.TO_TOWN, "C", "TA", "30 10:00", "30 11:00")], 30),
            (
                B_FARM,
                (("l1", 2),),
                [
                    (LegKind.TO_COUNTY, "TB", "C", "30 11:00", "30 12:00"),
                    (LegKind.TO_TOWN, "C", "TA", "30 15:00", "30 16:00"),
                ],
                30,
            ),
        ],
    ),
    Case(
        "fewest_parcels_beats_the_preferred_warehouse",
        [line("l1", RICE, 1), line("l2", 101, 1)],
        stocks(w1={RICE: 5}, w2={RICE: 5}, w4={RICE: 5, 101: 5}),
        pickup(TA),
        [
            (
                B_FARM,
                (("l1", 1), ("l2", 1)),
                [
                    (LegKind.TO_COUNTY, "TB", "C", "30 11:00", "30 12:00"),
                    (LegKind.TO_TOWN, "C", "TA", "30 15:00", "30 16:00"),
                ],
                30,
            )
        ],
    ),
    Case(
        "two_lines_from_two_warehouses_make_two_parcels",
        [line("l1", RICE, 1), line("l2", 101, 1)],
        stocks(w2={RICE: 5}, w1={101: 5}),
        pickup(TA),
        [
            (A_FARM, (("l1", 1),), [], 30),
            (DC, (("l2", 1),), [(LegKind.TO_TOWN, "C", "TA", "30 10:00", "30 11:00")], 30),
        ],
    ),
    Case(
        "cold_chain_line_ships_only_from_a_cold_warehouse",
        [line("l1", SHRIMP, 2)],
        stocks(w2={SHRIMP: 10}, w1={SHRIMP: 10}),
        pickup(VA2),
        [
            (
                DC,
                (("l1", 2),),
                [
                    (LegKind.TO_TOWN, "C", "TA", "30 10:00", "30 11:00"),
                    (LegKind.TO_VILLAGE, "TA", "VA2", "30 11:00", "30 11:45"),
                ],
                30,
            )
        ],
    ),
    Case(
        "cold_chain_through_a_station_without_it_is_held",
        [line("l1", SHRIMP, 2)],
        stocks(w1={SHRIMP: 10}),
        pickup(VB1),
        hold="不具备冷链能力",
    ),
    Case(
        "cold_chain_stock_only_in_plain_warehouses_is_held",
        [line("l1", SHRIMP, 2)],
        stocks(w2={SHRIMP: 10}),
        pickup(TA),
        hold="需要冷链",
    ),
    Case(
        "no_stock_anywhere_holds_the_order",
        [line("l1", RICE, 2), line("l2", 101, 1)],
        stocks(w1={RICE: 5}),
        pickup(TA),
        hold="订单行 l2 在所有仓库的可用库存只有 0 件",
    ),
    Case(
        "not_enough_stock_in_total_holds_the_order",
        [line("l1", RICE, 9)],
        stocks(w1={RICE: 5}, w2={RICE: 3}),
        pickup(TA),
        hold="只有 8 件（需要 9 件）",
    ),
    Case(
        "ready_after_the_last_run_leaves_the_next_day",
        [line("l1", RICE, 1)],
        stocks(w1={RICE: 10}),
        pickup(VB1),
        [
            (
                DC,
                (("l1", 1),),
                [
                    (LegKind.TO_TOWN, "C", "TB", "01 10:00", "01 11:00"),
                    (LegKind.TO_VILLAGE, "TB", "VB1", "01 11:00", "01 11:45"),
                ],
                1,
            )
        ],
        ordered_at=at(30, 14, 30),
    ),
    Case(
        "ready_before_the_afternoon_run_leaves_the_same_day",
        [line("l1", RICE, 1)],
        stocks(w1={RICE: 10}),
        pickup(TB),
        [(DC, (("l1", 1),), [(LegKind.TO_TOWN, "C", "TB", "30 15:00", "30 16:00")], 30)],
        ordered_at=at(30, 14, 0),
    ),
    Case(
        "voucher_only_order_has_no_parcel",
        [line("l1", 300, 1)],
        stocks(),
        Destination(Delivery.NONE),
    ),
    Case(
        "destination_station_outside_the_active_network_is_held",
        [line("l1", RICE, 1)],
        stocks(w1={RICE: 10}),
        Destination(Delivery.PICKUP, "GONE", "A"),
        hold="GONE",
    ),
]


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(ZONE).strftime("%d %H:%M")


def summary(plan: FulfilmentPlan) -> list[tuple]:
    return [
        (
            parcel.warehouse_id,
            parcel.lines,
            [
                (
                    leg.kind,
                    leg.from_station,
                    leg.to_station,
                    _local(leg.departs_at),
                    _local(leg.arrives_at),
                )
                for leg in parcel.legs
            ],
            parcel.promised_date.day,
        )
        for parcel in plan.parcels
    ]


def run(case: Case, **overrides) -> FulfilmentPlan:
    arguments = dict(
        lines=case.lines,
        stocks=case.stocks,
        destination=case.destination,
        network=NETWORK,
        ordered_at=case.ordered_at,
        schedule=SCHEDULE,
    )
    arguments.update(overrides)
    return plan_fulfilment(**arguments)


def test_the_table_has_enough_cases():
    assert len(CASES) >= 12
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_routing_case(case: Case):
    plan = run(case)
    assert summary(plan) == case.parcels
    if case.hold is None:
        assert plan.hold_reason is None
    else:
        assert plan.hold_reason is not None and case.hold in plan.hold_reason
        assert plan.parcels == ()
    if case.reason is not None:
        assert case.reason in plan.parcels[0].reason
    for parcel in plan.parcels:
        assert parcel.reason  # every decision explains itself


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_same_inputs_give_the_same_plan_in_any_order(case: Case):
    expected = run(case)
    shuffler = random.Random(case.name)
    for _ in range(5):
        lines = list(case.lines)
        warehouse_stocks = list(case.stocks)
        stations = list(NETWORK.stations)
        shuffler.shuffle(lines)
        shuffler.shuffle(warehouse_stocks)
        shuffler.shuffle(stations)
        network = replace(NETWORK, stations=tuple(stations))
        assert run(case, lines=lines, stocks=warehouse_stocks, network=network) == expected


def test_ordered_at_in_utc_plans_on_local_runs():
    case = CASES[0]
    plan = run(case, ordered_at=at(30, 8).astimezone(dt.UTC))
    assert summary(plan) == case.parcels


def test_naive_order_time_is_refused():
    with pytest.raises(ValueError):
        run(CASES[0], ordered_at=dt.datetime(2026, 11, 30, 8, 0))


def test_schedule_from_settings_sorts_runs_and_reads_minutes():
    schedule = Schedule.from_settings(["15:30", " 09:00"], {"prepare": 30, "trunk": 40})
    assert schedule.dispatch_runs == (dt.time(9, 0), dt.time(15, 30))
    assert schedule.next_run(at(30, 9, 1)) == at(30, 15, 30)
    # The van reaches a town station 40 minutes after each run: 16:10 today, then 09:40.
    assert schedule.next_run(at(30, 16, 10), offset_minutes=40) == at(30, 16, 10)
    tomorrow = dt.datetime(2026, 12, 1, 9, 40, tzinfo=ZONE)
    assert schedule.next_run(at(30, 16, 11), offset_minutes=40) == tomorrow
