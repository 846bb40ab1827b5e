"""Reading a raw survey export (CSV, Excel or SPSS) into a table of untouched text cells.

Nothing is interpreted here: every cell stays the text the file holds, so that validation
can point at the exact value and the cleaning stage can log every change it makes. What
was detected (format, encoding, delimiter, sheet, the survey tool's header layout) is
recorded in ``RawTable.notes``.

Survey tools write more than one header row (Qualtrics: names, question text, ImportId;
SurveyMonkey: question text, then "Response" or a matrix statement) or fold the question
text into the heading (LimeSurvey: ``G01Q03. text``). The layout is detected from the first
non-empty rows (:func:`~leisurenet.data.ingest.layouts.detect_layout`); the columns are named
by the layout's rules and the question texts kept in ``RawTable.questions``. The header rows
are never data.

``read`` holds the entry points (:func:`~leisurenet.data.ingest.read.read_export`,
``read_frame``), which check the file and choose its reader: ``csv_excel`` for CSV text and
Excel workbooks, whose header rows ``layouts`` reads, and ``spss`` for .sav files. Each
returns the :class:`~leisurenet.data.ingest.table.RawTable` of ``table``.
"""
