"""Benchmark harness for Hromada: `python -m bench --list`, `python -m bench SCENARIO`.

The runner resets a dedicated PostgreSQL database, migrates it, loads the demo community,
serves the platform with granian, the production server (DEBUG off), on 127.0.0.1, drives it with `wrk`, and
reports medians over several rounds beside the same run's raw PostgreSQL INSERT rate.
See docs/benchmarks.md.
"""
