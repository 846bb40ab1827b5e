"""The cleaned responses written as survey-tool exports, each with the mapping that reads it back.

Real exports do not name their columns by codebook IDs: Qualtrics, SurveyMonkey, LimeSurvey
and SPSS files use the tool's own question codes, show the question texts reworded, answer
with the tool's choice texts and carry metadata with personal data (IP and e-mail
addresses, names, locations). This package writes such an export from the cleaned responses
(``results/clean/responses.parquet``: codes and missing types), together with the mapping
(``data.mapping``) a careful user would write for it, so that reading an export through its
mapping can be tested against the answers it came from.

Every layout describes the same answers: an item code becomes the tool's choice text for it
(a .sav file keeps the numeric code, with the choice texts as value labels), a "don't
know" answer the don't-know choice (code 9 in a .sav file), a blank answer an empty cell.
Metadata are fake and depend only on ``seed``; the answers never do. Run
``python -m leisurenet.toolexports RESPONSES_PARQUET DIRECTORY`` to write all four.

``questionnaire`` holds the questions and choice texts as the tools show them,
``respondents`` each respondent's answers and fake metadata, ``layouts`` each tool's columns
(or an SPSS file's variables), and ``writing`` the files and the command line.
"""
