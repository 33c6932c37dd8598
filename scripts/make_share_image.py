"""
Draw static/img/share.png, the 1200 × 630 picture that link previews (Open Graph,
Twitter cards) show for the site: the group's name in Chinese and English, text only.

    .venv/bin/python scripts/make_share_image.py [OUTPUT]

Uses Noto Sans CJK (Debian's fonts-noto-cjk) for the Chinese lines; without it, the
picture carries the English lines only. The PNG is committed: run this again only when
the wording changes.
"""

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
BACKGROUND = (148, 7, 10)  # Peking University red
TEXT = (255, 255, 255)
MUTED = (246, 218, 218)

CJK_FONTS = {
    "bold": "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "regular": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
}
CJK_SC_INDEX = 2  # Simplified Chinese in the collection
LATIN_FONTS = {
    "bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "regular": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
}

# Every line is a fact from the lab's recruitment post.
CHINESE_LINES = [
    ("bold", 76, TEXT, "张文涛教授团队"),
    ("regular", 40, MUTED, "北京大学国际机器学习研究中心"),
    ("bold", 44, TEXT, "招收研究助理（RA）/ 实习生"),
]
ENGLISH_LINES = [
    ("bold", 40, TEXT, "Prof. Zhang Wentao's group, Peking University"),
    ("regular", 34, MUTED, "Research assistants (RA) and interns wanted"),
]


def font(weight, size, cjk):
    if cjk:
        return ImageFont.truetype(CJK_FONTS[weight], size, index=CJK_SC_INDEX)
    path = CJK_FONTS[weight] if Path(CJK_FONTS[weight]).exists() else LATIN_FONTS[weight]
    if Path(path).exists():
        index = CJK_SC_INDEX if path.endswith(".ttc") else 0
        return ImageFont.truetype(path, size, index=index)
    return ImageFont.load_default(size)


def draw(output):
    has_cjk = all(Path(path).exists() for path in CJK_FONTS.values())
    lines = [(*line, True) for line in CHINESE_LINES] if has_cjk else []
    lines += [(*line, False) for line in ENGLISH_LINES]

    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    canvas = ImageDraw.Draw(image)
    gap = 22
    rendered = []
    for weight, size, colour, text, cjk in lines:
        face = font(weight, size, cjk)
        left, top, right, bottom = canvas.textbbox((0, 0), text, font=face)
        if right - left > WIDTH - 2 * MARGIN:
            raise SystemExit(f"line too wide for the picture: {text!r}")
        rendered.append((face, colour, text, top, bottom - top))
    total = sum(height for *_, height in rendered) + gap * (len(rendered) - 1) + 40
    y = (HEIGHT - total) // 2
    for index, (face, colour, text, top, height) in enumerate(rendered):
        canvas.text((MARGIN, y - top), text, font=face, fill=colour)
        y += height + gap
        if has_cjk and index == len(CHINESE_LINES) - 1:
            # A rule between the Chinese and the English lines.
            canvas.rectangle((MARGIN, y + 6, MARGIN + 120, y + 10), fill=MUTED)
            y += 40
    image.save(output, "PNG", optimize=True)
    return output


if __name__ == "__main__":
    default = Path(__file__).resolve().parent.parent / "static" / "img" / "share.png"
    print(draw(Path(sys.argv[1]) if len(sys.argv) > 1 else default))
