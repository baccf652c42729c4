"""Names and places across a corpus: name keys and union-find, corpus resolution, the gazetteer."""
