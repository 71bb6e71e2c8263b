"""The server-rendered score chart."""

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from django.utils.safestring import SafeString

from tether.assessments.charts import score_chart
from tether.assessments.instruments import GAD2, GAD7, PHQ9, Band

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

# score_chart's default geometry: the plot runs from y=10 (max total) to y=192 (total 0).
TOP, BOTTOM = 10.0, 192.0


def _circles(svg: str) -> list[tuple[float, float]]:
    return [
        (float(cx), float(cy)) for cx, cy in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg)
    ]


@pytest.mark.parametrize("instrument", [PHQ9, GAD7, GAD2], ids=lambda i: i.code)
@pytest.mark.parametrize("count", [0, 1, 3])
def test_it_draws_one_band_per_severity_band_and_one_point_per_score(instrument, count):
    points = [(START + timedelta(weeks=2 * n), n) for n in range(count)]

    svg = score_chart(instrument, points)

    assert isinstance(svg, SafeString)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count('class="band"') == len(instrument.bands)
    assert svg.count("<circle") == count
    assert svg.count("<polyline") == (1 if count else 0)
    assert ("No scores yet" in svg) is (count == 0)
    for band in instrument.bands:
        assert f"{band.label}: {band.low}–{band.high}" in svg


def test_the_bands_fill_the_plot_from_top_to_bottom():
    svg = score_chart(PHQ9, [])

    rects = re.findall(r'<rect x="\d+" y="([\d.]+)" width="\d+" height="([\d.]+)"', svg)
    assert len(rects) == 5
    tops = sorted(float(y) for y, _ in rects)
    assert tops[0] == pytest.approx(TOP)
    assert sum(float(h) for _, h in rects) == pytest.approx(BOTTOM - TOP, abs=0.5)


def test_points_are_placed_by_time_and_score():
    points = [(START, 0), (START + timedelta(days=14), 27), (START + timedelta(days=28), 9)]

    svg = score_chart(PHQ9, points)

    (x0, y0), (x1, y1), (x2, y2) = _circles(svg)
    assert y0 == pytest.approx(BOTTOM)
    assert y1 == pytest.approx(TOP)
    assert y2 == pytest.approx(BOTTOM - (BOTTOM - TOP) * 9 / 27, abs=0.1)
    assert x0 < x1 < x2
    assert x1 - x0 == pytest.approx(x2 - x1, abs=0.1)  # equal gaps in time, equal gaps on screen
    polyline = re.search(r'<polyline points="([^"]+)"', svg).group(1)
    assert polyline == f"{x0:.1f},{y0:.1f} {x1:.1f},{y1:.1f} {x2:.1f},{y2:.1f}"
    assert "05 Jan 2026: 0" in svg
    assert "19 Jan 2026: 27" in svg


def test_a_single_point_is_drawn_in_the_middle():
    svg = score_chart(GAD7, [(START, 21)])

    ((x, y),) = _circles(svg)
    assert x == pytest.approx(36 + (640 - 36 - 150) / 2)
    assert y == pytest.approx(TOP)


def test_it_is_labelled_for_screen_readers():
    svg = score_chart(PHQ9, [])
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-phq9-title"' in svg
    assert '<title id="chart-phq9-title">PHQ-9 scores over time</title>' in svg


def test_it_escapes_text():
    hostile = replace(
        PHQ9,
        name='<script>alert("x")</script>',
        bands=(
            Band(0, 13, "low", "Low & <b>calm</b>"),
            Band(14, 27, "high", 'High "<i>'),
        ),
    )

    svg = score_chart(hostile, [(START, 3)])

    assert "<script>" not in svg
    assert "<b>" not in svg
    assert "<i>" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; scores over time" in svg
    assert "Low &amp; &lt;b&gt;calm&lt;/b&gt;: 0–13" in svg
    assert "High &quot;&lt;i&gt;" in svg
