"""Stance at scale: claims written by annotators (claims.py) and the claim-article pairs drawn for them
(pairs.py)."""
