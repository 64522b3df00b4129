"""Vietnamese text helpers: one way to normalise names and to make slugs."""

import re
import unicodedata

from django.utils.text import slugify


def normalize(text: str) -> str:
    """NFC and single spaces: “Huyện A Lưới” typed with combining marks matches the stored name."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip()


def search_key(text: str) -> str:
    """Text as a search compares it: NFC, without diacritics (đ → d), case-folded, single spaces."""
    decomposed = unicodedata.normalize("NFD", normalize(str(text or "")).replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def vietnamese_slug(text: str) -> str:
    """“Huyện Phong Điền” → “huyen-phong-dien” (đ has no decomposition, so it is mapped by hand)."""
    return slugify(normalize(text).replace("đ", "d").replace("Đ", "D"))
