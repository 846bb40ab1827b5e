"""Rule recode: the analysis data set with every derived variable, and its dictionary."""

from leisurenet.codebook import Codebook
from leisurenet.data.recode import partial_role_counts, recode, role_columns, variable_dictionary
from leisurenet.io import read_dataset, stage_logger, write_csv, write_dataset

sm = snakemake
log = stage_logger(sm.log[0], "recode")
codebook = Codebook.from_yaml(sm.input.codebook)
settings = {"size_class": sm.params.size_class, "governance_role": sm.params.governance_role}
clean = read_dataset(sm.input.clean)
recoded = recode(codebook, clean, settings)
minimum = settings["governance_role"]["min_statements"]
for domain, n in partial_role_counts(codebook, clean).items():
    if n:
        log.info(
            "role_%s: %d respondent(s) answered only some role statements; a role needs %d (min_statements)",
            domain,
            n,
            minimum,
        )
for column in ["size_class", *[f"role_{d}" for d in role_columns(codebook)], "role_overall"]:
    counts = recoded[column].value_counts(dropna=False).sort_index()
    log.info("%s: %s", column, ", ".join(f"{k}={v}" for k, v in counts.items()))
write_dataset(recoded, sm.output.parquet, sm.output.csv)
write_csv(variable_dictionary(codebook, recoded, settings), sm.output.variables)
