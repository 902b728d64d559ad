"""`manage.py seed_catalog`: load the county's catalog seed (and optional synthetic products)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from backend.brand.seed import seed_brand
from backend.catalog.seed import (
    SeedReport,
    SeedValidationError,
    SyntheticCatalogError,
    check_seed,
    generate_synthetic_products,
    load_catalog_seed,
)
from backend.catalog.seed.loader import seed_dir
from backend.discount.seed import seed_discounts
from backend.listings.seed import seed_listings
from backend.merchandising.seed import seed_merchandising
from backend.poverty.seed import seed_poverty
from backend.search.seed import seed_search
from backend.targets.seed import seed_targets
from backend.tourism.seed import seed_tourism
from backend.trace.seed import seed_trace
from backend.training.seed import seed_training


class Command(BaseCommand):
    help = _(
        "校验并加载目录种子数据（catalog_seed/）：先校验全部文件，无误后在一个事务中幂等写入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--path",
            type=Path,
            default=None,
            help=_("种子目录（默认：settings.CATALOG_SEED_DIR）"),
        )
        parser.add_argument(
            "--synthetic",
            type=int,
            default=0,
            metavar="N",
            help=_("另外生成 N 个编号的合成商品（已存在的跳过）"),
        )
        parser.add_argument(
            "--dry-run",
            "--validate-only",
            action="store_true",
            dest="validate_only",
            help=_("只校验，不写入任何数据"),
        )

    def handle(self, *args, **options) -> None:
        path = seed_dir(options["path"])
        started = time.monotonic()
        try:
            if options["validate_only"]:
                check_seed(path=path)
                self.stdout.write(self.style.SUCCESS(_("校验通过：%(path)s") % {"path": path}))
                return
            report = load_catalog_seed(path=path)
        except SeedValidationError as exc:
            for issue in exc.issues:
                self.stderr.write(str(issue))
            raise CommandError(str(exc)) from exc
        self._write_report(report, title=_("目录种子"), seconds=time.monotonic() - started)
        if options["synthetic"]:
            started = time.monotonic()
            try:
                synthetic = generate_synthetic_products(count=options["synthetic"])
            except SyntheticCatalogError as exc:
                raise CommandError(str(exc)) from exc
            self._write_report(synthetic, title=_("合成商品"), seconds=time.monotonic() - started)
        # Listing review: products on sale get an approved listing; one new product waits in the
        # review queue (backend/listings/seed.py).
        started = time.monotonic()
        listings = seed_listings()
        self._write_report(listings, title=_("商品审核"), seconds=time.monotonic() - started)
        # The public brand's files, the brand managers' group and sample licences
        # (backend/brand/seed.py).
        started = time.monotonic()
        brand = seed_brand(path=path)
        self._write_report(brand, title=_("区域公用品牌"), seconds=time.monotonic() - started)
        # Venues, booking rules, dated capacity and the demo venue staff (backend/tourism/seed.py).
        started = time.monotonic()
        tourism = seed_tourism(path=path)
        self._write_report(tourism, title=_("文旅票券"), seconds=time.monotonic() - started)
        # The running campaign's promotions, the YISHAN10 voucher and a flash sale
        # (catalog_seed/promotions.yaml, backend/discount/seed.py).
        started = time.monotonic()
        discounts = seed_discounts(path=path)
        self._write_report(discounts, title=_("促销与优惠券"), seconds=time.monotonic() - started)
        # Home sections, rule collections, the running campaign and a scheduled livestream
        # (catalog_seed/merchandising.yaml, backend/merchandising/seed.py).
        started = time.monotonic()
        merchandising = seed_merchandising(path=path)
        self._write_report(
            merchandising, title=_("首页运营与活动"), seconds=time.monotonic() - started
        )
        # Bases, batches with inspections and journeys for the named specialties, and the
        # inspectors' group (catalog_seed/trace.yaml, backend/trace/seed.py).
        started = time.monotonic()
        trace = seed_trace(path=path)
        self._write_report(trace, title=_("质量追溯"), seconds=time.monotonic() - started)
        # Fictional households in the weak villages, certified products and paid demo orders
        # with their benefit ledger (catalog_seed/poverty.yaml, backend/poverty/seed.py).
        started = time.monotonic()
        poverty = seed_poverty(path=path)
        self._write_report(poverty, title=_("扶贫专区"), seconds=time.monotonic() - started)
        # Training courses, upcoming sessions and 24 months of demonstration sessions,
        # attendance and jobs (catalog_seed/training.yaml, backend/training/seed.py).
        started = time.monotonic()
        training = seed_training(path=path)
        self._write_report(training, title=_("培训与就业"), seconds=time.monotonic() - started)
        # The county office's group, leading enterprises, demonstration history of the plan's
        # targets, the current month computed (catalog_seed/targets.yaml, backend/targets/seed.py).
        started = time.monotonic()
        targets = seed_targets(path=path)
        self._write_report(targets, title=_("规划目标看板"), seconds=time.monotonic() - started)
        # Synonyms and a full rebuild of the search documents and vocabulary last, when the
        # licences and certifications that boost ranking exist (backend/search/seed.py).
        started = time.monotonic()
        search = seed_search(path=path)
        self._write_report(search, title=_("商品搜索"), seconds=time.monotonic() - started)

    def _write_report(self, report: SeedReport, *, title: str, seconds: float) -> None:
        self.stdout.write(f"{title}（{seconds:.2f}s）")
        header = f"  {'':38}{_('新建'):>8}{_('更新'):>8}{_('未变'):>8}{_('删除'):>8}"
        self.stdout.write(header)
        for kind, counts in sorted(report.as_dict().items()):
            self.stdout.write(
                f"  {kind:38}{counts['created']:>10}{counts['updated']:>10}"
                f"{counts['unchanged']:>10}{counts['deleted']:>10}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("合计：新建 %(created)d，更新 %(updated)d，未变 %(unchanged)d，删除 %(deleted)d")
                % {action: report.total(action) for action in SeedReport.ACTIONS}
            )
        )
