"""``geoecg.cli.main(argv)`` called from Python: path-like words are read as their str, a
whole str or a word of another type is a TypeError naming it (session 28; argparse failed
with ``AttributeError: ... has no attribute 'startswith'``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from geoecg.cli import main


def test_path_words_are_read_as_str(tmp_path, capsys):
    missing = tmp_path / "no_such_folder"
    # the same refusal as with the str path: the folder is named, exit status 2
    assert main(["bench", "qrs", "--data", missing]) == 2
    err_path = capsys.readouterr().err
    assert main(["bench", "qrs", "--data", str(missing)]) == 2
    assert capsys.readouterr().err == err_path
    assert "no_such_folder" in err_path


@pytest.mark.parametrize(
    ("argv", "named"),
    [("bench qrs", "str 'bench qrs'"), (["bench", 5], "int 5"), (["info", None], "NoneType None")],
)
def test_bad_argv_is_a_type_error(argv, named):
    with pytest.raises(TypeError, match="argv must be a list of str") as info:
        main(argv)
    assert named in str(info.value)


def test_path_object_alone(tmp_path, capsys):
    # `geoecg info PATH` with a Path gives what the str gives
    assert main(["info", Path(tmp_path)]) == main(["info", str(tmp_path)])
