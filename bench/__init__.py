"""Benchmarks, the security scan, and the gunicorn launcher they share with the tests."""
