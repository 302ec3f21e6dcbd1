"""Numba kernels only: no validation, no pandas, no scikit-learn.

Every kernel is ``@njit(cache=True, nogil=True)`` without signature strings, and has a slow
NumPy twin in ``tests/`` that it is compared against.
"""

import os as _os

from .._jit import announce_compilation as _announce_compilation
from .._numba_cache import install as _install_cache_stamps

_announce_compilation()  # one stderr line when the first kernel compiles (not on cache hits)
# a kernel's cache is stamped with its file AND the kernel files it imports (transitively),
# so a changed callee recompiles its callers (numba alone checks the caller's file only)
_install_cache_stamps(_os.path.dirname(__file__))
