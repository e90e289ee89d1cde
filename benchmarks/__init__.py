"""The benchmark harness (`make bench`, `python -m benchmarks.run`): see BENCHMARKS.md."""
