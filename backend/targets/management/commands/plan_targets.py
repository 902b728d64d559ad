"""`manage.py plan_targets [--month YYYY-MM] [--refresh [--full]]`: each target of the plan on
one line — code, title, value, target, status — as of the month (default: this month)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from backend.targets import months
from backend.targets.aggregate import refresh
from backend.targets.selectors import figures


def _number(value, unit: str = "") -> str:
    return "—" if value is None else f"{value.normalize():f}{unit}"


class Command(BaseCommand):
    help = "打印规划十项目标的当前值、目标值和状态（每项一行）；--refresh 先重新计算月度数据。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--month", help="YYYY-MM（北京时间），默认本月")
        parser.add_argument(
            "--refresh", action="store_true", help="先重新计算本月、上月和订单有变动的月份"
        )
        parser.add_argument("--full", action="store_true", help="与 --refresh 一起：重算近 24 个月")

    def handle(self, *args, **options) -> None:
        try:
            month = months.parse_month(options["month"])
        except months.BadMonth as problem:
            raise CommandError(_("月份格式应为 YYYY-MM，且不能晚于本月。")) from problem
        if options["refresh"]:
            done = refresh(full=options["full"])
            self.stdout.write(_("已重新计算 %(count)d 个月。") % {"count": len(done)})
        for figure in figures(month, series_months=1):
            target = figure.target
            line = f"{target.code}\t{target.title}\t{_number(figure.value, target.unit)}\t"
            line += f"{_number(target.target, target.unit)}\t{figure.status_label}"
            if target.secondary:
                line += (
                    f"\t{target.secondary.title} {_number(figure.secondary_value)}"
                    f"/{_number(target.secondary.target, target.secondary.unit)}"
                )
            if figure.is_demo:
                line += f"\t{_('示例数据')}"
            self.stdout.write(line)
