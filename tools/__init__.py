"""Helpers shared by tests and benchmarks: starting the app's server, the browser's settings, AppTest."""
