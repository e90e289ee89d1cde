"""The benchmark's phases, one module each, numbered as the report prints them (BENCHMARKS.md)."""
