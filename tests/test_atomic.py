from __future__ import annotations

from pathlib import Path

import pytest

from secnews.corpus.atomic import atomic_write, atomic_write_text


def test_failed_write_leaves_previous_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "table.csv"
    atomic_write_text(target, "old\n")

    def broken(temp: Path) -> None:
        temp.write_text("half of the new")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        atomic_write(target, broken)
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.csv"]


def test_write_creates_folders(tmp_path: Path) -> None:
    target = atomic_write_text(tmp_path / "a" / "b.txt", "Заголовок\n")
    assert target.read_bytes() == "Заголовок\n".encode()
