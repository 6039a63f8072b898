"""Developer scripts. A package so that the tests can import `scripts.screenshots`."""
