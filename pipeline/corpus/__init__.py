"""Names across a corpus: resolution, the corpus vote, the entity registry of a growing corpus."""
