"""The `/admin stats` chart: sessions per day as three labelled lines, drawn with Pillow."""

from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw, ImageFont

from bot import texts
from bot.formats import MONTH_DAY, format_moment
from bot.presenters.onboarding import BRAND_COLOUR
from marketplace.domain.stats import DaySeries

WIDTH, HEIGHT = 800, 400
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 20, 64, 48
_BACKGROUND = (255, 255, 255)
_INK = (31, 41, 55)
_GRID = (229, 231, 235)
_COLOURS = {
    "confirmed": BRAND_COLOUR.to_rgb(),
    "completed": (16, 185, 129),  # green
    "cancelled": (239, 68, 68),  # red
}
_MAX_X_LABELS = 10

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def render_chart(series: DaySeries, days: int) -> bytes:
    """A WIDTH×HEIGHT PNG of the series: title, legend, y grid and dated x axis."""
    image = Image.new("RGB", (WIDTH, HEIGHT), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    title_font, font = _font(18), _font(12)
    draw.text((_LEFT, 12), texts.CHART_TITLE.format(days=days), fill=_INK, font=title_font)
    _legend(draw, font)
    lines = {
        "confirmed": series.confirmed,
        "completed": series.completed,
        "cancelled": series.cancelled,
    }
    top = _nice_top(max((max(v, default=0) for v in lines.values()), default=0))
    _axes(draw, font, series, top)
    for key, values in lines.items():
        _line(draw, values, top, _COLOURS[key])
    if not any(any(v) for v in lines.values()):
        draw.text((WIDTH // 2 - 80, HEIGHT // 2 - 8), texts.CHART_EMPTY, fill=_INK, font=font)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _font(size: int) -> Font:
    return ImageFont.load_default(size=size)


def _legend(draw: ImageDraw.ImageDraw, font: Font) -> None:
    x = _LEFT
    for key, label in texts.CHART_SERIES.items():
        draw.rectangle((x, 42, x + 12, 54), fill=_COLOURS[key])
        draw.text((x + 18, 41), label, fill=_INK, font=font)
        x += 30 + int(draw.textlength(label, font=font))


def _nice_top(peak: int) -> int:
    """The y axis' top: at least 4, rounded up to a multiple of a round step."""
    step = _step(max(peak, 4))
    return max(4, math.ceil(max(peak, 1) / step) * step)


def _step(peak: int) -> int:
    raw = peak / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)


def _x(i: int, count: int) -> float:
    span = WIDTH - _LEFT - _RIGHT
    return _LEFT + (span * i / (count - 1) if count > 1 else span / 2)


def _y(value: int, top: int) -> float:
    return HEIGHT - _BOTTOM - (HEIGHT - _TOP - _BOTTOM) * value / top


def _axes(draw: ImageDraw.ImageDraw, font: Font, series: DaySeries, top: int) -> None:
    step = _step(top)
    for value in range(0, top + 1, step):
        y = _y(value, top)
        draw.line((_LEFT, y, WIDTH - _RIGHT, y), fill=_GRID, width=1)
        label = str(value)
        draw.text(
            (_LEFT - 8 - draw.textlength(label, font=font), y - 7), label, fill=_INK, font=font
        )
    draw.line((_LEFT, _TOP, _LEFT, HEIGHT - _BOTTOM), fill=_INK, width=1)
    count = len(series.days)
    every = max(1, math.ceil(count / _MAX_X_LABELS))
    for i in range(0, count, every):
        label = format_moment(series.days[i], MONTH_DAY)
        x = _x(i, count) - draw.textlength(label, font=font) / 2
        draw.text((x, HEIGHT - _BOTTOM + 8), label, fill=_INK, font=font)


def _line(
    draw: ImageDraw.ImageDraw, values: tuple[int, ...], top: int, colour: tuple[int, int, int]
) -> None:
    points = [(_x(i, len(values)), _y(v, top)) for i, v in enumerate(values)]
    if len(points) > 1:
        draw.line(points, fill=colour, width=3, joint="curve")
    if len(points) <= 31:
        for x, y in points:
            draw.ellipse((x - 3, y - 3, x + 3, y + 3), fill=colour)
