"""One module per section of benchmarks/run.py; each has TITLE and run(sec, ctx)."""
