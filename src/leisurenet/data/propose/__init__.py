"""Proposing a mapping from a survey tool's export onto the codebook, for a person to check.

A survey tool names its columns by its own question codes (``Q3_1``, ``G02Q05[SQ001]``,
``v3_1``) or by the question text, and writes answers as its own choice texts. This package
reads such an export and proposes the mapping (the format ``data.mapping`` names) that
brings it onto the codebook:

1. **Columns.** Every column's name, question text (and, for a matrix question, the
   statement after ``" - "`` or inside ``[...]``) and SPSS variable label is compared with
   the codebook's Dutch and English item wording and background descriptions. The score of
   two texts (in [0, 1]) is the mean of difflib's ratio and a token overlap weighted by
   how rare each word is in the codebook, on text folded to lower case without accents or
   punctuation. Columns and codebook IDs are then paired one to one so that the total score
   is largest (:func:`scipy.optimize.linear_sum_assignment`). A pair is *certain* when its
   score is high and clearly beats the runner-up, *uncertain* (``# REVIEW``) when it is
   only fair or close to another, and not made at all below that.
2. **Labels.** The distinct answer texts of the matched item columns (and SPSS value
   labels) that the codebook does not already read are matched to the codes of the item's
   scale: the same words, a fuzzy match or a reading of the wording (``eerder zwakke
   inzet`` is the milder weak side: 2), the last two marked ``# REVIEW``; anything else is
   left ``null`` for the user to fill in.
3. **Privacy.** Columns left unmatched are reported by name only, and those whose names
   say they hold personal metadata (IP and e-mail addresses, names, dates, locations,
   progress, durations) are proposed under ``drop``. No cell of a column that is not
   matched to an item is ever read into the proposal, and none of an item column whose
   answers look like free text rather than a response scale.

The proposal is never read by the pipeline: the user checks it, saves a copy and points
``data.mapping`` at the copy. ``python -m leisurenet.propose RAW`` writes the YAML and a
Markdown report; ``python -m leisurenet.propose --evaluate`` measures the proposals against
the true mappings of the replica written as each tool's export.

The steps are modules of their own: ``reading`` (what is read of an export: its columns'
texts, the names that mark metadata, the answer cells that may be labels), ``columns``
(scoring and pairing columns with codebook IDs), ``labels`` (codes for answer labels),
``proposal`` (the :class:`~leisurenet.data.propose.proposal.Proposal` and how it is
written), ``evaluate`` (``--evaluate``) and ``cli`` (the command line).
"""
