"""The variational E-step of LDA for a block of documents, compiled with numba.

It is the loop of gensim's ``LdaModel.inference`` (Hoffman et al. 2010, with the Lee & Seung
trick that keeps phi implicit), written as plain loops over one document's terms so that numba
compiles it: gensim runs the same loop as about ten small numpy calls per document and iteration,
whose call overhead is most of the E-step's time on long documents. The arithmetic is gensim's,
in the model's float type; the digamma function is scipy's (``scipy.special.cython_special``).
Results equal gensim's ``inference`` to float rounding (tested).

The kernel is compiled on first use, never at import (this module is itself imported only when an
E-step runs), and numba caches the machine code on disk (``cache=True``: next to this module, or
in the user's cache directory where that is read-only), so only the first process on a machine
pays the few seconds of compilation; later ones load it in about a second. For that, scipy's
digamma is passed in as an argument: a ctypes function pointer held in a global, or a jitted
function held in a closure, makes numba compile afresh in every process. :func:`compile_kernel`
loads or compiles it ahead of forking worker processes, which then inherit the machine code.
"""

from __future__ import annotations

import ctypes
import functools
from typing import Any

import numba
import numpy as np
from numba.extending import get_cython_function_address

__all__ = ["compile_kernel", "estep_kernel"]


@numba.njit(nogil=True, cache=True, fastmath={"reassoc", "contract"})
def _refresh(psi, g, beta_d, n, theta, phinorm, eps):  # type: ignore[no-untyped-def]
    """theta = exp(E[log theta]) = exp(psi(gamma_k) - psi(sum gamma)); phinorm = theta . beta."""
    psi_total = psi(g.sum())
    for k in range(theta.shape[0]):
        theta[k] = np.exp(psi(g[k]) - psi_total)
    phinorm[:n] = 0
    for k in range(theta.shape[0]):
        for j in range(n):
            phinorm[j] += theta[k] * beta_d[k, j]
    phinorm[:n] += eps


@numba.njit(nogil=True, cache=True, fastmath={"reassoc", "contract"})
def _kernel(psi, indptr, local, counts, beta, gamma, alpha, iterations, threshold, sstats):  # type: ignore[no-untyped-def]
    n_topics = beta.shape[0]
    dtype = beta.dtype
    eps = np.finfo(dtype).eps
    width = 0
    for d in range(indptr.shape[0] - 1):
        width = max(width, indptr[d + 1] - indptr[d])
    beta_d = np.empty((n_topics, width), dtype=dtype)
    phinorm = np.empty(width, dtype=dtype)
    ratio = np.empty(width, dtype=dtype)
    theta = np.empty(n_topics, dtype=dtype)
    g = np.empty(n_topics, dtype=dtype)
    for d in range(indptr.shape[0] - 1):
        lo = indptr[d]
        n = indptr[d + 1] - lo
        for k in range(n_topics):
            for j in range(n):
                beta_d[k, j] = beta[k, local[lo + j]]
            g[k] = gamma[d, k]
        _refresh(psi, g, beta_d, n, theta, phinorm, eps)
        for _ in range(iterations):
            for j in range(n):
                ratio[j] = counts[lo + j] / phinorm[j]
            change = 0.0
            for k in range(n_topics):
                acc = 0.0  # float64 accumulator
                for j in range(n):
                    acc += ratio[j] * beta_d[k, j]
                old = g[k]
                g[k] = alpha[k] + theta[k] * acc
                change += abs(g[k] - old)
            _refresh(psi, g, beta_d, n, theta, phinorm, eps)
            if change / n_topics < threshold:
                break
        for k in range(n_topics):
            gamma[d, k] = g[k]
        for j in range(n):
            ratio[j] = counts[lo + j] / phinorm[j]
        for k in range(n_topics):
            for j in range(n):
                sstats[k, local[lo + j]] += theta[k] * ratio[j]


@functools.cache
def estep_kernel() -> Any:
    """Return the kernel as ``kernel(indptr, local, counts, beta, gamma, alpha, iterations,
    threshold, sstats)`` (scipy's digamma bound in).

    ``beta`` is ``exp(E[log beta])`` restricted to the block's terms (topics x terms of the
    block), ``local`` maps each stored count to its column of ``beta``; ``gamma`` (documents x
    topics) holds the starting values and receives the results; ``sstats`` (shaped like
    ``beta``, zeros) receives ``sum_d n_dw * exp(E[log theta_dk]) / phinorm_dw`` (gensim
    multiplies by ``beta`` afterwards).
    """
    address = get_cython_function_address("scipy.special.cython_special", "__pyx_fuse_1psi")
    psi = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)(address)
    return functools.partial(_kernel, psi)


def compile_kernel(dtype: Any = np.float32) -> None:
    """Compile the kernel for ``dtype`` now (on a one-document block), e.g. before a fork."""
    kernel = estep_kernel()
    kind = np.dtype(dtype)
    kernel(
        np.array([0, 1], dtype=np.int64),
        np.zeros(1, dtype=np.int64),
        np.ones(1, dtype=kind),
        np.full((2, 1), 0.5, dtype=kind),
        np.ones((1, 2), dtype=kind),
        np.full(2, 0.5, dtype=kind),
        1,
        1e-3,
        np.zeros((2, 1), dtype=kind),
    )
