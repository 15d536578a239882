"""Real threads for race tests: each starts at one barrier and has its own DB connection."""

import threading
from collections.abc import Callable
from typing import Any


def run_in_parallel(count: int, work: Callable[[int], Any], timeout: float = 60) -> list[Any]:
    """Run ``work(index)`` in ``count`` threads released together; returns each result, or the
    exception it raised, by index. Each thread closes its connection, as a request would."""
    from django.db import connection

    barrier = threading.Barrier(count)
    outcomes: list[Any] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = work(index)
        except Exception as exc:  # handed back to the test, which asserts on it
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    if any(thread.is_alive() for thread in threads):
        raise TimeoutError(f"threads still running after {timeout} s: a deadlock?")
    return outcomes
