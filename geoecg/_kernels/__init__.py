"""Numba kernels only: no validation, no pandas, no scikit-learn.

Every kernel is ``@njit(cache=True, nogil=True)`` without signature strings, and has a slow
NumPy twin in ``tests/`` that it is compared against.
"""

from .._jit import announce_compilation as _announce_compilation

_announce_compilation()  # one stderr line when the first kernel compiles (not on cache hits)
