"""A broken seed is refused as a whole: every problem named by file, key path and reason, and
nothing written. Uses the real seed files (a temp copy), the real JSON Schemas, the real
`seed_catalog` command and a real PostgreSQL database."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from backend.catalog.models import Attribute, Category, Product, ProductVariant
from backend.channel.models import Channel
from backend.inventory.models import Warehouse
from backend.vendors.models import Vendor

pytestmark = pytest.mark.django_db

RICE = ("products/grain-oil.yaml", 0)  # 东王集大米 is the first product of that file.


def run_seed_expecting_failure(seed_dir) -> str:
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("seed_catalog", path=seed_dir, stdout=io.StringIO(), stderr=stderr)
    return stderr.getvalue()


def assert_nothing_written() -> None:
    for model in (Channel, Category, Attribute, Vendor, Warehouse, Product, ProductVariant):
        assert model.objects.count() == 0, model


def assert_reported(output: str, *fragments: str) -> None:
    line = next((ln for ln in output.splitlines() if all(f in ln for f in fragments)), None)
    assert line is not None, f"no line with {fragments} in:\n{output}"


def test_unknown_category_is_reported_with_file_key_and_reason(edit_seed):
    seed = edit_seed(RICE[0], lambda d: d["products"][0].update(category="no-such-category"))
    output = run_seed_expecting_failure(seed)
    assert_reported(
        output, "products/grain-oil.yaml", "products[0].category", "未知的分类", "no-such-category"
    )
    assert_nothing_written()


def test_unknown_vendor_is_reported(edit_seed):
    seed = edit_seed(RICE[0], lambda d: d["products"][0].update(vendor="ghost-coop"))
    output = run_seed_expecting_failure(seed)
    assert_reported(output, "products/grain-oil.yaml", "products[0].vendor", "未知的商家")
    assert_nothing_written()


def test_unknown_attribute_is_reported(edit_seed):
    seed = edit_seed(RICE[0], lambda d: d["products"][0]["attributes"].update({"colour": "白色"}))
    output = run_seed_expecting_failure(seed)
    assert_reported(
        output, "products/grain-oil.yaml", "products[0].attributes.colour", "未知的属性"
    )
    assert_nothing_written()


def test_attribute_not_of_the_product_type_is_reported(edit_seed):
    seed = edit_seed(RICE[0], lambda d: d["products"][0]["attributes"].update({"alcohol": 40}))
    output = run_seed_expecting_failure(seed)
    assert_reported(output, "products[0].attributes.alcohol", "不是该商品类型的商品属性")
    assert_nothing_written()


def test_unknown_dropdown_value_is_reported(edit_seed):
    seed = edit_seed(RICE[0], lambda d: d["products"][0]["attributes"].update({"origin": "火星镇"}))
    output = run_seed_expecting_failure(seed)
    assert_reported(output, "products[0].attributes.origin", "火星镇", "不是属性")
    assert_nothing_written()


def test_unknown_warehouse_in_stock_is_reported(edit_seed):
    def change(data):
        data["products"][0]["variants"][0]["stock"]["moon-base"] = 5

    output = run_seed_expecting_failure(edit_seed(RICE[0], change))
    assert_reported(output, "products[0].variants[0].stock.moon-base", "未知的仓库")
    assert_nothing_written()


def test_duplicate_sku_across_files_is_reported_with_first_occurrence(edit_seed):
    def change(data):
        data["products"][0]["variants"][0]["sku"] = "SC-SOY-500ML"  # 双程酱油's SKU

    output = run_seed_expecting_failure(edit_seed(RICE[0], change))
    assert_reported(output, "products[0].variants[0].sku", "重复的SKU", "SC-SOY-500ML")
    assert_nothing_written()


def test_negative_price_is_reported(edit_seed):
    def change(data):
        data["products"][0]["variants"][1]["prices"]["guanyun"]["price"] = "-1.00"

    output = run_seed_expecting_failure(edit_seed(RICE[0], change))
    assert_reported(
        output,
        "products/grain-oil.yaml",
        "products[0].variants[1].prices.guanyun.price",
        "价格不能为负数",
    )
    assert_nothing_written()


def test_village_not_in_the_county_is_reported(edit_seed):
    seed = edit_seed("vendors.yaml", lambda d: d["vendors"][0].update(village="不存在村"))
    output = run_seed_expecting_failure(seed)
    assert_reported(output, "vendors.yaml", "vendors[0].village", "不存在村", "不属于东王集镇")
    assert_nothing_written()


def test_town_not_in_the_county_is_reported(edit_seed):
    seed = edit_seed("warehouses.yaml", lambda d: d["warehouses"][0].update(town="外县镇"))
    output = run_seed_expecting_failure(seed)
    assert_reported(output, "warehouses.yaml", "warehouses[0].town", "不在 county.yaml")
    assert_nothing_written()


def test_schema_violation_is_reported_in_chinese(edit_seed):
    seed = edit_seed("categories.yaml", lambda d: d["categories"][0].pop("name"))
    output = run_seed_expecting_failure(seed)
    assert_reported(output, "categories.yaml", "categories[0]", "缺少必填项", "name")
    assert_nothing_written()


def test_unknown_key_is_reported(edit_seed):
    seed = edit_seed("vendors.yaml", lambda d: d["vendors"][1].update(website="x"))
    output = run_seed_expecting_failure(seed)
    assert_reported(output, "vendors.yaml", "vendors[1]", "不认识的键", "website")
    assert_nothing_written()


def test_collection_with_unknown_product_is_reported(edit_seed):
    seed = edit_seed("collections.yaml", lambda d: d["collections"][0]["products"].append("x"))
    output = run_seed_expecting_failure(seed)
    assert_reported(output, "collections.yaml", "collections[0].products[4]", "未知的商品")
    assert_nothing_written()


def test_image_that_is_not_an_image_is_reported(seed_copy):
    (seed_copy / "images" / "dongwangji-rice.jpg").write_bytes(b"%PDF-1.4 not a picture")
    output = run_seed_expecting_failure(seed_copy)
    assert_reported(
        output, "products/grain-oil.yaml", "products[0].images[0].file", "INVALID_IMAGE"
    )
    assert_nothing_written()


def test_missing_image_file_is_reported(seed_copy):
    (seed_copy / "images" / "dongwangji-rice.jpg").unlink()
    output = run_seed_expecting_failure(seed_copy)
    assert_reported(output, "products[0].images[0].file", "图片文件不存在")
    assert_nothing_written()


def test_yaml_syntax_error_is_reported_with_line(seed_copy):
    (seed_copy / "vendors.yaml").write_text("vendors:\n  - slug: [unclosed\n", "utf-8")
    output = run_seed_expecting_failure(seed_copy)
    assert_reported(output, "vendors.yaml", "line", "YAML 语法错误")
    assert_nothing_written()


def test_every_problem_is_reported_in_one_run(edit_seed):
    edit_seed("vendors.yaml", lambda d: d["vendors"][0].update(village="不存在村"))
    seed = edit_seed(RICE[0], lambda d: d["products"][0].update(category="nope"))
    output = run_seed_expecting_failure(seed)
    assert "vendors[0].village" in output
    assert "products[0].category" in output


def test_validate_only_writes_nothing_for_a_good_seed(seed_copy):
    stdout = io.StringIO()
    call_command("seed_catalog", path=seed_copy, validate_only=True, stdout=stdout)
    assert "校验通过" in stdout.getvalue()
    assert_nothing_written()
