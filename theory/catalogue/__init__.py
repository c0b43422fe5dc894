"""Published results, one module per paper. Each module lists its claims in `CLAIMS`."""
