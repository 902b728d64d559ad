"""Django settings for County Market.

Every setting that differs between machines comes from the environment (12-factor). With no
variables set the project runs for a newcomer: an embedded PostgreSQL under `.data/`, Celery
tasks in-process, mail and SMS written to the log. `COUNTY_MARKET_ENV=production` switches on
the production checks in `backend.core.checks`, which refuse to start an unsafe configuration.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("COUNTY_MARKET_DATA_DIR", BASE_DIR / ".data"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("COUNTY_MARKET_ENV", "development")
IS_PRODUCTION = ENVIRONMENT == "production"

DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
DEBUG = env_bool("DEBUG", not IS_PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if IS_PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "unfold",
    "unfold.contrib.filters",
    "unfold.contrib.inlines",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "graphene_django",
    "backend.core",
    "backend.account",
    "backend.channel",
    "backend.catalog",
    "backend.inventory",
    "backend.divisions",
    "backend.checkout",
    "backend.order",
    "backend.payment",
    "backend.vendors",
    "backend.listings",
    "backend.settlement",
    "backend.vendordesk",
    "backend.brand",
    "backend.discount",
    "backend.merchandising",
    "backend.poverty",
    "backend.tourism",
    "backend.trace",
    "backend.targets",
    "backend.training",
    "backend.search",
    "backend.stations",
    "backend.routing",
    "backend.stationdesk",
    "backend.storefront",
    "backend.graphql",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

if env_bool("DB_QUERY_COUNT_HEADER", False):
    MIDDLEWARE.insert(0, "backend.core.middleware.QueryCountHeaderMiddleware")

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"
ASGI_APPLICATION = "backend.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "storefront_theme" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    if IS_PRODUCTION:
        # The production check reports the missing variable; never start an embedded server there.
        return "postgres://unset/unset"
    from backend.core.embedded_db import embedded_database_url

    return embedded_database_url(DATA_DIR / "pg")


DATABASES = {
    "default": dj_database_url.parse(
        _database_url(), conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60"))
    )
}
DATABASES["default"].setdefault("OPTIONS", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "account.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese first, English second (DESIGN.md: Language).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "backend" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "storefront_theme" / "static"]
# WhiteNoise serves from STATIC_ROOT; collectstatic fills it in production, and in
# development the finders serve the files, but the folder must exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Redis: cache (and Celery broker when no explicit broker is given).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "cm"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: with no broker configured tasks run in-process (DESIGN.md: runtime components).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {
    "release-expired-reservations": {
        "task": "backend.inventory.tasks.release_expired_reservations_task",
        "schedule": 60.0,
    },
    "expire-unpaid-orders": {
        "task": "backend.order.tasks.expire_unpaid_orders",
        "schedule": 300.0,
    },
    # Native payments (issue #16): yesterday's Alipay and WeChat Pay statements against the
    # orders, once both providers have published them (from about 10:00 Beijing time).
    "reconcile-payments": {
        "task": "backend.payment.tasks.reconcile_yesterday",
        "schedule": crontab(hour=10, minute=30),
    },
    # Station desk (issue #4): remind shoppers of uncollected parcels, return them after
    # PICKUP_RETURN_AFTER_DAYS.
    "remind-uncollected-parcels": {
        "task": "backend.stationdesk.tasks.remind_uncollected_parcels",
        "schedule": 900.0,
    },
    "return-uncollected-parcels": {
        "task": "backend.stationdesk.tasks.return_uncollected_parcels",
        "schedule": 3600.0,
    },
    # Merchandising (issue #11): rule collections follow the catalog ("new this week" moves
    # with time alone); catalog changes also queue a refresh, at most once a minute.
    "refresh-rule-collections": {
        "task": "backend.merchandising.tasks.refresh_rule_collections_task",
        "schedule": 600.0,
    },
    # Vendors (issue #6): an expired certificate removes its badge and tells the vendor.
    "expire-listing-certificates": {
        "task": "backend.listings.tasks.expire_certificates_task",
        "schedule": crontab(hour=1, minute=30),
    },
    # Uploaded import files and error reports are kept for a week; an import job whose worker
    # died is marked failed.
    "cleanup-listing-imports": {
        "task": "backend.listings.tasks.cleanup_listing_imports_task",
        "schedule": crontab(minute=20),
    },
    # Statements for the month that just ended, on the 1st (service-centre staff review and
    # issue them; see docs/guides/reviewer.md).
    "draft-vendor-statements": {
        "task": "backend.settlement.tasks.draft_statements_task",
        "schedule": crontab(day_of_month=1, hour=2, minute=0),
    },
    # The county dashboard (issue #18): the current and changed months of the plan's targets.
    "refresh-plan-targets": {
        "task": "backend.targets.tasks.refresh_plan_targets_task",
        "schedule": 900.0,
    },
    # Brand licences (issue #11): a licence whose window ended is recorded as expired and the
    # vendor told (the badge itself already went at the instant; see backend/brand/tasks.py).
    "expire-brand-licences": {
        "task": "backend.brand.tasks.expire_brand_licences_task",
        "schedule": 300.0,
    },
    # Promotions (issue #11): the stored sort prices (discounted_price_amount) follow
    # promotions and special prices that started or ended; shown prices never lag.
    "recalculate-discounted-prices": {
        "task": "backend.discount.tasks.recalculate_discounted_prices_task",
        "schedule": 60.0,
    },
    # Poverty zone (issue #12): an approved certification whose window ended is recorded as
    # expired and the vendor told (the zone and the badge already dropped it at the instant).
    "expire-poverty-certifications": {
        "task": "backend.poverty.tasks.expire_poverty_certifications_task",
        "schedule": 300.0,
    },
    # Tourism vouchers (issue #13): unused vouchers past their window lapse, or are refunded
    # in full where the product's expiry policy says so (backend/tourism/tasks.py).
    "expire-tourism-vouchers": {
        "task": "backend.tourism.tasks.expire_vouchers",
        "schedule": 900.0,
    },
}

# Poverty-alleviation zone (issue #12). The plan's target: zone sales above 1,000,000 CNY a
# year (county plan §三). Private files (household papers, certification evidence) live
# outside MEDIA_ROOT and are served only by signed links valid this many seconds.
POVERTY_ZONE_ANNUAL_TARGET = Decimal(os.environ.get("POVERTY_ZONE_ANNUAL_TARGET", "1000000"))
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", DATA_DIR / "private"))
PRIVATE_FILE_URL_MAX_AGE = int(os.environ.get("PRIVATE_FILE_URL_MAX_AGE", "300"))

# Vendors (issue #6).
# Application documents and certificates: accepted types and the largest file.
VENDOR_DOCUMENT_CONTENT_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/webp")
VENDOR_DOCUMENT_MAX_BYTES = int(os.environ.get("VENDOR_DOCUMENT_MAX_BYTES", str(5 * 1024 * 1024)))
# How long a staff invitation sent by SMS stays valid.
VENDOR_INVITATION_DAYS = int(os.environ.get("VENDOR_INVITATION_DAYS", "7"))
# A price change of an approved listing by more than this percentage goes back to review.
LISTING_PRICE_REVIEW_PERCENT = Decimal(os.environ.get("LISTING_PRICE_REVIEW_PERCENT", "10"))
# Vendors are told this many days before one of their certificates expires.
CERTIFICATE_EXPIRY_WARNING_DAYS = int(os.environ.get("CERTIFICATE_EXPIRY_WARNING_DAYS", "30"))
# The largest bulk listing import file, in rows.
LISTING_IMPORT_MAX_ROWS = int(os.environ.get("LISTING_IMPORT_MAX_ROWS", "2000"))
# ... and its largest size in bytes.
LISTING_IMPORT_MAX_BYTES = int(os.environ.get("LISTING_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))

# GraphQL API.
GRAPHENE = {"SCHEMA": "backend.graphql.api.schema", "MIDDLEWARE": []}
GRAPHQL_MAX_PAGE_SIZE = int(os.environ.get("GRAPHQL_MAX_PAGE_SIZE", "100"))
GRAPHQL_MAX_DEPTH = int(os.environ.get("GRAPHQL_MAX_DEPTH", "12"))
GRAPHQL_RESPONSE_CACHE_SECONDS = int(os.environ.get("GRAPHQL_RESPONSE_CACHE_SECONDS", "30"))
GRAPHQL_MAX_COST = int(os.environ.get("GRAPHQL_MAX_COST", "50000"))
GRAPHQL_MAX_TOKENS = int(os.environ.get("GRAPHQL_MAX_TOKENS", "15000"))
JWT_ACCESS_TTL_SECONDS = int(os.environ.get("JWT_ACCESS_TTL_SECONDS", "300"))
JWT_REFRESH_TTL_SECONDS = int(os.environ.get("JWT_REFRESH_TTL_SECONDS", str(30 * 24 * 3600)))

# Product media.
PRODUCT_MEDIA_MAX_BYTES = int(os.environ.get("PRODUCT_MEDIA_MAX_BYTES", str(8 * 1024 * 1024)))
# Decompression-bomb guard: images with more pixels than this are refused (40 megapixels).
PRODUCT_MEDIA_MAX_PIXELS = int(os.environ.get("PRODUCT_MEDIA_MAX_PIXELS", str(40_000_000)))
THUMBNAIL_SIZES = [64, 128, 256, 512, 1024]

# Search: PostgreSQL by default, Elasticsearch when a cluster is configured.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
SEARCH_BACKEND = os.environ.get(
    "SEARCH_BACKEND",
    "backend.search.backends.elasticsearch.ElasticsearchBackend"
    if ELASTICSEARCH_URL
    else "backend.search.backends.postgres.PostgresBackend",
)
# Ranking boosts added after text relevance and stock (backend/search/documents.py; each < 10).
SEARCH_BOOSTS = {"brand_licensed": 3.0, "poverty_zone": 2.0, "sales": 2.0}
# How many of the kept search answers a document refresh drops it computes again before it
# commits (backend.search.selectors.recompute); 0: dropped answers are computed by the next
# shopper who asks.
SEARCH_ANSWERS_RECOMPUTED = int(os.environ.get("SEARCH_ANSWERS_RECOMPUTED", "8"))
# Text messages and one-time codes (sign-up, login and password reset by mobile number).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "backend.account.sms.LogSmsBackend")
# E-mail (order notifications): printed to the console unless a backend is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@countymarket.local")
OTP_TTL_SECONDS = int(os.environ.get("OTP_TTL_SECONDS", "300"))
OTP_MAX_ATTEMPTS = int(os.environ.get("OTP_MAX_ATTEMPTS", "5"))
OTP_RESEND_SECONDS = int(os.environ.get("OTP_RESEND_SECONDS", "60"))
OTP_MAX_PER_PHONE_PER_HOUR = int(os.environ.get("OTP_MAX_PER_PHONE_PER_HOUR", "5"))
OTP_MAX_PER_IP_PER_HOUR = int(os.environ.get("OTP_MAX_PER_IP_PER_HOUR", "10"))
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", "900"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", "900"))
LOGIN_MAX_FAILURES_PER_IP = int(os.environ.get("LOGIN_MAX_FAILURES_PER_IP", "30"))

# Checkout and delivery (issue #3). Rates are tax-inclusive yuan; see docs/operator-guide.md.
DELIVERY_PROVIDERS = [
    "backend.checkout.station_delivery.StationPickup",
    "backend.checkout.station_delivery.StationHomeDelivery",
    "backend.checkout.delivery.OutOfCountyExpress",
]
DELIVERY_RATES = {
    "station_pickup": os.environ.get("DELIVERY_STATION_PICKUP_RATE", "0.00"),
    "county_flat": os.environ.get("DELIVERY_COUNTY_FLAT_RATE", "5.00"),
    "county_free_over": os.environ.get("DELIVERY_COUNTY_FREE_OVER", "99.00"),
    "express_first_kg": os.environ.get("DELIVERY_EXPRESS_FIRST_KG", "12.00"),
    "express_extra_kg": os.environ.get("DELIVERY_EXPRESS_EXTRA_KG", "5.00"),
}
# Minutes a checkout's stock stays reserved once the shopper starts paying (0 = no reservations).
CHECKOUT_RESERVATION_MINUTES = int(os.environ.get("CHECKOUT_RESERVATION_MINUTES", "10"))
# Minutes an unpaid order of an online gateway keeps its stock before it is cancelled.
ORDER_UNPAID_EXPIRY_MINUTES = int(os.environ.get("ORDER_UNPAID_EXPIRY_MINUTES", "60"))
MAX_CHECKOUT_LINE_QUANTITY = int(os.environ.get("MAX_CHECKOUT_LINE_QUANTITY", "50"))

# Routing (issue #4): county co-delivery vans leave the county centre at these local times
# (Asia/Shanghai); minutes to prepare a parcel and per leg (county centre ↔ town station, town
# station → village station, last mile); days an uncollected pickup waits before it returns.
COUNTY_DISPATCH_RUNS = env_list("COUNTY_DISPATCH_RUNS", "10:00,15:00")
ROUTING_LEG_MINUTES = {"prepare": 60, "trunk": 60, "village": 45, "last_mile": 60}
PICKUP_RETURN_AFTER_DAYS = int(os.environ.get("PICKUP_RETURN_AFTER_DAYS", "7"))
# Station desk: wrong pickup codes allowed per parcel in any hour (issue #4 "e.g. 5 tries per
# parcel per hour"); hours after arrival when the shopper is reminded, once.
PICKUP_MAX_WRONG_CODES_PER_HOUR = int(os.environ.get("PICKUP_MAX_WRONG_CODES_PER_HOUR", "5"))
PARCEL_REMINDER_HOURS = int(os.environ.get("PARCEL_REMINDER_HOURS", "48"))

CATALOG_SEED_DIR = Path(os.environ.get("CATALOG_SEED_DIR", BASE_DIR / "catalog_seed"))

# Payments (issue #3; docs/operator-guide.md, "Payments"). Stripe is off unless its secret key
# is set; the dummy gateway is off in production unless explicitly enabled for a demo.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_PAYMENT_METHOD_TYPES = env_list("STRIPE_PAYMENT_METHOD_TYPES", "card,alipay,wechat_pay")
# Another address for Stripe's API (a proxy, or the stand-in server of the tests).
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
DUMMY_PAYMENTS_ENABLED = env_bool("DUMMY_PAYMENTS_ENABLED", False)
PAY_AT_STATION_ENABLED = env_bool("PAY_AT_STATION_ENABLED", True)
# Native Alipay and WeChat Pay (issue #16; docs/operator-guide.md, "Alipay", "WeChat Pay").
# Each is on when all of its values are set, off when none is; keys and certificates are PEM
# text or the path of a PEM file. PAYMENT_SANDBOX=1 (development only) runs both against the
# local stand-ins of backend/payment/sandbox on PAYMENT_SANDBOX_PORT.
ALIPAY_APP_ID = os.environ.get("ALIPAY_APP_ID", "")
ALIPAY_APP_PRIVATE_KEY = os.environ.get("ALIPAY_APP_PRIVATE_KEY", "")
ALIPAY_PUBLIC_KEY = os.environ.get("ALIPAY_PUBLIC_KEY", "")
ALIPAY_GATEWAY_URL = os.environ.get("ALIPAY_GATEWAY_URL", "https://openapi.alipay.com/gateway.do")
WECHATPAY_MCHID = os.environ.get("WECHATPAY_MCHID", "")
WECHATPAY_APPID = os.environ.get("WECHATPAY_APPID", "")
WECHATPAY_APIV3_KEY = os.environ.get("WECHATPAY_APIV3_KEY", "")
WECHATPAY_PRIVATE_KEY = os.environ.get("WECHATPAY_PRIVATE_KEY", "")
WECHATPAY_CERT_SERIAL_NO = os.environ.get("WECHATPAY_CERT_SERIAL_NO", "")
WECHATPAY_PUBLIC_KEY = os.environ.get("WECHATPAY_PUBLIC_KEY", "")
WECHATPAY_PUBLIC_KEY_ID = os.environ.get("WECHATPAY_PUBLIC_KEY_ID", "")
WECHATPAY_CERT_DIR = os.environ.get("WECHATPAY_CERT_DIR", "")
WECHATPAY_API_BASE = os.environ.get("WECHATPAY_API_BASE", "https://api.mch.weixin.qq.com")
# The public address the providers post their notifications to (https in production).
PAYMENT_NOTIFY_BASE_URL = os.environ.get("PAYMENT_NOTIFY_BASE_URL", "")
PAYMENT_SANDBOX = env_bool("PAYMENT_SANDBOX", False)
# The storefront's public address, for links sent by SMS and e-mail (a recall notice, a staff
# invitation) that a phone must be able to open. Defaults to `make run`'s address.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
PAYMENT_SANDBOX_PORT = int(os.environ.get("PAYMENT_SANDBOX_PORT", "8601"))

# Security: strict in production, relaxed for local HTTP in development.
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if IS_PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "pgserver": {"level": "WARNING"}},
}

# Encryption at rest (backend.core.crypto): comma-separated Fernet keys, newest first. Empty in
# development, where a key is derived from SECRET_KEY.
FIELD_ENCRYPTION_KEYS = [
    k for k in os.environ.get("FIELD_ENCRYPTION_KEYS", "").split(",") if k.strip()
]

UNFOLD = {
    "SITE_TITLE": _("县域电商 · 管理后台"),
    "SITE_HEADER": _("县域电商管理后台"),
    "SITE_SYMBOL": "storefront",
    "SHOW_LANGUAGES": True,
}


def _refuse_unsafe_production() -> None:
    """Production must not start with development defaults (issue #2: 12-factor settings)."""
    from django.core.exceptions import ImproperlyConfigured

    problems = []
    if DEBUG:
        problems.append("DEBUG is on")
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 32:
        problems.append("SECRET_KEY is the development default or shorter than 32 characters")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS is empty")
    if not os.environ.get("DATABASE_URL"):
        problems.append("DATABASE_URL is not set")
    if not FIELD_ENCRYPTION_KEYS:
        problems.append("FIELD_ENCRYPTION_KEYS is not set")
    else:
        from cryptography.fernet import Fernet

        for key in FIELD_ENCRYPTION_KEYS:
            try:
                Fernet(key.strip())
            except ValueError:
                problems.append("FIELD_ENCRYPTION_KEYS holds a key that is not a Fernet key")
                break
    for provider, names in (
        ("Alipay", ("ALIPAY_APP_ID", "ALIPAY_APP_PRIVATE_KEY", "ALIPAY_PUBLIC_KEY")),
        (
            "WeChat Pay",
            (
                "WECHATPAY_MCHID",
                "WECHATPAY_APPID",
                "WECHATPAY_APIV3_KEY",
                "WECHATPAY_PRIVATE_KEY",
                "WECHATPAY_CERT_SERIAL_NO",
            ),
        ),
    ):
        given = [name for name in names if globals()[name]]
        if given and len(given) != len(names):
            absent = ", ".join(name for name in names if name not in given)
            problems.append(f"{provider} is half configured ({absent} missing)")
        if given and not PAYMENT_NOTIFY_BASE_URL.startswith("https://"):
            problems.append(f"{provider} needs PAYMENT_NOTIFY_BASE_URL (https://…)")
    if bool(WECHATPAY_PUBLIC_KEY) != bool(WECHATPAY_PUBLIC_KEY_ID):
        problems.append("WECHATPAY_PUBLIC_KEY and WECHATPAY_PUBLIC_KEY_ID go together")
    if PAYMENT_SANDBOX:
        problems.append("PAYMENT_SANDBOX is on")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems) + ".")


if IS_PRODUCTION:
    _refuse_unsafe_production()

AUTHENTICATION_BACKENDS = ["backend.account.backends.EmailOrPhoneBackend"]

# Django 6 makes https the default scheme of form URL fields; opt in now (no deprecation noise).
FORMS_URLFIELD_ASSUME_HTTPS = True
