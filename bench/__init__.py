"""Benchmarks (run as scripts); a package so that gunicorn can import bench.settings_bench."""
