"""Run the benchmarks: ``python -m benchmarks`` runs every ``bench_*.py`` module of this folder in
name order; ``python -m benchmarks folder build`` runs only ``bench_folder`` and ``bench_build``.

Each module's ``main()`` is called without command-line arguments (a ``main`` that takes ``argv``
gets an empty list), so every benchmark runs with its defaults.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
import time
from pathlib import Path


def _names() -> list[str]:
    folder = Path(__file__).resolve().parent
    return sorted(
        info.name[len("bench_") :]
        for info in pkgutil.iter_modules([str(folder)])
        if info.name.startswith("bench_")
    )


def _call(name: str) -> int:
    module = importlib.import_module(f"benchmarks.bench_{name}")
    main = module.main
    saved = sys.argv
    sys.argv = [f"benchmarks.bench_{name}"]
    try:
        result = main([]) if inspect.signature(main).parameters else main()
    finally:
        sys.argv = saved
    return result if isinstance(result, int) else 0


def main(argv: list[str] | None = None) -> int:
    """Run the named benchmarks (all when none is named); return the worst exit code."""
    wanted = list(sys.argv[1:] if argv is None else argv)
    available = _names()
    unknown = [n for n in wanted if n.removeprefix("bench_") not in available]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available)}")
        return 2
    names = [n.removeprefix("bench_") for n in wanted] or available
    worst = 0
    for name in names:
        print(f"=== bench_{name}", flush=True)
        start = time.perf_counter()
        code = _call(name)
        print(f"=== bench_{name}: exit {code}, {time.perf_counter() - start:.1f} s", flush=True)
        worst = max(worst, code)
    return worst


if __name__ == "__main__":
    sys.exit(main())
