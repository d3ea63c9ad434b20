"""Helpers shared by the benchmarks: timing loops, percentiles, ratios, quiet SDK clients."""

from __future__ import annotations

import statistics
import time
import warnings
from collections.abc import Callable


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def timed(fn: Callable[[], object], runs: int, warmup: int = 3) -> list[float]:
    """Seconds per call of `fn`, `runs` times after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def summary(samples: list[float]) -> dict:
    """p50/p99/mean in milliseconds."""
    return {
        "p50_ms": statistics.median(samples) * 1000,
        "p99_ms": percentile(samples, 99) * 1000,
        "mean_ms": statistics.fmean(samples) * 1000,
        "runs": len(samples),
    }


def quiet_tls_warnings() -> None:
    """The bench's own SDK clients talk to the loopback emulator with set_self_signed()."""
    try:
        from urllib3.exceptions import InsecureRequestWarning
    except ImportError:  # pragma: no cover
        return
    warnings.simplefilter("ignore", InsecureRequestWarning)
