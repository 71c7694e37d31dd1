"""Toy data sets for the problem types of chapter 5, each with a baseline to beat.

One small data set per way of wiring inputs to outputs, one module per data set, each
drawn from a seeded ``np.random.Generator`` and each paired with a baseline that has no
memory of its own, so that a recurrent network has a number to beat:

==============================  ========================================================
module                          data set and baseline
==============================  ========================================================
``prices``                      many-to-one regression: ``price_series`` cut by
                                ``price_windows``; "tomorrow = today" and a linear AR
                                (``fit_linear_ar``)
``sentiment``                   many-to-one classification: ``sentiment_sentences``
                                with "not"; ``majority_baseline`` and
                                ``bag_of_words_baseline`` (blind to word order)
``tags``                        many-to-many, aligned: ``running_count_tags``;
                                ``current_token_baseline`` (blind to the past)
``numerals``                    sequence to sequence: ``number_words`` ->
                                ``number_digits``; ``word_by_word_baseline`` (blind to
                                context)
``waves``                       one-to-many: ``waveforms``, a kind and a frequency -> a
                                whole wave; ``mean_waveform_baseline`` (blind to the
                                input)
``scenes``                      one-to-many, harder: ``shape_scenes``, images ->
                                captions, the article's captioning example
==============================  ========================================================

Data come back as plain NumPy arrays and Python lists of string tokens; turning
tokens into vocabularies, padded batches and one-hot inputs is left to the caller
(``rnn_lib.sequences``). Sequences of numbers are time-major, as everywhere in the
library: ``U[t]`` is u_t. Every public name is also available here, e.g.
``from rnn_lib import datasets as ds; ds.price_series(...)``.
"""
from .numerals import (
    exact_match,
    number_digits,
    number_split,
    number_words,
    word_by_word_baseline,
)
from .prices import PriceWindows, fit_linear_ar, predict_linear_ar, price_series, price_windows
from .scenes import COLOR_RGB, COLORS, RELATIONS, SHAPES, shape_scenes
from .sentiment import (
    SENTIMENT_WORDS,
    bag_of_words_baseline,
    majority_baseline,
    pick_sentiment_examples,
    rule_label,
    sentiment_sentences,
)
from .tags import current_token_baseline, running_count_tags, tag_accuracy
from .waves import (
    FREQ_RANGE,
    WAVE_KINDS,
    Waves,
    mean_waveform_baseline,
    wave,
    wave_input,
    waveforms,
)

__all__ = [
    "exact_match", "number_digits", "number_split", "number_words", "word_by_word_baseline",
    "PriceWindows", "fit_linear_ar", "predict_linear_ar", "price_series", "price_windows",
    "COLOR_RGB", "COLORS", "RELATIONS", "SHAPES", "shape_scenes",
    "SENTIMENT_WORDS", "bag_of_words_baseline", "majority_baseline",
    "pick_sentiment_examples", "rule_label", "sentiment_sentences",
    "current_token_baseline", "running_count_tags", "tag_accuracy",
    "FREQ_RANGE", "WAVE_KINDS", "Waves", "mean_waveform_baseline", "wave", "wave_input",
    "waveforms",
]
