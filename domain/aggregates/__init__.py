"""Aggregates: check the rules first, then record the event that changes state."""
