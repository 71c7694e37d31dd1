"""Chapter 5's five problem types, each a small model trained end to end.

Every recipe draws its toy data from ``datasets`` with seeded generators, splits
it into train / validation / test, trains with ``train.train`` (Adam, global-norm
clipping, mini-batches, early stopping on the validation split) and scores the
model on the test split next to baselines without recurrence, the strongest simple
challengers we found. They return a :class:`Run`,
so that the chapter and the benchmarks use the very same code.

====================  ==================  ============================================
problem type          recipe              what the RNN's outputs are used for
====================  ==================  ============================================
many-to-one (regr.)   ``price_forecast``  y at the last step: next day's log-return
many-to-one (class.)  ``sentiment``       y at each sentence's last word: P(positive)
many-to-many          ``running_count``   y_t at every step: "count of 'a' >= k yet?"
seq2seq               ``number_words``    encoder context -> decoder emits digits
one-to-many           ``waveform``        one input (kind, frequency) -> y_0..y_{T-1}
one-to-many           ``captions``        one image -> encoder context -> caption words
====================  ==================  ============================================
"""
from ._run import Run
from .many_to_many import number_words, running_count
from .many_to_one import pairs_both_right, price_forecast, prob_positive, sentence_trace, sentiment
from .one_to_many import captions, generate_wave, one_input, waveform

RECIPES = {"price_forecast": price_forecast, "sentiment": sentiment,
           "running_count": running_count, "number_words": number_words,
           "waveform": waveform, "captions": captions}

__all__ = ["Run", "RECIPES", "price_forecast", "sentiment", "prob_positive", "pairs_both_right",
           "sentence_trace", "running_count", "number_words", "one_input", "generate_wave",
           "waveform", "captions"]
