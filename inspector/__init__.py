"""Inspector: see whether the attributes a website sends reach the Genesys Cloud conversation."""

__version__ = "0.1.0"
