"""Listing review: listing states, pending revisions, review decisions, certificates."""
