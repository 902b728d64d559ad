"""Story photos with consent: a household's (or a village's) story may carry a photo, kept in
private storage like the evidence documents; /poverty-zone/ shows it only while the photo
consent (and the story's consent) holds, and the photo's address serves it only then, checked
at every request — a consent withdrawn hides it at once, from everyone, and nothing caches it.
Vendors, shoppers and anonymous visitors get a 404 for any photo without consent."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from backend.divisions.models import Village
from backend.poverty import services
from backend.poverty.models import Household, VillageStory
from backend.poverty.seed import demo_photo
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PNG = demo_photo().read()


def png():
    return SimpleUploadedFile("家里.png", PNG, content_type="image/png")


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def storied(zone, private_root):
    household = services.save_household(
        actor=zone.staff,
        household=zone.households[0],
        story="一家三口守着八亩藕塘。",
        story_consent=True,
        photo_consent=True,
    )
    return services.set_story_photo(actor=zone.staff, story=household, upload=png())


def photo_url(household):
    return reverse("storefront:poverty-household-photo", args=[household.pk])


def visitors(zone):
    """An anonymous visitor, a shopper and the vendor's owner, each with a browser."""
    shopper, vendor = Client(), Client()
    shopper.force_login(UserFactory())
    vendor.force_login(zone.owner)
    return {"anonymous": Client(), "shopper": shopper, "vendor": vendor}


def test_with_consent_the_zone_shows_the_photo_from_private_storage(zone, storied, settings):
    page = Client().get("/poverty-zone/").content.decode()
    assert f'src="{photo_url(storied)}"' in page
    assert "示例图片：虚构人家，仅作演示" in page  # the fixture's households are fictional
    response = Client().get(photo_url(storied))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert response["Cache-Control"] == "no-store"
    # Stored privately under a neutral name, outside the public media root.
    assert str(storied.photo.path).startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not str(storied.photo.path).startswith(str(settings.MEDIA_ROOT))
    assert "家里" not in storied.photo.name


def test_withdrawing_the_photo_consent_hides_it_at_once_for_everyone(zone, storied):
    url = photo_url(storied)
    assert Client().get(url).status_code == 200
    services.save_household(actor=zone.staff, household=storied, photo_consent=False)
    assert url not in Client().get("/poverty-zone/").content.decode()
    for name, client in visitors(zone).items():
        assert client.get(url).status_code == 404, name
    # The story stays (its consent holds); the photo is kept privately for the county office.
    page = Client().get("/poverty-zone/").content.decode()
    assert "一家三口守着八亩藕塘" in page
    assert Household.objects.get(pk=storied.pk).photo


def test_withdrawing_the_story_consent_hides_story_and_photo(zone, storied):
    services.save_household(actor=zone.staff, household=storied, story_consent=False)
    page = Client().get("/poverty-zone/").content.decode()
    assert "一家三口守着八亩藕塘" not in page and photo_url(storied) not in page
    assert Client().get(photo_url(storied)).status_code == 404


def test_a_photo_without_consent_is_never_shown_nor_served(zone, private_root):
    household = services.save_household(
        actor=zone.staff,
        household=zone.households[1],
        story="夫妻俩在粉丝厂上班。",
        story_consent=True,
        photo_consent=False,
    )
    services.set_story_photo(actor=zone.staff, story=household, upload=png())
    page = Client().get("/poverty-zone/").content.decode()
    assert "夫妻俩在粉丝厂上班" in page and photo_url(household) not in page
    assert "zone-story-photo" not in page
    for name, client in visitors(zone).items():
        assert client.get(photo_url(household)).status_code == 404, name


def test_a_village_story_photo_follows_the_villages_photo_consent(zone, private_root):
    village = Village.objects.get(pk=zone.village.pk)
    story = VillageStory.objects.create(
        village=village, title="薄弱村：一池好藕", story="村里的藕卖到了全国。", consent=True
    )
    services.set_story_photo(actor=zone.staff, story=story, upload=png())
    url = reverse("storefront:poverty-village-photo", args=[story.pk])
    assert url not in Client().get("/poverty-zone/").content.decode()
    assert Client().get(url).status_code == 404
    VillageStory.objects.filter(pk=story.pk).update(photo_consent=True)
    assert f'src="{url}"' in Client().get("/poverty-zone/").content.decode()
    assert Client().get(url).status_code == 200
    VillageStory.objects.filter(pk=story.pk).update(consent=False)
    assert Client().get(url).status_code == 404


def test_only_images_checked_by_content_and_only_by_county_staff(zone, private_root):
    household = zone.households[2]
    for upload in (
        SimpleUploadedFile("a.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        SimpleUploadedFile("a.png", b"not an image at all", content_type="image/png"),
    ):
        with pytest.raises(ValidationError) as error:
            services.set_story_photo(actor=zone.staff, story=household, upload=upload)
        assert error.value.error_dict["photo"][0].code == "INVALID_FILE"
    with pytest.raises(ValidationError) as error:
        services.set_story_photo(actor=zone.owner, story=household, upload=png())
    assert error.value.error_list[0].code == "PERMISSION_DENIED"
    assert not Household.objects.get(pk=household.pk).photo
    assert not list(private_root.rglob("*.png")) if private_root.exists() else True


def test_removing_the_photo_deletes_the_private_file(zone, storied):
    path = storied.photo.path
    services.set_story_photo(actor=zone.staff, story=storied, upload=None)
    assert not Household.objects.get(pk=storied.pk).photo
    import os

    assert not os.path.exists(path)
    assert Client().get(photo_url(storied)).status_code == 404
