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


def test_random_unknown_codes_cannot_grow_the_cache_past_its_bound():
    ticker = Ticker()
    cache = CatalogCache(30, monotonic=ticker, max_entries=100)
    for n in range(10_000):
        cache.get(("entity", f"random-{n}"), lambda: None)
    assert len(cache) == 100
    # The newest entries are the ones kept: a known code read just now is still a hit.
    loads = []
    cache.get(("entity", "10001"), lambda: loads.append(1) or "Comercio Demo")
    assert cache.get(("entity", "10001"), lambda: loads.append(1)) == "Comercio Demo"
    assert loads == [1]


def test_expired_entries_are_dropped_before_live_ones():
    ticker = Ticker()
    cache = CatalogCache(30, monotonic=ticker, max_entries=3)
    cache.get("old", lambda: "stale")
    ticker.now += 20
    cache.get("live-1", lambda: 1)
    cache.get("live-2", lambda: 2)
    ticker.now += 15  # "old" has expired, the two live ones have not
    cache.get("new", lambda: 3)
    loads = []
    assert cache.get("live-1", lambda: loads.append(1)) == 1
    assert cache.get("live-2", lambda: loads.append(1)) == 2
    assert loads == []
