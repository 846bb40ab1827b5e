"""Rule release: the archive for the data repository, after the disclosure check passes."""

import zipfile

from leisurenet.io import stage_logger
from leisurenet.release.archive import build_release
from leisurenet.release.disclosure import DisclosureError

sm = snakemake
log = stage_logger(sm.log[0], "release")
files = {
    "LICENSE": sm.input.license,
    "CITATION.cff": sm.input.citation,
    "codebook/codebook.yaml": sm.input.codebook,
    # The tables and the paper, each where leisurenet.outputs places it in the archive.
    **{sm.params.archived[path]: path for path in [*sm.input.tables, *sm.input.paper]},
    # The manifest is a declared input only when release.include_manifest is set.
    **({"manifest.json": sm.params.manifest} if sm.params.manifest else {}),
}
try:
    # The check runs again here, on exactly what goes into the archive: the report from the
    # rule before is for reading, not trusted as a gate.
    result = build_release(
        recoded=sm.input.recoded,
        variables=sm.input.variables,
        cells=sm.input.cells,
        files=files,
        output=sm.output.archive,
        settings=sm.params.release,
        synthetic=sm.params.synthetic,
    )
except DisclosureError as error:
    log.error("%s\nThe full report: %s", error, sm.input.report_md)
    raise
with zipfile.ZipFile(sm.output.archive) as archive:
    n_files = len(archive.namelist())
log.info(
    "%s: %d files (respondent-level data: %s); %d cross-tab cells suppressed; %d group-disclosure flags",
    sm.output.archive,
    n_files,
    "included" if sm.params.release["microdata"] else "none",
    int(result.cells["suppressed"].sum()),
    int((result.report["check"] == "group_disclosure").sum()),
)
