"""What a run writes: its manifest, the Parquet schemas, rows per Doc, staging and commit, the output lock, loading the tables back."""
