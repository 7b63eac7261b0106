"""Kafka consumer loops: thin — decode, call the projection, record the position."""
