"""The reliability suite: hostile input through every entry point that reads a document, and client
faults over real loopback HTTP.

Run it alone with ``python -m pytest tests/reliability``; it also runs, in its quick form, with
the rest of the tests. ``RELIABILITY=thorough`` turns on the full-size cases (a 1 GiB gzip bomb,
documents at the 16 MiB limit, more hang and retry scenarios). Every test here carries the
``reliability`` marker (``-m reliability`` / ``-m "not reliability"``).

Adding cases: :mod:`tests.reliability.corpus` holds the hostile documents (each names the error it
must raise), :mod:`tests.reliability.loopback` the scripted HTTP server. Emulator cases (malformed
HTTP against the served emulator, load, kill -9) belong in new ``test_emulator_*.py`` modules here,
using the ``loopback`` fixture's server for the application side and ``THOROUGH`` for their
long-running forms.
"""
