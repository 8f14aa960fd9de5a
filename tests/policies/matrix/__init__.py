"""The exhaustive authorization matrix of issue 4: an independent oracle over the seeded demo
rows writes ``tests/policies/authorization_matrix.csv``; the test runs every cell of it."""
