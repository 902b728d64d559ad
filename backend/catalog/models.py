"""The catalog, in Saleor 3's concepts and names.

Product types say what kind of goods a product is and which attributes it carries; products
and their variants (pack sizes, ticket kinds) are listed per channel with tax-inclusive prices.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProductTypeKind(models.TextChoices):
    SPECIALTY = "specialty", _("地方特产")
    PROCESSED_FOOD = "processed_food", _("加工食品")
    TOURISM_VOUCHER = "tourism_voucher", _("文旅票券")
    OTHER = "other", _("其他")


class AttributeInputType(models.TextChoices):
    DROPDOWN = "dropdown", _("下拉选择")
    PLAIN_TEXT = "plain_text", _("文本")
    NUMERIC = "numeric", _("数值")
    BOOLEAN = "boolean", _("是/否")
    DATE = "date", _("日期")


class ProductMediaType(models.TextChoices):
    IMAGE = "IMAGE", _("图片")
    VIDEO = "VIDEO", _("视频")


class CollectionKind(models.TextChoices):
    """Manual collections list the products staff put in; rule collections are recomputed from
    their rule (backend/merchandising/collections.py)."""

    MANUAL = "manual", _("手动")
    RULE = "rule", _("规则")


class ThumbnailFormat(models.TextChoices):
    ORIGINAL = "ORIGINAL", _("原格式")
    WEBP = "WEBP", "WebP"


class SeoFields(models.Model):
    seo_title = models.CharField(_("SEO 标题"), max_length=70, blank=True)
    seo_description = models.CharField(_("SEO 描述"), max_length=300, blank=True)

    class Meta:
        abstract = True


class Category(SeoFields):
    name = models.CharField(_("名称"), max_length=250)
    slug = models.SlugField(_("标识"), max_length=255, unique=True, allow_unicode=True)
    description = models.JSONField(_("描述"), blank=True, default=dict)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级分类"),
        null=True,
        blank=True,
        related_name="children",
        on_delete=models.CASCADE,
    )
    level = models.PositiveSmallIntegerField(_("层级"), default=0, editable=False)
    sort_order = models.IntegerField(_("排序"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("商品分类")
        verbose_name_plural = _("商品分类")
        ordering = ["sort_order", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.level = self.parent.level + 1 if self.parent_id and self.parent else 0
        super().save(*args, **kwargs)


class ProductType(models.Model):
    name = models.CharField(_("名称"), max_length=250)
    slug = models.SlugField(_("标识"), max_length=255, unique=True, allow_unicode=True)
    kind = models.CharField(
        _("种类"), max_length=32, choices=ProductTypeKind.choices, default=ProductTypeKind.SPECIALTY
    )
    has_variants = models.BooleanField(_("有多个规格"), default=True)
    is_shipping_required = models.BooleanField(_("需要配送"), default=True)
    weight_grams = models.PositiveIntegerField(_("默认重量（克）"), null=True, blank=True)
    # China VAT: 9% for primary agricultural goods, 13% for processed goods, 6% for tourism
    # services (VAT rate table of the State Taxation Administration, 2019 reform).
    tax_rate = models.DecimalField(
        _("增值税率"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.09"),
        validators=[MinValueValidator(Decimal(0))],
    )
    product_attributes: models.ManyToManyField = models.ManyToManyField(
        "Attribute", through="AttributeProduct", related_name="product_types", blank=True
    )
    variant_attributes: models.ManyToManyField = models.ManyToManyField(
        "Attribute", through="AttributeVariant", related_name="product_variant_types", blank=True
    )

    class Meta:
        verbose_name = _("商品类型")
        verbose_name_plural = _("商品类型")
        ordering = ["slug"]
        permissions = [("manage_product_types_and_attributes", _("管理商品类型与属性"))]

    def __str__(self) -> str:
        return self.name


class Attribute(models.Model):
    name = models.CharField(_("名称"), max_length=250)
    slug = models.SlugField(_("标识"), max_length=250, unique=True, allow_unicode=True)
    input_type = models.CharField(
        _("输入类型"),
        max_length=32,
        choices=AttributeInputType.choices,
        default=AttributeInputType.DROPDOWN,
    )
    unit = models.CharField(_("单位"), max_length=32, blank=True)
    value_required = models.BooleanField(_("必填"), default=False)
    visible_in_storefront = models.BooleanField(_("前台可见"), default=True)
    filterable_in_storefront = models.BooleanField(_("可筛选"), default=True)
    storefront_search_position = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("属性")
        verbose_name_plural = _("属性")
        ordering = ["storefront_search_position", "slug"]

    def __str__(self) -> str:
        return self.name


class AttributeValue(models.Model):
    """One value of an attribute. Dropdown values are shared; the other input types keep
    their typed value here too (`plain_text`, `numeric`, `boolean`, `date`)."""

    attribute = models.ForeignKey(Attribute, related_name="values", on_delete=models.CASCADE)
    name = models.CharField(_("名称"), max_length=250)
    slug = models.SlugField(_("标识"), max_length=255, allow_unicode=True)
    plain_text = models.TextField(_("文本值"), blank=True, null=True)
    numeric = models.DecimalField(_("数值"), max_digits=20, decimal_places=4, null=True, blank=True)
    boolean = models.BooleanField(_("是/否"), null=True, blank=True)
    date = models.DateField(_("日期"), null=True, blank=True)
    sort_order = models.IntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("属性值")
        verbose_name_plural = _("属性值")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["attribute", "slug"], name="attribute_value_slug_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AttributeProduct(models.Model):
    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE)
    product_type = models.ForeignKey(ProductType, on_delete=models.CASCADE)
    sort_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["attribute", "product_type"], name="attribute_product_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_type_id}:{self.attribute_id}"


class AttributeVariant(models.Model):
    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE)
    product_type = models.ForeignKey(ProductType, on_delete=models.CASCADE)
    variant_selection = models.BooleanField(default=True)
    sort_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["attribute", "product_type"], name="attribute_variant_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_type_id}:{self.attribute_id}"


class Product(SeoFields):
    product_type = models.ForeignKey(
        ProductType, verbose_name=_("商品类型"), related_name="products", on_delete=models.PROTECT
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("分类"),
        related_name="products",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    vendor = models.ForeignKey(
        "vendors.Vendor",
        verbose_name=_("商家"),
        related_name="products",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    name = models.CharField(_("名称"), max_length=250)
    slug = models.SlugField(_("标识"), max_length=255, unique=True, allow_unicode=True)
    description = models.JSONField(_("描述"), blank=True, default=dict)
    description_plaintext = models.TextField(_("描述（纯文本）"), blank=True)
    weight_grams = models.PositiveIntegerField(_("重量（克）"), null=True, blank=True)
    rating = models.FloatField(null=True, blank=True)
    # Text the search backend indexes: name, category, vendor, attribute values, description.
    search_document = models.TextField(blank=True, default="")
    # True until the product's weighted search document (backend.search) is written for its
    # current text, as Saleor's flag of the same name: search finds such a product by
    # substring meanwhile, through the partial index below.
    search_index_dirty = models.BooleanField(default=True)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)
    attribute_values = models.ManyToManyField(
        AttributeValue, through="AssignedProductAttributeValue", related_name="products", blank=True
    )

    class Meta:
        verbose_name = _("商品")
        verbose_name_plural = _("商品")
        ordering = ["slug"]
        permissions = [("manage_products", _("管理商品、库存与仓库"))]
        # The trigram index on search_document is created by migration 0003 where the
        # server has pg_trgm (the embedded server does not); see backend/search.
        indexes = [
            models.Index(fields=["name", "id"], name="product_name_id"),
            models.Index(
                fields=["id"],
                condition=models.Q(search_index_dirty=True),
                name="product_search_dirty",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AssignedProductAttributeValue(models.Model):
    product = models.ForeignKey(Product, related_name="attributevalues", on_delete=models.CASCADE)
    value = models.ForeignKey(
        AttributeValue, related_name="productvalueassignment", on_delete=models.CASCADE
    )
    sort_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["product", "value"], name="product_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.product_id}:{self.value_id}"


class ProductVariant(models.Model):
    product = models.ForeignKey(Product, related_name="variants", on_delete=models.CASCADE)
    name = models.CharField(_("规格名称"), max_length=255, blank=True)
    sku = models.CharField(_("SKU"), max_length=255, unique=True)
    weight_grams = models.PositiveIntegerField(_("重量（克）"), null=True, blank=True)
    track_inventory = models.BooleanField(_("跟踪库存"), default=True)
    quantity_limit_per_customer = models.PositiveIntegerField(_("每人限购"), null=True, blank=True)
    sort_order = models.IntegerField(_("排序"), default=0)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    attribute_values = models.ManyToManyField(
        AttributeValue, through="AssignedVariantAttributeValue", related_name="variants", blank=True
    )

    class Meta:
        verbose_name = _("商品规格")
        verbose_name_plural = _("商品规格")
        ordering = ["sort_order", "sku"]

    def __str__(self) -> str:
        return f"{self.product.name} {self.name}".strip() if self.product_id else self.sku


class AssignedVariantAttributeValue(models.Model):
    variant = models.ForeignKey(
        ProductVariant, related_name="attributevalues", on_delete=models.CASCADE
    )
    value = models.ForeignKey(
        AttributeValue, related_name="variantvalueassignment", on_delete=models.CASCADE
    )
    sort_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["variant", "value"], name="variant_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.variant_id}:{self.value_id}"


def product_media_path(instance: ProductMedia, filename: str) -> str:
    return f"products/{instance.product_id}/{filename}"


class ProductMedia(models.Model):
    product = models.ForeignKey(Product, related_name="media", on_delete=models.CASCADE)
    image = models.ImageField(_("图片"), upload_to=product_media_path, blank=True)
    alt = models.CharField(_("替代文字"), max_length=250, blank=True)
    type = models.CharField(
        max_length=32, choices=ProductMediaType.choices, default=ProductMediaType.IMAGE
    )
    external_url = models.URLField(max_length=500, blank=True, null=True)
    sort_order = models.IntegerField(_("排序"), default=0)
    checksum = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("商品图片")
        verbose_name_plural = _("商品图片")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.alt or self.image.name or f"media {self.pk}"


class Thumbnail(models.Model):
    """A resized copy of a product image, made by a Celery task (Saleor: Thumbnail)."""

    product_media = models.ForeignKey(
        ProductMedia, related_name="thumbnails", on_delete=models.CASCADE
    )
    size = models.PositiveIntegerField()
    format = models.CharField(max_length=16, choices=ThumbnailFormat.choices)
    image = models.ImageField(upload_to="thumbnails/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product_media", "size", "format"], name="thumbnail_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_media_id} {self.size}px {self.format}"


class Collection(SeoFields):
    name = models.CharField(_("名称"), max_length=250)
    slug = models.SlugField(_("标识"), max_length=255, unique=True, allow_unicode=True)
    description = models.JSONField(_("描述"), blank=True, default=dict)
    sort_order = models.IntegerField(_("排序"), default=0)
    products = models.ManyToManyField(
        Product, through="CollectionProduct", related_name="collections", blank=True
    )
    kind = models.CharField(
        _("类型"), max_length=16, choices=CollectionKind.choices, default=CollectionKind.MANUAL
    )
    # {"conditions": [{"kind": "geographical_indication"}, {"kind": "town", "town": "..."}]},
    # all conditions combined with AND; validated by backend.merchandising.collections.
    rule = models.JSONField(_("规则"), blank=True, default=dict)
    rule_refreshed_at = models.DateTimeField(_("规则刷新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("商品专题")
        verbose_name_plural = _("商品专题")
        ordering = ["sort_order", "slug"]

    def __str__(self) -> str:
        return self.name


class CollectionProduct(models.Model):
    collection = models.ForeignKey(
        Collection, related_name="collectionproduct", on_delete=models.CASCADE
    )
    product = models.ForeignKey(Product, related_name="collectionproduct", on_delete=models.CASCADE)
    sort_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "product"], name="collection_product_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.collection_id}:{self.product_id}"


class CollectionChannelListing(models.Model):
    collection = models.ForeignKey(
        Collection, related_name="channel_listings", on_delete=models.CASCADE
    )
    channel = models.ForeignKey(
        "channel.Channel", related_name="collection_listings", on_delete=models.CASCADE
    )
    is_published = models.BooleanField(_("已发布"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "channel"], name="collection_channel_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.collection_id}@{self.channel_id}"


class ProductChannelListing(models.Model):
    product = models.ForeignKey(Product, related_name="channel_listings", on_delete=models.CASCADE)
    channel = models.ForeignKey(
        "channel.Channel", related_name="product_listings", on_delete=models.CASCADE
    )
    is_published = models.BooleanField(_("已发布"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    visible_in_listings = models.BooleanField(_("在列表中显示"), default=True)
    available_for_purchase_at = models.DateTimeField(_("开售时间"), null=True, blank=True)
    currency = models.CharField(max_length=3, default="CNY")
    # Lowest variant price in the channel, kept for sorting and price filters.
    discounted_price_amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("商品渠道上架")
        verbose_name_plural = _("商品渠道上架")
        constraints = [
            models.UniqueConstraint(fields=["product", "channel"], name="product_channel_unique")
        ]
        indexes = [models.Index(fields=["channel", "discounted_price_amount"], name="pcl_price")]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.channel_id}"

    def is_visible(self, now=None) -> bool:
        now = now or timezone.now()
        return self.is_published and (self.published_at is None or self.published_at <= now)

    def is_available_for_purchase(self, now=None) -> bool:
        now = now or timezone.now()
        return self.available_for_purchase_at is not None and self.available_for_purchase_at <= now


class ProductVariantChannelListing(models.Model):
    variant = models.ForeignKey(
        ProductVariant, related_name="channel_listings", on_delete=models.CASCADE
    )
    channel = models.ForeignKey(
        "channel.Channel", related_name="variant_listings", on_delete=models.CASCADE
    )
    currency = models.CharField(max_length=3, default="CNY")
    price_amount = models.DecimalField(
        _("售价（含税）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    cost_price_amount = models.DecimalField(
        _("成本价"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    prior_price_amount = models.DecimalField(
        _("原价"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    discounted_price_amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("规格渠道价格")
        verbose_name_plural = _("规格渠道价格")
        constraints = [
            models.UniqueConstraint(fields=["variant", "channel"], name="variant_channel_unique"),
            models.CheckConstraint(
                condition=models.Q(price_amount__gte=0), name="variant_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id}@{self.channel_id} {self.price_amount}"
