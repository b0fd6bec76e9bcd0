"""Benchmarks that compare the gateway with a bare baseline in the same run (see README.md)."""
