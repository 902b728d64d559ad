"""A small server-rendered SVG chart: the monthly series as bars (demonstration months
hatched) against the target as a dashed line. A viewBox scales it to any width, so it reads at
375 px and prints; no script and no charting library."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from backend.targets.selectors import Point

# Label sizes suit a 375 px phone, where the 640-unit drawing shows at about half size.
WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 124, 12, 20, 48  # room for labels such as 100.0万 at font-size 22


def _number(value: Decimal) -> str:
    if abs(value) >= 10000:
        return f"{value / 10000:.1f}".removesuffix(".0") + "万"
    if value == value.to_integral_value():
        return f"{value:.0f}"
    return f"{value:.1f}"


def chart(points: list[Point], target: Decimal, *, title: str, unit: str) -> SafeString:
    values = [p.value for p in points if p.value is not None]
    top = max([target, *values]) if values else target
    top = top * Decimal("1.1") if top > 0 else Decimal(1)
    bottom = min([Decimal(0), *values])
    span = top - bottom or Decimal(1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: Decimal) -> float:
        return round(TOP + float((top - value) / span) * plot_h, 1)

    step = plot_w / max(len(points), 1)
    parts = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
            'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">',
            WIDTH,
            HEIGHT,
            title,
        ),
        '<defs><pattern id="demo-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="3" height="6" fill="#9ab"/></pattern></defs>',
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#888" stroke-width="1"/>',
            LEFT,
            y(Decimal(0)),
            WIDTH - RIGHT,
            y(Decimal(0)),
        ),
    ]
    for tick in (Decimal(0), target / 2, target):
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="22" text-anchor="end" fill="#333">{}</text>',
                LEFT - 6,
                y(tick) + 8,
                _number(tick),
            )
        )
    for index, point in enumerate(points):
        x = LEFT + index * step
        if point.value is not None:
            bar_top = min(y(point.value), y(Decimal(0)))
            height = abs(y(point.value) - y(Decimal(0)))
            fill = "url(#demo-hatch)" if point.is_demo else "#2f6f4f"
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{} {}{}</title></rect>",
                    round(x + step * 0.15, 1),
                    bar_top,
                    round(step * 0.7, 1),
                    max(height, 0.5),
                    fill,
                    f"{point.month:%Y-%m}",
                    _number(point.value),
                    unit,
                )
            )
        if (len(points) - 1 - index) % 6 == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="20" text-anchor="{}" fill="#333">{}</text>',
                    round(x + step, 1) if index == len(points) - 1 else round(x + step / 2, 1),
                    HEIGHT - BOTTOM + 26,
                    "end" if index == len(points) - 1 else "middle",
                    f"{point.month:%y-%m}",
                )
            )
    parts.append(
        format_html(
            '<line class="target-line" x1="{}" y1="{}" x2="{}" y2="{}" stroke="#c0392b" '
            'stroke-width="2" stroke-dasharray="6 4"/>',
            LEFT,
            y(target),
            WIDTH - RIGHT,
            y(target),
        )
    )
    parts.append("</svg>")
    return mark_safe("".join(str(part) for part in parts))


def sparkline(points: list[Point], target: Decimal) -> SafeString:
    values = [p.value for p in points if p.value is not None]
    if not values:
        return mark_safe('<svg class="spark" viewBox="0 0 120 30"></svg>')
    top = max([target, *values]) or Decimal(1)
    bottom = min([Decimal(0), *values])
    span = top - bottom or Decimal(1)
    step = 120 / max(len(points) - 1, 1)
    coords = " ".join(
        f"{round(i * step, 1)},{round(28 - float((p.value - bottom) / span) * 26, 1)}"
        for i, p in enumerate(points)
        if p.value is not None
    )
    target_y = round(28 - float((target - bottom) / span) * 26, 1)
    return mark_safe(
        f'<svg class="spark" viewBox="0 0 120 30" preserveAspectRatio="none" aria-hidden="true">'
        f'<line x1="0" y1="{target_y}" x2="120" y2="{target_y}" stroke="#c0392b" '
        f'stroke-dasharray="3 2"/><polyline points="{escape(coords)}" fill="none" '
        f'stroke="#2f6f4f" stroke-width="2"/></svg>'
    )
