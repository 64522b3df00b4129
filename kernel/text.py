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


# Characters a person cannot see that make two equal-looking texts differ: zero-width space, joiners and
# non-joiners, word joiner, byte-order mark, soft hyphen, and the direction marks and embeddings.
INVISIBLE = dict.fromkeys(
    [0x00AD, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
OUR_APPS = {"localities", "plans", "indicators", "workflow"}  # the apps whose stored text is the users'


def clean_input(text):
    """Text as the application stores it, whoever supplied it: NFC, without invisible characters.

    “Huyện Phù Cừ” typed with combining marks (NFD, as some keyboards and PDF copies give it) is then the same
    name as the stored one, for the database's uniqueness, the admin's search and every comparison. Line breaks
    and spacing are kept (a duty's text has paragraphs); non-text values pass through."""
    if not isinstance(text, str):
        return text
    return unicodedata.normalize("NFC", text.translate(INVISIBLE))


def clean_model_text(instance) -> None:
    """Apply clean_input to every text field of a model instance (before a save, a bulk write or validation)."""
    from django.db import models

    for model_field in instance._meta.concrete_fields:
        if isinstance(model_field, models.CharField | models.TextField):
            value = getattr(instance, model_field.attname)
            if isinstance(value, str):
                cleaned = clean_input(value)
                if cleaned != value:
                    setattr(instance, model_field.attname, cleaned)


def clean_text_before_save(sender, instance, raw=False, **kwargs) -> None:
    """pre_save receiver (kernel.apps): the text of our models is stored NFC, without invisible characters."""
    if not raw and sender._meta.app_label in OUR_APPS:
        clean_model_text(instance)
