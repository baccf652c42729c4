"""The base every layer stands on: Doc and Span attributes, the console, config errors, tokenizer rules, chunking, salience, model folders."""
