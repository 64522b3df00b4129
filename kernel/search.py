"""Searching stored text the way the site's search compares it (kernel.text.search_key), inside the database.

`SearchKey(expression)` is the text without diacritics (đ → d) and in lower case, computed by the database so that a
search over a large table (the 11.700 units of the country) never reads the table into Python: on PostgreSQL with
`translate()` and `lower()`, on SQLite with `search_key` itself, registered on each connection (`register_sqlite`).
The stored text is NFC (kernel.text.clean_input), so one character per accented letter is all the mapping needs.
"""

import unicodedata

from django.db.models import CharField, Func

from .text import search_key


def _accent_map() -> tuple[str, str]:
    """Every Latin letter with diacritics (Vietnamese and the rest of Latin-1 to Latin Extended Additional) and the
    letter search_key makes of it."""
    accented, plain = [], []
    for code in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        if unicodedata.category(char)[0] != "L":
            continue
        key = search_key(char)
        if len(key) == 1 and key != char and key.isascii():
            accented.append(char)
            plain.append(key)
    return "".join(accented), "".join(plain)


ACCENTED, PLAIN = _accent_map()


class SearchKey(Func):
    """The search key of a text column, in the database: what kernel.text.search_key gives in Python (for NFC text
    of Latin letters)."""

    function = "search_key"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template=f"lower(translate(%(expressions)s, '{ACCENTED}', '{PLAIN}'))",
            **extra,
        )


def register_sqlite(sender, connection, **kwargs) -> None:
    """connection_created receiver (kernel.apps): SQLite computes SearchKey with search_key itself."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("search_key", 1, _sqlite_search_key, deterministic=True)


def _sqlite_search_key(value):
    return None if value is None else search_key(value)
