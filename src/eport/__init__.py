"""E-Port: an open-source National Single Window for international trade."""

__version__ = "0.1.0"
