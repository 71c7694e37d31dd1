"""Toy data sets for the problem types of chapter 5, each with a baseline to beat.

One small data set per way of wiring inputs to outputs, one module per data set, each
drawn from a seeded ``np.random.Generator`` and each paired with a baseline that has no
memory of its own, so that a recurrent network has a number to beat:

==============================  ========================================================
module                          data set and baseline
==============================  ========================================================
``prices``                      many-to-one regression: ``price_series`` cut by
                                ``price_windows``; "tomorrow = today", linear ARs
                                (``fit_linear_ar``) and ``oracle_forecast``
``sentiment``                   many-to-one classification: ``sentiment_reviews``
                                with "not" and "but"; ``majority_baseline`` and
                                ``bag_of_ngrams_baseline`` (blind to word order)
``tags``                        many-to-many, aligned: ``running_count_tags``;
                                ``current_token_baseline`` and ``window_baseline``
                                (blind to all but the last tokens)
``numerals``                    sequence to sequence: ``number_words`` ->
                                ``number_digits``; ``word_by_word_baseline`` (blind to
                                context), ``position_table_baseline`` (no recurrence)
``waves``                       one-to-many: ``waveforms``, a kind and a frequency -> a
                                whole wave; ``mean_waveform_baseline`` (blind to the
                                input), ``nearest_wave_baseline`` and
                                ``interpolated_wave_baseline`` (lookup tables)
``scenes``                      one-to-many, harder: ``shape_scenes``, images ->
                                captions, the article's captioning example;
                                ``caption_majority_baseline``, ``pixel_linear_baseline``
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
    position_table_baseline,
    word_by_word_baseline,
)
from .prices import (
    PriceWindows,
    fit_linear_ar,
    mse_difference_interval,
    oracle_forecast,
    predict_linear_ar,
    price_series,
    price_windows,
)
from .scenes import (
    COLOR_RGB,
    COLORS,
    RELATIONS,
    SHAPES,
    caption_majority_baseline,
    pixel_linear_baseline,
    shape_scenes,
)
from .sentiment import (
    SENTIMENT_WORDS,
    bag_of_ngrams_baseline,
    majority_baseline,
    negation_pairs,
    pick_sentiment_examples,
    review_label,
    sentiment_reviews,
    swap_pairs,
)
from .tags import current_token_baseline, running_count_tags, tag_accuracy, window_baseline
from .waves import (
    FREQ_RANGE,
    WAVE_KINDS,
    Waves,
    interpolated_wave_baseline,
    mean_waveform_baseline,
    nearest_wave_baseline,
    wave,
    wave_input,
    wave_table,
    waveforms,
)

__all__ = [
    "exact_match", "number_digits", "number_split", "number_words", "position_table_baseline",
    "word_by_word_baseline",
    "PriceWindows", "fit_linear_ar", "mse_difference_interval", "oracle_forecast",
    "predict_linear_ar", "price_series", "price_windows",
    "COLOR_RGB", "COLORS", "RELATIONS", "SHAPES", "caption_majority_baseline",
    "pixel_linear_baseline", "shape_scenes",
    "SENTIMENT_WORDS", "bag_of_ngrams_baseline", "majority_baseline", "negation_pairs",
    "pick_sentiment_examples", "review_label", "sentiment_reviews", "swap_pairs",
    "current_token_baseline", "running_count_tags", "tag_accuracy", "window_baseline",
    "FREQ_RANGE", "WAVE_KINDS", "Waves", "interpolated_wave_baseline", "mean_waveform_baseline",
    "nearest_wave_baseline", "wave", "wave_input", "wave_table", "waveforms",
]
