"""vicman: keeps police forces in England and Wales within the Victims' Code."""

__version__ = "0.1.0"
