"""One-to-many, harder: images of two coloured shapes with a five-token caption saying
where they are, the article's image-captioning example (chapter 5, section 5.6), with
two baselines that have no recurrence: the most common caption, and a linear read-out
of the pixels for each word of the caption."""
from __future__ import annotations

from collections import Counter

import numpy as np

from .._checks import as_int, check_choice, check_rng
from ._common import as_real, check_token_lists

COLORS = ("red", "green", "blue")
#: RGB in [0, 1] of each colour: pure primaries, so the channel with the largest mean
#: in an object's cell names its colour.
COLOR_RGB = {"red": (1.0, 0.0, 0.0), "green": (0.0, 1.0, 0.0), "blue": (0.0, 0.0, 1.0)}
SHAPES = ("circle", "square", "triangle")
RELATIONS = ("above", "left-of")


def _shape_mask(shape: str, m: int) -> np.ndarray:
    """Filled m x m template: a square fills it, a circle misses the corners, a
    triangle points up (one pixel wide at the top, m wide at the bottom)."""
    check_choice(shape, "shape", SHAPES)
    y, x = np.mgrid[0:m, 0:m].astype(float)
    c = (m - 1) / 2
    if shape == "square":
        return np.ones((m, m), dtype=bool)
    if shape == "circle":
        return (x - c) ** 2 + (y - c) ** 2 <= 0.8 * (m / 2) ** 2
    return np.abs(x - c) <= y / 2 + 1e-9                              # triangle


def shape_scenes(n: int, rng: np.random.Generator, *, size: int = 12, noise: float = 0.1,
                 jitter: bool = False) -> tuple[np.ndarray, list[list[str]]]:
    """Images of two coloured shapes with a five-token caption saying where they are.

    The image is cut into 2 x 2 cells of size/2 pixels. Two objects, each of a random
    colour and shape (they may repeat), are drawn as filled templates of
    (size/2 - 1) pixels square, at a random offset inside two cells that are either

    - in the same column: caption ``[c1, s1, "above", c2, s2]``, object 1 on top, or
    - in the same row:    caption ``[c1, s1, "left-of", c2, s2]``, object 1 on the left,

    each with probability 1/2, on a black background. Then Gaussian noise of standard
    deviation ``noise`` is added to every channel (values are not clipped, so they lie
    in [0, 1] only up to the noise).

    Parameters
    ----------
    n : int >= 1
    rng : numpy.random.Generator
    size : even int >= 8
        Image side in pixels; 12 gives cells of 6 and 5 x 5 templates.
    noise : float >= 0
    jitter : bool
        Place each template at a random offset inside its cell (harder to learn:
        the shape is then no longer a fixed pattern of pixels).

    Returns
    -------
    images : ndarray, shape (n, size, size, 3)
    captions : list of n lists of 5 str
    """
    n = as_int(n, "n", minimum=1)
    check_rng(rng)
    size = as_int(size, "size", minimum=8)
    if size % 2:
        raise ValueError(f"size must be even (two cells of size/2 per side), got {size}")
    noise = as_real(noise, "noise", low=0.0)
    cell = size // 2
    m = cell - 1
    masks = {s: _shape_mask(s, m) for s in SHAPES}
    rgb = {c: np.array(COLOR_RGB[c]) for c in COLORS}
    images = np.zeros((n, size, size, 3))
    captions = []
    for i in range(n):
        relation = RELATIONS[rng.integers(2)]
        line = rng.integers(2)                                       # the shared column / row
        cells = [(0, line), (1, line)] if relation == "above" else [(line, 0), (line, 1)]
        caption = []
        for (row, col) in cells:
            color, shape = COLORS[rng.integers(3)], SHAPES[rng.integers(3)]
            dy, dx = rng.integers(0, cell - m + 1, size=2) if jitter else (0, 0)
            y0, x0 = row * cell + dy, col * cell + dx
            images[i, y0:y0 + m, x0:x0 + m][masks[shape]] = rgb[color]
            caption += [color, shape]
        captions.append(caption[:2] + [relation] + caption[2:])
    images += noise * rng.standard_normal(images.shape)
    return images, captions


def caption_majority_baseline(train_captions, n_test: int) -> list[list[str]]:
    """The most common training caption, for every test image (ties: the first seen)."""
    train = check_token_lists(train_captions, "train_captions")
    if not train:
        raise ValueError("train_captions is empty")
    n_test = as_int(n_test, "n_test", minimum=1)
    best = list(Counter(tuple(c) for c in train).most_common(1)[0][0])
    return [list(best) for _ in range(n_test)]


def pixel_linear_baseline(train_images, train_captions, val_images, val_captions,
                          test_images, *, penalties=(0.1, 1.0, 10.0, 100.0)
                          ) -> list[list[str]]:
    """Captions by a linear read-out of the pixels, one word position at a time.

    No recurrence: the image's pixels a (with a 1 for the bias) are mapped to one score
    per (caption position j, word v) by a single matrix, s = W^T a, and word j of the
    caption is the word with the largest score at position j. W is fitted by ridge
    regression on the one-hot words of the training captions,

        W = (A^T A + penalty I)^{-1} A^T Y,

    with the penalty that gives the most exact captions on the validation images.
    Every caption has the same number of words, so a position is always the same
    part of the caption (colour, shape, relation, colour, shape).

    Returns
    -------
    list of lists of str: a caption per test image
    """
    train = check_token_lists(train_captions, "train_captions")
    val = check_token_lists(val_captions, "val_captions")
    lengths = {len(c) for c in train + val}
    if len(lengths) != 1 or not train or not val:
        raise ValueError("train_captions and val_captions must be non-empty and all "
                         f"of one length, got lengths {sorted(lengths)}")
    L = lengths.pop()
    words = sorted({w for c in train for w in c})
    index = {w: j for j, w in enumerate(words)}

    def design(images, name):
        images = np.asarray(images, dtype=float)
        if images.ndim < 2:
            raise ValueError(f"{name} must hold one image per row, got shape {images.shape}")
        X = images.reshape(len(images), -1)
        return np.hstack([X, np.ones((len(X), 1))])                 # (n, pixels + 1)

    def read(A, W):
        S = (A @ W).reshape(len(A), L, len(words))                  # score per position, word
        return [[words[j] for j in row] for row in S.argmax(axis=2)]

    A, A_val, A_test = (design(x, n) for x, n in ((train_images, "train_images"),
                                                   (val_images, "val_images"),
                                                   (test_images, "test_images")))
    Y = np.zeros((len(train), L * len(words)))                      # one-hot words
    for i, c in enumerate(train):
        Y[i, np.arange(L) * len(words) + [index[w] for w in c]] = 1.0
    G, AY = A.T @ A, A.T @ Y
    best = None
    for penalty in penalties:
        W = np.linalg.solve(G + float(penalty) * np.eye(len(G)), AY)
        right = np.mean([p == t for p, t in zip(read(A_val, W), val)])
        if best is None or right > best[0]:
            best = (right, W)
    return read(A_test, best[1])
