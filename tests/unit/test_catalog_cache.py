from gateway.store.catalog import CatalogCache


class Ticker:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_reads_are_kept_for_the_ttl_then_read_again():
    ticker, loads = Ticker(), []
    cache = CatalogCache(30, monotonic=ticker)
    load = lambda: loads.append(1) or len(loads)  # noqa: E731
    assert cache.get("service", load) == 1
    ticker.now += 29
    assert cache.get("service", load) == 1
    ticker.now += 2
    assert cache.get("service", load) == 2


def test_a_write_empties_the_cache_and_zero_ttl_never_caches():
    loads = []
    cache = CatalogCache(30)
    cache.get("k", lambda: loads.append(1))
    cache.clear()
    cache.get("k", lambda: loads.append(1))
    uncached = CatalogCache(0)
    uncached.get("k", lambda: loads.append(1))
    uncached.get("k", lambda: loads.append(1))
    assert len(loads) == 4
