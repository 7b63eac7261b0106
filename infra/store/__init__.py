"""The event store: eventsourcing's recorders, a pydantic mapper, the application."""
