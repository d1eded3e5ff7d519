"""SQLAlchemy Core tables, repositories, the unit of work, the group-commit writer."""
