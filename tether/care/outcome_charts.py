"""Server-rendered SVG charts of a practice's outcomes: accessible (role="img", a <title> and a
<desc> that says in words what the bars show, text labels on every bar), no JavaScript, and
every text escaped. Small groups are drawn as counts only, as on the rest of the page."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tether.care.outcomes import Band, Month, Proportion
from tether.care.statistics import Rate

BAR = "#1a4f8b"
PALE = "#c9d8ea"
SECOND = "#5b8c3a"


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def _shown(share: Proportion) -> tuple[int, Rate] | None:
    """Return the count and rate to draw, or None when the group shows its size only: too few
    patients to show (suppressed), or nobody in it (no rate)."""
    if share.suppressed or share.count is None or share.rate is None:
        return None
    return share.count, share.rate


def _svg(
    key: str, title: str, desc: str, width: int, height: int, body: Sequence[str]
) -> SafeString:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart" '
        f'role="img" aria-labelledby="{key}-title {key}-desc">',
        f'<title id="{key}-title">{escape(title)}</title>',
        f'<desc id="{key}-desc">{escape(desc)}</desc>',
        *body,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308  (every text above is escaped or numeric)


def caseload_chart(bands: Sequence[Band], *, unscored: int = 0) -> SafeString:
    """Bars of the open caseload by the severity band of each patient's latest PHQ-9."""
    width, height, left, bottom, top = 520, 220, 40, 40, 20
    plot_h = height - top - bottom
    step = (width - left - 10) / max(len(bands), 1)
    most = max((b.count for b in bands), default=0) or 1
    body = []
    for i, band in enumerate(bands):
        h = plot_h * band.count / most
        x = left + i * step + step * 0.15
        y = top + plot_h - h
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
            f'fill="{BAR}"><title>PHQ-9 {escape(band.label)}: {band.count}</title></rect>'
            f'<text x="{x + step * 0.35:.1f}" y="{y - 4:.1f}" text-anchor="middle">'
            f"{band.count}</text>"
            f'<text x="{x + step * 0.35:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
            f'class="tick">{escape(band.label)}</text>'
        )
    body.append(
        f'<text x="{left}" y="{height - 6}" class="tick">Latest PHQ-9 score'
        f"{f'; {unscored} with no score yet' if unscored else ''}</text>"
    )
    desc = "; ".join(f"{b.label}: {b.count}" for b in bands)
    if unscored:
        desc += f"; no PHQ-9 yet: {unscored}"
    return _svg(
        "caseload",
        "Open caseload by latest PHQ-9 severity",
        f"Patients in open episodes by their latest PHQ-9: {desc}.",
        width,
        height,
        body,
    )


def response_chart(months: Sequence[Month]) -> SafeString:
    """Per month of episode start, the share of eligible patients who responded and who
    remitted; months with too few patients show their count only."""
    width, height, left, bottom, top = 640, 240, 40, 44, 16
    plot_h = height - top - bottom
    step = (width - left - 10) / max(len(months), 1)
    body = [
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" class="tick">100%</text>',
        f'<text x="{left - 6}" y="{top + plot_h + 4}" text-anchor="end" class="tick">0%</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" '
        'stroke="#666"/>',
    ]
    described = []
    for i, month in enumerate(months):
        label = f"{month.first_day:%b %Y}"
        x = left + i * step
        body.append(
            f'<text x="{x + step / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
            f'class="tick">{escape(f"{month.first_day:%b}")}</text>'
            f'<text x="{x + step / 2:.1f}" y="{height - bottom + 28}" text-anchor="middle" '
            f'class="tick">n={month.eligible}</text>'
        )
        response, remission = _shown(month.response), _shown(month.remission)
        if response is None or remission is None:
            body.append(
                f'<text x="{x + step / 2:.1f}" y="{top + plot_h - 6}" text-anchor="middle" '
                f'class="tick">counts only</text>'
            )
            described.append(f"{label}: {month.eligible} eligible, counts only")
            continue
        for j, (name, (count, rate), total, fill) in enumerate(
            (
                ("responded", response, month.response.total, BAR),
                ("remitted", remission, month.remission.total, SECOND),
            )
        ):
            h = plot_h * rate.value
            bx = x + step * (0.12 + 0.38 * j)
            body.append(
                f'<rect x="{bx:.1f}" y="{top + plot_h - h:.1f}" width="{step * 0.36:.1f}" '
                f'height="{h:.1f}" fill="{fill}"><title>{escape(label)}: {count} of '
                f"{total} {name} ({_percent(rate.value)})</title></rect>"
            )
        (responded, response_rate), (remitted, remission_rate) = response, remission
        described.append(
            f"{label}: {responded} of {month.eligible} responded "
            f"({_percent(response_rate.value)}), {remitted} remitted "
            f"({_percent(remission_rate.value)})"
        )
    body.append(
        f'<rect x="{width - 190}" y="2" width="10" height="10" fill="{BAR}"/>'
        f'<text x="{width - 176}" y="11" class="tick">responded</text>'
        f'<rect x="{width - 100}" y="2" width="10" height="10" fill="{SECOND}"/>'
        f'<text x="{width - 86}" y="11" class="tick">remitted</text>'
    )
    return _svg(
        "response",
        "PHQ-9 response and remission by month of episode start",
        "; ".join(described) + "." if described else "No months in the period.",
        width,
        height,
        body,
    )


def dropout_chart(*, intake: Proportion, no_intake: Proportion) -> SafeString:
    """Two bars: ended episodes with and without a human intake call, the dropouts shaded
    when the group is large enough to show them."""
    width, height, left, top, bar_h, gap = 560, 120, 150, 14, 30, 24
    most = max(intake.total, no_intake.total, 1)
    plot_w = width - left - 140
    body, described = [], []
    for i, (label, group) in enumerate(
        (("Intake call held", intake), ("No intake call", no_intake))
    ):
        y = top + i * (bar_h + gap)
        w = plot_w * group.total / most
        body.append(
            f'<text x="{left - 8}" y="{y + bar_h / 2 + 4:.1f}" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{PALE}">'
            f"<title>{escape(label)}: {group.total} ended episodes</title></rect>"
        )
        shown = _shown(group)
        if shown is None:
            text = f"{group.total} ended; counts only"
            described.append(f"{label}: {group.total} ended episodes, counts only")
        else:
            count, rate = shown
            dw = plot_w * count / most
            body.append(
                f'<rect x="{left}" y="{y}" width="{dw:.1f}" height="{bar_h}" fill="{BAR}">'
                f"<title>{escape(label)}: {count} of {group.total} dropped out</title>"
                "</rect>"
            )
            text = f"{count} of {group.total} ({_percent(rate.value)})"
            described.append(
                f"{label}: {count} of {group.total} ended episodes dropped out "
                f"({_percent(rate.value)}, 95% CI {_percent(rate.low)} to "
                f"{_percent(rate.high)})"
            )
        body.append(
            f'<text x="{left + w + 6:.1f}" y="{y + bar_h / 2 + 4:.1f}">{escape(text)}</text>'
        )
    return _svg(
        "dropout",
        "Dropout by whether a human intake call was held",
        "; ".join(described) + ".",
        width,
        height,
        body,
    )
