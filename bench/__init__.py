"""Benchmarks: speed and memory targets live here, never in timed tests.

    make bench                      # everything
    .venv/bin/python -m bench cold-start --runs 7

Results, with the command that reproduces them, are recorded in docs/benchmarks.md.
"""
