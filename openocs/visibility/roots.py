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
        c = np.minimum(np.maximum(c, aa + margin), bb - margin)
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
    root = np.where(np.isfinite(root), np.minimum(np.maximum(root, a), b), 0.5 * (a + b))
    return np.asarray(root)


def refine_from_guesses(
    func: RootFunction,
    index: IntArray,
    a: FloatArray,
    b: FloatArray,
    fa: FloatArray,
    fb: FloatArray,
    guess: FloatArray,
    half_width_s: FloatArray,
    *,
    tolerance_s: float = TOLERANCE_S,
    exact_ends: Callable[[IntArray], tuple[FloatArray, FloatArray]] | None = None,
) -> FloatArray:
    """:func:`find_roots` for brackets whose roots are already predicted to ``± half_width_s``.

    Two evaluations of ``func`` instead of a dozen: the root is bracketed by the values at
    ``guess − h``, ``guess`` and ``guess + h``, estimated by inverse quadratic interpolation, then
    bracketed again within ``tolerance_s`` and finished with the same secant step on the true end
    values as :func:`find_roots` — the same answer to far below the millisecond. A bracket whose
    prediction does not hold (no sign change where predicted, a NaN guess) is handed to
    :func:`find_roots` unchanged, so a wrong prediction costs time, never accuracy.

    ``fa``/``fb`` may be NaN where computing them costs time: ``exact_ends(positions)`` then gives
    them for the brackets (positions in these arrays) that the fallback needs.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    n = a.size
    if n == 0:
        return np.zeros(0)
    usable = np.isfinite(guess) & np.isfinite(half_width_s)
    g = np.where(usable, np.minimum(np.maximum(guess, a), b), 0.5 * (a + b))
    h = np.where(usable, half_width_s, 0.0)
    lo = np.maximum(g - h, a)
    hi = np.minimum(g + h, b)
    f3 = func(np.concatenate([index, index, index]), np.concatenate([lo, g, hi]))
    f_lo, f_g, f_hi = f3[:n], f3[n : 2 * n], f3[2 * n :]
    first = (f_lo >= 0) != (f_g >= 0)
    second = (f_g >= 0) != (f_hi >= 0)
    usable &= first | second
    x0 = np.where(first, lo, g)
    x1 = np.where(first, g, hi)
    y0 = np.where(first, f_lo, f_g)
    y1 = np.where(first, f_g, f_hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        secant = x0 - y0 * (x1 - x0) / (y1 - y0)
        # Inverse quadratic interpolation t(f = 0) through the three samples.
        quadratic = (
            lo * f_g * f_hi / ((f_lo - f_g) * (f_lo - f_hi))
            + g * f_lo * f_hi / ((f_g - f_lo) * (f_g - f_hi))
            + hi * f_lo * f_g / ((f_hi - f_lo) * (f_hi - f_g))
        )
    estimate = np.where(
        np.isfinite(quadratic) & (quadratic > x0) & (quadratic < x1), quadratic, secant
    )
    estimate = np.where(np.isfinite(estimate), estimate, 0.5 * (x0 + x1))
    near_lo = np.maximum(estimate - 0.4 * tolerance_s, x0)
    near_hi = np.minimum(estimate + 0.4 * tolerance_s, x1)
    f2 = func(np.concatenate([index, index]), np.concatenate([near_lo, near_hi]))
    g_lo, g_hi = f2[:n], f2[n:]
    done = usable & ((g_lo >= 0) != (g_hi >= 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        root = near_lo - g_lo * (near_hi - near_lo) / (g_hi - g_lo)
    root = np.where(
        np.isfinite(root),
        np.minimum(np.maximum(root, near_lo), near_hi),
        0.5 * (near_lo + near_hi),
    )
    missed = np.flatnonzero(~done)
    if missed.size:
        # The narrower bracket of the first round when it holds the root, else the original.
        narrowed = usable[missed]
        fa_missed = np.asarray(fa, dtype=np.float64)[missed]
        fb_missed = np.asarray(fb, dtype=np.float64)[missed]
        if exact_ends is not None:
            unknown = np.flatnonzero(~narrowed & (np.isnan(fa_missed) | np.isnan(fb_missed)))
            if unknown.size:
                fa_missed[unknown], fb_missed[unknown] = exact_ends(missed[unknown])
        root[missed] = find_roots(
            func,
            index[missed],
            np.where(narrowed, x0[missed], a[missed]),
            np.where(narrowed, x1[missed], b[missed]),
            np.where(narrowed, y0[missed], fa_missed),
            np.where(narrowed, y1[missed], fb_missed),
            tolerance_s=tolerance_s,
        )
    return np.asarray(root)
