"""Arabic text: the checks and repairs of text rules, and tokens for the token-level view."""
