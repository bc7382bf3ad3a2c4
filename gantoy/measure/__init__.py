"""Numbers about a state: densities, divergences, W1, mode coverage, snapshots (imports core only)."""
