"""Benchmarks of secnews: one module ``bench_<area>.py`` per area, each with a ``main()``."""
