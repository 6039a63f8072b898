"""Qt table models over the services' frozen results."""
