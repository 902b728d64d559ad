"""The dashboard over the stored months: values as of a month, status, pages and who may see
them, exports that open, the command's lines, GraphQL, the seed's demonstration history and
the incremental refresh."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission as DjangoPermission
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from backend.account.jwt import create_access_token
from backend.targets import months
from backend.targets.aggregate import refresh, refresh_month
from backend.targets.definitions import Period, Plan, Status, Target, plan
from backend.targets.models import TargetMonth
from backend.targets.seed import seed_demo_history
from backend.targets.selectors import figure, status_of
from backend.vendors.models import VendorRole, VendorStaff
from tests.conftest import GraphQLClient
from tests.factories import ChannelFactory, UserFactory, VendorFactory
from tests.targets.conftest import county_staff, local, order_at

PLAN = Plan(programme_start=dt.date(2025, 1, 1), programme_end=dt.date(2027, 12, 31), targets=())


def _target(period: str, target: str = "1200", unit: str = "元") -> Target:
    return Target(
        number=1,
        code="poverty_sales",
        title="t",
        unit=unit,
        target=Decimal(target),
        period=period,
        source="",
    )


def test_status_of_a_year_target_is_pro_rata_of_the_months_passed():
    yearly = _target(Period.YEAR)
    june = dt.date(2026, 6, 1)
    assert status_of(yearly, Decimal("1200"), june, PLAN) == Status.MET
    assert status_of(yearly, Decimal("600"), june, PLAN) == Status.ON_TRACK  # 6/12 reached
    assert status_of(yearly, Decimal("599"), june, PLAN) == Status.BEHIND
    assert status_of(yearly, None, june, PLAN) == Status.NO_DATA


def test_levels_and_rates_are_met_or_behind():
    level = _target(Period.LEVEL, "50", "%")
    assert status_of(level, Decimal("50"), dt.date(2026, 12, 1), PLAN) == Status.MET
    assert status_of(level, Decimal("49.9"), dt.date(2026, 1, 1), PLAN) == Status.BEHIND


def _store(code: str, month: dt.date, value: str, **detail) -> None:
    TargetMonth.objects.create(target_code=code, month=month, value=Decimal(value), detail=detail)


@pytest.mark.django_db
def test_year_targets_add_up_from_january_and_growth_compares_the_same_months():
    _store("poverty_sales", dt.date(2025, 12, 1), "900")
    _store("poverty_sales", dt.date(2026, 1, 1), "100")
    _store("poverty_sales", dt.date(2026, 2, 1), "50")
    assert figure("poverty_sales", dt.date(2026, 2, 1)).value == Decimal("150")
    assert figure("poverty_sales", dt.date(2025, 12, 1)).value == Decimal("900")

    for month, value in (((2025, 1), "100"), ((2025, 2), "100"), ((2026, 1), "120")):
        _store("retail_growth", dt.date(*month, 1), value)
    _store("retail_growth", dt.date(2026, 2, 1), "130")
    growth = figure("retail_growth", dt.date(2026, 2, 1))
    assert growth.value == Decimal("25.0")  # 250 against 200
    assert growth.status == Status.MET


@pytest.mark.django_db
def test_training_counts_since_the_programme_with_jobs_beside():
    _store("training", dt.date(2024, 12, 1), "999", jobs=999)  # before the programme
    _store("training", dt.date(2025, 1, 1), "2000", jobs=1000)
    _store("training", dt.date(2026, 1, 1), "1000", jobs=500)
    shown = figure("training", dt.date(2026, 1, 1))
    assert (shown.value, shown.secondary_value) == (Decimal("3000"), Decimal("1500"))
    # 13 of the programme's 36 months: 5000 × 13/36 ≈ 1806 and 3000 × 13/36 ≈ 1083.
    assert shown.status == Status.ON_TRACK


@pytest.mark.django_db
def test_a_refresh_replaces_demo_months_and_recomputes_months_whose_orders_changed():
    seed_demo_history(24)
    current = months.current_month()
    old = months.add_months(current, -5)
    assert TargetMonth.objects.filter(month=old, is_demo=True).count() == 10
    refresh_month(current)
    order = order_at(ChannelFactory(), months.bounds(old)[0] + dt.timedelta(days=2), "88.00")

    done = refresh()
    # The changed month and every later one (their year-to-date figures include it).
    assert done == months.months_between(old, current)
    row = TargetMonth.objects.get(target_code="retail_growth", month=old)
    assert (row.value, row.is_demo) == (Decimal("88.00"), False)
    assert TargetMonth.objects.get(target_code="poverty_sales", month=old).is_demo is False
    assert order.pk


@pytest.mark.django_db
def test_demo_history_is_idempotent_and_marked():
    created = seed_demo_history(24)
    assert created == 10 * 23 + 12  # 23 past months each, growth a year more
    assert seed_demo_history(24) == 0
    assert not TargetMonth.objects.filter(is_demo=False).exists()


@pytest.fixture
def demo(db):
    seed_demo_history(24)
    refresh_month(months.current_month())


def _vendor_staff():
    user = UserFactory()
    VendorStaff.objects.create(vendor=VendorFactory(), user=user, role=VendorRole.OWNER)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["shopper", "vendor", "staff_without_permission"])
def test_only_county_office_staff_open_the_dashboard(client, who):
    user = {
        "shopper": UserFactory,
        "vendor": _vendor_staff,
        "staff_without_permission": lambda: UserFactory(is_staff=True),
    }[who]()
    client.force_login(user)
    for url in (
        "/county/targets/",
        "/county/targets/poverty_sales/",
        "/county/targets/poverty_sales/export.csv",
        "/county/targets/report.xlsx",
        "/county/targets/summary.pdf",
    ):
        assert client.get(url).status_code == 403, url


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/county/targets/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dashboard/login/")


@pytest.mark.django_db
def test_summary_shows_all_ten_with_status_and_demo_mark(client, demo):
    client.force_login(county_staff())
    response = client.get("/county/targets/")
    page = response.content.decode()
    assert response.status_code == 200
    for target in plan().targets:
        assert f'id="target-{target.code}"' in page
        assert target.title in page
    assert "示例数据" in page
    assert page.count('class="spark"') == 10


@pytest.mark.django_db
def test_target_page_has_a_chart_against_the_target_and_a_paginated_table(client, demo):
    client.force_login(county_staff())
    response = client.get("/county/targets/retail_growth/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<svg class="chart"' in page and 'class="target-line"' in page
    assert page.count("<rect ") >= 20  # 24 months of bars (months without data draw none)
    assert "同比增长(%)" in page
    assert "targets/dashboard.css" in page  # readable on a phone, printable (@media print)


@pytest.mark.django_db
def test_a_bad_month_is_a_400_page_not_a_500(client, demo):
    client.force_login(county_staff())
    for month in ("2026-13", "nonsense", "2999-01"):
        response = client.get("/county/targets/", {"month": month})
        assert response.status_code == 400
        assert "YYYY-MM" in response.content.decode()
    assert client.get("/county/targets/unknown/").status_code == 404


@pytest.mark.django_db
def test_exports_open(client, demo):
    client.force_login(county_staff())
    month = months.label(months.current_month())
    book = load_workbook(io.BytesIO(client.get("/county/targets/report.xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "月份" and "扶贫产品网络销售额(元)" in rows[0]
    assert len(rows) == 25 and rows[-1][0] == month

    text = client.get("/county/targets/report.csv").content.decode("utf-8-sig")
    assert next(iter(csv.reader(io.StringIO(text))))[0] == "月份"

    sheet = load_workbook(
        io.BytesIO(client.get("/county/targets/retail_growth/export.xlsx").content)
    ).active
    assert next(sheet.iter_rows(values_only=True))[0] == "月份"
    per_target = client.get("/county/targets/training/export.csv").content.decode("utf-8-sig")
    assert next(iter(csv.reader(io.StringIO(per_target))))[1] == "培训人次"

    pdf = client.get("/county/targets/summary.pdf")
    assert pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_public_page_shows_headline_figures_without_personal_data(client, demo):
    response = client.get("/transparency/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "本县电商进展公示" in page and "扶贫产品网络销售额" in page
    assert "GY-" not in page and "138" not in page  # no household reference, no phone


@pytest.mark.django_db
def test_plan_targets_command_prints_one_line_per_target(demo):
    out = io.StringIO()
    call_command("plan_targets", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 10
    code, title, _value, target, status, *_rest = lines[0].split("\t")
    assert (code, title, target) == ("poverty_sales", "扶贫产品网络销售额", "1000000元")
    assert status in {str(s.label) for s in Status}
    with pytest.raises(CommandError):
        call_command("plan_targets", month="2026-13", stdout=io.StringIO())


@pytest.mark.django_db
def test_plan_targets_refresh_computes_the_current_month():
    out = io.StringIO()
    call_command("plan_targets", refresh=True, stdout=out)
    assert "已重新计算 2 个月" in out.getvalue()
    assert TargetMonth.objects.filter(month=months.current_month()).count() == 10


QUERY = """query($month: String) { planTargets(month: $month) {
  code number title unit value target status isDemo period
  secondaryTitle secondaryValue secondaryTarget series { month value isDemo } } }"""


@pytest.mark.django_db
def test_graphql_plan_targets_for_county_staff(client, demo):
    api = GraphQLClient(client, create_access_token(county_staff()))
    data = api.query(QUERY, {"month": months.label(months.current_month())})
    targets = data["planTargets"]
    assert [t["code"] for t in targets] == [t.code for t in plan().targets]
    assert len(targets[0]["series"]) == 24
    assert targets[0]["status"] in {s.name for s in Status}
    training = next(t for t in targets if t["code"] == "training")
    assert (training["number"], training["period"]) == (6, "cumulative")
    assert training["secondaryTitle"] == "带动网络创业就业人数"
    assert Decimal(training["secondaryTarget"]) == 3000
    assert targets[0]["secondaryTitle"] is None


@pytest.mark.django_db
def test_graphql_plan_targets_errors(client):
    body = GraphQLClient(client, create_access_token(UserFactory())).post(QUERY).json()
    assert body["errors"][0]["extensions"]["exception"]["code"] == "PERMISSION_DENIED"
    staff = GraphQLClient(client, create_access_token(county_staff()))
    body = staff.post(QUERY, {"month": "2026-1"}).json()
    error = body["errors"][0]["extensions"]["exception"]
    assert (error["code"], error["field"]) == ("INVALID", "month")


@pytest.mark.django_db
def test_an_order_at_half_past_midnight_on_new_year_lands_in_january_on_the_page(client):
    order_at(ChannelFactory(), local(2026, 1, 1, 0, 30), "100.00")
    refresh_month(dt.date(2026, 1, 1))
    refresh_month(dt.date(2025, 12, 1))
    rows = dict(
        TargetMonth.objects.filter(target_code="retail_growth").values_list("month", "value")
    )
    assert rows == {dt.date(2026, 1, 1): Decimal("100.00"), dt.date(2025, 12, 1): Decimal("0.00")}


@pytest.mark.django_db
def test_the_storefront_footer_links_the_public_page(client):
    ChannelFactory(slug="default-channel")
    page = client.get("/").content.decode()
    assert 'href="/transparency/"' in page and "本县电商进展公示" in page


def _designator():
    user = county_staff()
    user.user_permissions.add(
        DjangoPermission.objects.get(
            codename="designate_enterprises", content_type__app_label="targets"
        )
    )
    return user


@pytest.mark.django_db
def test_county_office_designates_and_revokes_a_leading_enterprise(client):
    from backend.core.models import AuditLogEntry
    from backend.targets.models import LeadingEnterprise
    from backend.vendors.models import VendorStatus

    vendor = VendorFactory(status=VendorStatus.ACTIVE)
    client.force_login(_designator())
    url = "/county/targets/leading_enterprises/designation/"
    today = months.zone_today().isoformat()
    response = client.post(url, {"vendor": vendor.pk, "designated_on": today, "note": "示例"})
    assert response.status_code == 302
    assert LeadingEnterprise.objects.filter(vendor=vendor).exists()
    current = TargetMonth.objects.get(
        target_code="leading_enterprises", month=months.current_month()
    )
    assert current.value == 1  # recomputed at once
    again = client.post(url, {"vendor": vendor.pk, "designated_on": today})
    assert again.status_code == 400 and "已认定" in again.content.decode()
    client.post(url, {"action": "revoke", "vendor": vendor.pk})
    assert not LeadingEnterprise.objects.exists()
    assert AuditLogEntry.objects.filter(action__startswith="targets.").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "form",
    [
        {"vendor": "x", "designated_on": "2026-01-01"},
        {"vendor": "", "designated_on": "2026-01-01"},
        {"vendor": "VENDOR", "designated_on": "2026-02-31"},
        {"vendor": "VENDOR", "designated_on": "2999-01-01"},
        {"action": "revoke", "vendor": "VENDOR"},
    ],
)
def test_a_bad_designation_is_refused_and_writes_nothing(client, form):
    from backend.targets.models import LeadingEnterprise
    from backend.vendors.models import VendorStatus

    vendor = VendorFactory(status=VendorStatus.ACTIVE)
    form = {k: (vendor.pk if v == "VENDOR" else v) for k, v in form.items()}
    client.force_login(_designator())
    response = client.post("/county/targets/leading_enterprises/designation/", form)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not LeadingEnterprise.objects.exists()


@pytest.mark.django_db
def test_viewing_staff_cannot_designate(client):
    vendor = VendorFactory()
    client.force_login(county_staff())
    response = client.post(
        "/county/targets/leading_enterprises/designation/",
        {"vendor": vendor.pk, "designated_on": "2026-01-01"},
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_year_to_date_value_over_demo_months_is_marked_demo():
    TargetMonth.objects.create(
        target_code="poverty_sales", month=dt.date(2026, 1, 1), value=100, is_demo=True
    )
    _store("poverty_sales", dt.date(2026, 2, 1), "50")
    _store("logistics_coverage", dt.date(2026, 2, 1), "80")
    assert figure("poverty_sales", dt.date(2026, 2, 1)).is_demo is True
    assert figure("logistics_coverage", dt.date(2026, 2, 1)).is_demo is False


def test_export_cells_that_look_like_formulas_are_written_as_text():
    from backend.targets.drilldown import Table
    from backend.targets.exports import table_csv, table_xlsx

    table = Table(columns=["商品", "金额"], rows=[["=HYPERLINK(1)", Decimal("-3.00")]])
    text = table_csv(table).decode("utf-8-sig")
    assert next(iter(csv.reader(io.StringIO(text.splitlines()[1]))))[0] == "'=HYPERLINK(1)"
    sheet = load_workbook(io.BytesIO(table_xlsx(table, title="t"))).active
    assert list(sheet.iter_rows(values_only=True))[1] == ("'=HYPERLINK(1)", -3.0)


@pytest.mark.django_db
def test_the_beat_task_refreshes_the_current_and_previous_month():
    from backend.targets.tasks import refresh_plan_targets_task

    assert refresh_plan_targets_task.apply().get() == 2
    assert TargetMonth.objects.filter(month=months.current_month(), is_demo=False).count() == 10


@pytest.mark.django_db
def test_seed_gives_the_office_group_its_permissions_and_a_rerun_changes_nothing():
    from django.contrib.auth.models import Group

    from backend.targets.seed import seed_targets

    first = seed_targets()
    group = Group.objects.get(name="县电商办")
    assert set(group.permissions.values_list("codename", flat=True)) == {
        "view_dashboard",
        "designate_enterprises",
    }
    assert group.user_set.filter(email="county-office@guanyun.example", is_staff=True).exists()
    assert first.total("created") > 240
    again = seed_targets()
    assert again.total("created") == again.total("updated") == 0


def test_the_dashboard_stylesheet_prints_without_the_controls():
    from django.conf import settings

    css = (settings.BASE_DIR / "storefront_theme/static/targets/dashboard.css").read_text()
    assert "@media print" in css and "form.month" in css.split("@media print", 1)[1]


@pytest.mark.django_db
def test_staff_and_public_pages_carry_the_content_security_policy(client, demo):
    client.force_login(county_staff())
    for url in ("/county/targets/", "/county/targets/training/", "/transparency/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
