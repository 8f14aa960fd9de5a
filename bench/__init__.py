"""The benchmark harness and its recorded results (not tests; see bench/README.md)."""
