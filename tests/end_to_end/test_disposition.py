"""The dispositions and the named response rate on the replica, from the workflow's own run."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from leisurenet.paper.provenance import unmark

pytestmark = pytest.mark.slow


def test_the_paper_names_rr1_from_the_dispositions_of_every_network(replica_run):
    table = pd.read_csv(replica_run / "results/clean/disposition.csv", dtype={"resp_id": str})
    flow = pd.read_csv(replica_run / "results/clean/sample_flow.csv", keep_default_na=False)
    overall = flow[flow["item"] == ""].set_index("step")["n"]
    assert len(table) == overall["frame"] and table["network_id"].is_unique and table["in_frame"].all()
    assert table["resp_id"].notna().sum() == overall["export"]
    variables = yaml.safe_load(
        (replica_run / "results/paper/assets/_variables.yml").read_text(encoding="utf-8")
    )
    sentence = unmark(variables["disposition"]["sentence"])
    n_complete, n_frame = int((table["aapor_group"] == "I").sum()), len(table)
    assert f"= {n_complete} / {n_frame} = {100 * n_complete / n_frame:.1f}%" in sentence
    assert "AAPOR's response rate RR1" in sentence and "(response rate" not in unmark(
        variables["data"]["sample_sentence"]
    )
    provenance = pd.read_csv(replica_run / "results/paper/provenance.csv")
    assert (provenance["source"] == "results/clean/disposition.csv").any()
