"""Vectorised bracketed root finding (Illinois regula falsi with bisection safeguard)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

RootFunction = Callable[[IntArray, FloatArray], FloatArray]
"""f(index, t_s) for many (object index, time) pairs at once."""

TOLERANCE_S = 1e-4


def find_roots(
    func: RootFunction,
    index: IntArray,
    a: FloatArray,
    b: FloatArray,
    fa: FloatArray,
    fb: FloatArray,
    *,
    tolerance_s: float = TOLERANCE_S,
    max_iterations: int = 80,
) -> FloatArray:
    """Roots of ``func`` in the brackets [a, b] where ``(fa >= 0) != (fb >= 0)``.

    Every bracket is refined independently and deterministically (the same bracket always gives
    the same root), to a width below ``tolerance_s``. "Positive" means ``f >= 0``.
    """
    a = np.array(a, dtype=np.float64)
    b = np.array(b, dtype=np.float64)
    fa = np.array(fa, dtype=np.float64)
    fb = np.array(fb, dtype=np.float64)
    fa_raw = fa.copy()
    fb_raw = fb.copy()
    side = np.zeros(a.shape, dtype=np.int8)
    active = np.flatnonzero(b - a > tolerance_s)
    iteration = 0
    while active.size and iteration < max_iterations:
        iteration += 1
        aa, bb, fa_a, fb_a = a[active], b[active], fa[active], fb[active]
        width = bb - aa
        with np.errstate(divide="ignore", invalid="ignore"):
            c = bb - fb_a * width / (fb_a - fa_a)
        bisect = ~np.isfinite(c) | (c <= aa) | (c >= bb)
        if iteration % 8 == 0:
            bisect[:] = True
        c = np.where(bisect, aa + 0.5 * width, c)
        # Keep at least a small step away from the ends so the bracket always shrinks.
        margin = np.minimum(0.25 * width, 0.5 * tolerance_s)
        c = np.clip(c, aa + margin, bb - margin)
        fc = func(index[active], c)
        same_as_a = (fc >= 0) == (fa_a >= 0)
        # Root in [c, b]: move a.
        move_a = active[same_as_a]
        a[move_a] = c[same_as_a]
        fa[move_a] = fc[same_as_a]
        fa_raw[move_a] = fc[same_as_a]
        halve_b = move_a[side[move_a] == 1]
        fb[halve_b] *= 0.5
        side[move_a] = 1
        # Root in [a, c]: move b.
        move_b = active[~same_as_a]
        b[move_b] = c[~same_as_a]
        fb[move_b] = fc[~same_as_a]
        fb_raw[move_b] = fc[~same_as_a]
        halve_a = move_b[side[move_b] == -1]
        fa[halve_a] *= 0.5
        side[move_b] = -1
        active = active[b[active] - a[active] > tolerance_s]
    # Final secant step on the true end values: the answer no longer depends on the path the
    # iteration took (last-bit differences between calls move it by nanoseconds, not by the
    # bracket width), which keeps results identical across windows after ms rounding.
    with np.errstate(divide="ignore", invalid="ignore"):
        root = a - fa_raw * (b - a) / (fb_raw - fa_raw)
    root = np.where(np.isfinite(root), np.clip(root, a, b), 0.5 * (a + b))
    return np.asarray(root)
