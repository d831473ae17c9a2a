"""The synthetic council: a deterministic, realistic SSD extract for one English council (the one
CLA_LA_CODE names, Derby by default; its places are always the shipped sample of postcodes around Derby).

``generate(...)`` (or ``python -m dagster_project.synth`` / ``cla-synth``) simulates children's care
histories in steady state and writes what a council's case-management system would export as SSD tables
(in DfE codes or the way Liquid Logic writes them), our supplementary IRO tables, a manifest, and beside
them in ``_truth/`` the true 903 history the warehouse should derive. See ``tests/tooling/truth_check.py``
for the self-check against the DfE's validator.
"""

from dagster_project.synth.extract import generate

__all__ = ["generate"]
