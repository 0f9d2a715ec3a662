"""Draw Callboard's app icons with Pillow: a clapperboard with a check mark.

Run `uv run python tools/make_icons.py` after changing the drawing; the PNGs are
committed so the server needs nothing at run time.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

# Not in static/: everything there is served to the public.
HERE = Path(__file__).resolve().parent.parent / "static" / "icons"
BLUE = (27, 94, 214, 255)
INK = (16, 36, 84, 255)
WHITE = (255, 255, 255, 255)
SUPER = 4  # draw large, then shrink: smooth edges without an anti-aliasing library


def draw(size: int, *, maskable: bool) -> Image.Image:
    big = size * SUPER
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:
        pen.rectangle((0, 0, big, big), fill=BLUE)
        scale = 0.62  # keep the mark inside the maskable safe zone (a centred 80% circle)
    else:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=int(big * 0.22), fill=BLUE)
        scale = 0.78
    unit = big * scale
    left = (big - unit) / 2
    top = (big - unit) / 2 + unit * 0.02

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        return (left + x0 * unit, top + y0 * unit, left + x1 * unit, top + y1 * unit)

    # The board.
    pen.rounded_rectangle(box(0.06, 0.34, 0.94, 0.94), radius=int(unit * 0.07), fill=WHITE)
    # The clapper arm with its stripes, tilted open.
    arm = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    arm_pen = ImageDraw.Draw(arm)
    arm_box = box(0.06, 0.12, 0.94, 0.27)
    arm_pen.rounded_rectangle(arm_box, radius=int(unit * 0.035), fill=WHITE)
    stripe = unit * 0.13
    x = arm_box[0] + stripe * 0.5
    while x < arm_box[2]:
        arm_pen.polygon(
            [
                (x, arm_box[3]),
                (x + stripe * 0.5, arm_box[3]),
                (x + stripe, arm_box[1]),
                (x + stripe * 0.5, arm_box[1]),
            ],
            fill=BLUE,
        )
        x += stripe
    pivot = (arm_box[0], arm_box[3])
    arm = arm.rotate(9, center=pivot, resample=Image.Resampling.BICUBIC)
    image.alpha_composite(arm)
    # The check mark on the board.
    width = int(unit * 0.1)
    points = [
        (left + 0.27 * unit, top + 0.64 * unit),
        (left + 0.43 * unit, top + 0.79 * unit),
        (left + 0.73 * unit, top + 0.48 * unit),
    ]
    pen.line(points, fill=INK, width=width, joint="curve")
    for px, py in (points[0], points[-1]):
        r = width / 2
        pen.ellipse((px - r, py - r, px + r, py + r), fill=INK)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    draw(192, maskable=False).save(HERE / "icon-192.png", optimize=True)
    draw(512, maskable=False).save(HERE / "icon-512.png", optimize=True)
    draw(512, maskable=True).save(HERE / "icon-maskable-512.png", optimize=True)
    draw(180, maskable=True).convert("RGB").save(HERE / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
