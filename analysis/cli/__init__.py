"""The ``secnews`` command line (a front end: nothing in the library imports this package)."""
