"""ChinhQuyen: an e-government platform a Vietnamese province can run itself."""

__version__ = "0.1.0"
