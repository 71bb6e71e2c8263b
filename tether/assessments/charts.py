"""Server-rendered SVG charts of scores over time, with the severity bands shaded."""

from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tether.assessments.instruments import Instrument

# Light fills, darkening with severity; the line and points carry the data, so the bands can
# stay pale enough for text contrast (WCAG 2.1 AA).
BAND_FILLS = ("#e8f5e9", "#f1f8e9", "#fff8e1", "#fff3e0", "#fbe9e7")


def _day(moment: datetime) -> str:
    """Return the date in the active (practice) time zone, e.g. "05 Nov 2026"."""
    return f"{timezone.localtime(moment):%d %b %Y}"


def score_chart(
    instrument: Instrument,
    points: Sequence[tuple[datetime, int]],
    *,
    width: int = 640,
    height: int = 220,
) -> SafeString:
    """Return an accessible SVG line chart of `points` (time, total), oldest first."""
    # Band names sit in the right margin, where no data point can cover them.
    left, right, top, bottom = 36, 150, 10, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    max_total = instrument.max_total

    def y(total: float) -> float:
        return top + plot_h * (1 - total / max_total)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="chart" role="img" aria-labelledby="chart-{instrument.code}-title">',
        f'<title id="chart-{instrument.code}-title">{escape(instrument.name)} scores over time'
        "</title>",
    ]
    n = len(instrument.bands)
    fills = [BAND_FILLS[round(i * (len(BAND_FILLS) - 1) / max(n - 1, 1))] for i in range(n)]
    for band, fill in zip(instrument.bands, fills, strict=True):
        # A band covers its totals up to the next band's start.
        y_top, y_bottom = y(min(band.high + 1, max_total)), y(band.low)
        parts.append(
            f'<rect x="{left}" y="{y_top:.1f}" width="{plot_w}" height="{y_bottom - y_top:.1f}" '
            f'fill="{fill}" class="band"><title>{escape(band.label)}: {band.low}–{band.high}'
            "</title></rect>"
        )
        parts.append(
            f'<text x="{left + plot_w + 6}" y="{(y_top + y_bottom) / 2 + 4:.1f}" '
            f'class="band-label">{escape(band.label)}</text>'
        )
    for tick in sorted({0, *(b.low for b in instrument.bands), max_total}):
        parts.append(
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" class="tick">'
            f"{tick}</text>"
        )
    if points:
        start, end = points[0][0], points[-1][0]
        span = (end - start).total_seconds() or 1.0

        def x(moment: datetime) -> float:
            if len(points) == 1:
                return left + plot_w / 2
            return left + plot_w * (moment - start).total_seconds() / span

        coords = [(x(moment), y(total), moment, total) for moment, total in points]
        path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy, _, _ in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#1a4f8b" stroke-width="2"/>')
        for cx, cy, moment, total in coords:
            parts.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="#1a4f8b">'
                f"<title>{_day(moment)}: {total}</title></circle>"
            )
        if len(points) == 1:
            parts.append(
                f'<text x="{left + plot_w / 2}" y="{height - 8}" text-anchor="middle" '
                f'class="tick">{_day(start)}</text>'
            )
        else:
            parts.append(
                f'<text x="{left}" y="{height - 8}" class="tick">{_day(start)}</text>'
                f'<text x="{left + plot_w}" y="{height - 8}" text-anchor="end" class="tick">'
                f"{_day(end)}</text>"
            )
    else:
        parts.append(
            f'<text x="{left + plot_w / 2}" y="{top + plot_h / 2}" text-anchor="middle">'
            "No scores yet</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every text above is escaped or numeric)
