"""glibc's thresholds set once per command process: freed C memory stays for the next batch."""

import subprocess
import sys

import pytest

from pipeline.base import allocator


def test_the_thresholds_are_set_where_glibc_allocates(monkeypatch):
    monkeypatch.setattr(allocator.platform, "system", lambda: "Darwin")
    assert allocator.keep_freed_memory() is False  # another allocator: left alone
    monkeypatch.undo()
    if allocator.platform.libc_ver()[0] != "glibc":
        pytest.skip("glibc only")
    code = "from pipeline.base.allocator import keep_freed_memory; print(keep_freed_memory(), keep_freed_memory())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "True"]  # accepted by mallopt, and harmless when set again


def test_the_command_line_sets_them_before_its_command_runs(monkeypatch):
    from pipeline.commands import cli

    calls: list[str] = []
    monkeypatch.setattr(cli, "keep_freed_memory", lambda: calls.append("allocator"))
    monkeypatch.setattr(cli, "starting", lambda: calls.append("starting"))
    monkeypatch.setattr(cli, "exiting", lambda: calls.append("exiting"))
    monkeypatch.setattr(cli, "app", lambda **kwargs: calls.append("command"))
    cli.main()
    assert calls == ["allocator", "starting", "command", "exiting"]
