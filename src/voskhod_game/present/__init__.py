"""What a person is told: words and rows shared by every front end (no UI imports)."""
