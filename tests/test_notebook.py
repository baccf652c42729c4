"""`notebooks/explore.ipynb` runs top to bottom on a run of data/raw (nbclient), and is committed clean."""

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient

NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
CELL_TIMEOUT = 300  # seconds per cell; the kernel's start is the slow part on a busy machine


def test_notebook_is_committed_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.outputs == [] and cell.execution_count is None for cell in code)


@pytest.mark.slow
def test_notebook_runs_on_the_demo_output(demo_run, monkeypatch):
    monkeypatch.setenv("NEWS_ENTITIES_RUN", str(demo_run))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            outputs.append(output.get("text", "") + output.get("data", {}).get("text/plain", ""))
    text = "\n".join(outputs)
    assert str(demo_run) in text  # it read the run it was given, not a default
    assert "Islamic State" in text and "Asaad al-Shaibani" in text and "[[IS]]" in text
