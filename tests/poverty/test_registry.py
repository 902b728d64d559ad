"""The registry: identity numbers and phones only encrypted at rest and masked in lists, every
full view audit-logged, the roster import all-or-nothing with per-row errors, private papers
only through short-lived signed links, and only county zone staff get in."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from openpyxl import Workbook

from backend.core.models import AuditLogEntry
from backend.core.private_files import signed_url
from backend.poverty import services
from backend.poverty.models import Household
from tests.factories import UserFactory
from tests.poverty.conftest import ID_NUMBERS

pytestmark = pytest.mark.django_db


def test_the_raw_row_holds_no_plain_identity_number_or_phone(zone):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM poverty_household")
        raw = repr(cursor.fetchall())
        cursor.execute("SELECT before::text, after::text FROM core_auditlogentry")
        audit = repr(cursor.fetchall())
    for secret in (*ID_NUMBERS, "13800000000", "13800000001"):
        assert secret not in raw and secret not in audit
    household = Household.objects.get(reference_number="GY-0000")
    assert household.id_number_masked == "11************4477"
    assert household.phone_masked == "138****0000"


def test_a_full_view_is_audit_logged_and_only_for_county_staff(zone):
    household = zone.households[0]
    staff = Client()
    staff.force_login(zone.staff)
    page = staff.get(f"/dashboard/poverty-zone/household/{household.pk}/full/").content.decode()
    assert ID_NUMBERS[0] in page and "13800000000" in page
    entry = AuditLogEntry.objects.get(action="poverty.household_viewed")
    assert entry.actor == zone.staff and entry.object_id == str(household.pk)
    listing = staff.get("/dashboard/poverty/household/").content.decode()
    assert "138****0000" in listing and ID_NUMBERS[0] not in listing
    assert AuditLogEntry.objects.filter(action="poverty.household_viewed").count() == 1
    with pytest.raises(ValidationError):
        services.reveal_household(actor=zone.owner, household=household)


@pytest.mark.parametrize("who", ["anonymous", "shopper", "vendor", "other_staff"])
def test_vendors_shoppers_and_other_staff_get_no_household_page(zone, who):
    client = Client()
    if who == "shopper":
        client.force_login(UserFactory())
    elif who == "vendor":
        client.force_login(zone.owner)
    elif who == "other_staff":
        client.force_login(UserFactory(is_staff=True))
    pk = zone.households[0].pk
    for url in (
        f"/dashboard/poverty-zone/household/{pk}/full/",
        "/dashboard/poverty-zone/report/",
        "/dashboard/poverty-zone/report.csv?table=village",
        "/dashboard/poverty/household/",
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert ID_NUMBERS[0] not in response.content.decode()
    assert not AuditLogEntry.objects.filter(action="poverty.household_viewed").exists()


def _roster(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(services.IMPORT_COLUMNS))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("roster.xlsx", buffer.getvalue())


def test_import_with_a_bad_row_writes_nothing_and_names_row_and_column(zone):
    code = zone.village.code
    result = services.import_households(
        actor=zone.staff,
        file=_roster(
            [
                ["GY-1000", code, "赵四", 3, "320723198501012012", "13912345678", "是", "否"],
                ["GY-1001", code, "钱五", 2, "320723198501012011", "13912345679", "否", "否"],
                ["GY-1002", "999999999999", "孙六", 2, "", "", "", ""],
            ]
        ),
    )
    assert result.created == 0
    assert [(row, column) for row, column, _m in result.errors] == [
        (3, "身份证号"),
        (4, "村区划代码"),
    ]
    assert not Household.objects.filter(reference_number__startswith="GY-1").exists()


def test_import_creates_and_updates_by_reference_number(zone):
    code = zone.village.code
    result = services.import_households(
        actor=zone.staff,
        file=_roster(
            [
                ["GY-1000", code, "赵四", 3, "320723198501012012", "13912345678", "是", "否"],
                ["GY-0000", code, "张一", 5, "", "", "否", "否"],
            ]
        ),
    )
    assert (result.created, result.updated, result.errors) == (1, 1, [])
    assert Household.objects.get(reference_number="GY-0000").members == 5
    created = Household.objects.get(reference_number="GY-1000")
    assert created.phone_masked == "139****5678" and created.story_consent


def test_a_file_that_is_not_xlsx_is_a_typed_error(zone):
    with pytest.raises(ValidationError) as error:
        services.import_households(
            actor=zone.staff, file=SimpleUploadedFile("roster.xlsx", b"not a workbook")
        )
    assert error.value.error_dict["file"][0].code == "INVALID_FILE"


def test_papers_are_served_only_through_a_short_lived_signed_link(zone, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    document = services.add_household_document(
        actor=zone.staff,
        household=zone.households[0],
        upload=SimpleUploadedFile("card.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        title="低收入户认定表",
    )
    url = signed_url(document.file)
    response = Client().get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert response["Cache-Control"] == "private, no-store"
    assert Client().get(url[:-3] + "abc/").status_code == 404  # tampered
    settings.PRIVATE_FILE_URL_MAX_AGE = -1  # every link is now too old
    assert Client().get(url).status_code == 404
    assert not str(document.file.path).startswith(str(settings.MEDIA_ROOT))


def test_staff_record_an_agent_purchase_on_the_dashboard_audited(zone):
    from backend.core.models import AuditLogEntry as Entry
    from backend.poverty.models import HouseholdInclusion

    household = zone.households[0]
    client = Client()
    client.force_login(zone.staff)
    url = f"/dashboard/poverty/household/{household.pk}/change/"
    data = {
        "reference_number": household.reference_number,
        "village": household.village_id,
        "head_name": household.head_name,
        "members": household.members,
        "story": "",
        "is_active": "on",
        "id_number": "",
        "phone": "",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
        "inclusions-TOTAL_FORMS": "1",
        "inclusions-INITIAL_FORMS": "0",
        "inclusions-0-kind": "agent_purchase",
        "inclusions-0-date": "2026-05-01",
        "inclusions-0-note": "服务站代购化肥",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    inclusion = HouseholdInclusion.objects.get(household=household)
    assert (inclusion.kind, inclusion.recorded_by) == ("agent_purchase", zone.staff)
    assert Entry.objects.filter(action="poverty.inclusion_recorded").count() == 1
    household.refresh_from_db()
    assert household.phone_masked == "138****0000"  # an empty phone field keeps the number
