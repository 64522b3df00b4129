"""Vietnamese text helpers: one way to normalise names and to make slugs."""

import re
import unicodedata

from django.utils.text import slugify


def normalize(text: str) -> str:
    """NFC and single spaces: “Huyện A Lưới” typed with combining marks matches the stored name."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip()


def vietnamese_slug(text: str) -> str:
    """“Huyện Phong Điền” → “huyen-phong-dien” (đ has no decomposition, so it is mapped by hand)."""
    return slugify(normalize(text).replace("đ", "d").replace("Đ", "D"))
