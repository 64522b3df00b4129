"""Reading several items of a row at once, for the long loops of a national table."""

from collections.abc import Callable, Sequence
from operator import itemgetter


def tuple_getter(keys: Sequence) -> Callable[[object], tuple]:
    """itemgetter(*keys) — the items of a sequence or a mapping in one call —, always giving a tuple: itemgetter of
    one key gives the item itself, of none it fails."""
    if len(keys) > 1:
        return itemgetter(*keys)
    return lambda row: tuple(row[key] for key in keys)
