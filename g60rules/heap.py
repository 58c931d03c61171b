"""Keep the cyclic garbage collector off the growing model while it is built.

Reading a corpus allocates millions of small objects that live on (YAML nodes while a file is read,
then the model and the graph). CPython's full collections walk every live object each time the
old generation has grown by a quarter, so reading 1,500 declarations spent about a third of its CPU in
them (bench/model.py). Reading creates almost no reference cycles: refcounting frees what it drops.

:func:`young_collections_only` suspends full (generation 2) collections for a block; young ones
still run, so a cycle made and dropped while reading (a refused recursive alias, an exception kept
by a traceback) is still freed. Re-entrant and thread-safe: the thresholds are restored when the
last block leaves.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] | None = None
_NEVER = 2**31 - 1  # generation 1 collections before a full one: never, in practice


@contextmanager
def young_collections_only() -> Iterator[None]:
    """Run the block without full garbage collections (generations 0 and 1 still collect)."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(_saved[0], _saved[1], _NEVER)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None
