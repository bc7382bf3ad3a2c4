"""What a run is and how it trains: config, data, networks, optimisers, objectives, Algorithm 1, histories."""
