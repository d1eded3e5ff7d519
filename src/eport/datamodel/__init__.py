"""The unified data model: canonical documents and the code lists they are checked against."""
