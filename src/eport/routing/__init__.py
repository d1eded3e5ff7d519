"""Routing: the requirements catalogue, agency tasks, decisions and the combined status."""
