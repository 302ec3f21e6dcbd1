"""Sweep configurations shipped with geoecg (package data in ``geoecg/sweep/configs``).

>>> "anticausal_covariate_shift" in list_configs()
True
>>> config_path("prevalence_shift").name
'prevalence_shift.toml'
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

__all__ = ["list_configs", "config_path", "resolve_config", "config_title", "TITLES"]

#: Figure titles of the packaged studies, in words.
TITLES = {
    "anticausal_covariate_shift": "Anticausal covariate shift: the test population is older",
    "prevalence_shift": "Prevalence shift: more disease at every age in the test population",
    "device_noise_shift": "Device shift: lower gain and more noise on the test ECGs (synthetic)",
}


def config_title(name: str) -> str:
    """Title of a packaged study in words (``name`` itself for any other sweep).

    Parameters
    ----------
    name : str
        Sweep name (a packaged configuration's, or any other).

    Returns
    -------
    str
        The title.

    Examples
    --------
    >>> config_title("prevalence_shift")
    'Prevalence shift: more disease at every age in the test population'
    >>> config_title("my_sweep")  # any other name is its own title
    'my_sweep'
    """
    return TITLES.get(name, name)


def _folder():
    return resources.files("geoecg.sweep") / "configs"


def list_configs() -> list[str]:
    """Names of the packaged sweep configurations, sorted (use them with :func:`config_path`).

    Returns
    -------
    list of str
        Configuration names without ``.toml``.

    Examples
    --------
    >>> list_configs()
    ['anticausal_covariate_shift', 'device_noise_shift', 'prevalence_shift']
    """
    return sorted(p.name[:-5] for p in _folder().iterdir() if p.name.endswith(".toml"))


def config_path(name: str) -> Path:
    """Path of the packaged sweep configuration ``name`` (with or without ``.toml``).

    Parameters
    ----------
    name : str
        A name of :func:`~geoecg.sweep.list_configs`, with or without ``.toml``.

    Returns
    -------
    pathlib.Path
        The TOML file inside the installed package.

    Raises
    ------
    ValueError
        If no packaged configuration has that name (the message lists them).

    Examples
    --------
    >>> from geoecg.sweep import load_config
    >>> path = config_path("prevalence_shift")
    >>> path.name
    'prevalence_shift.toml'
    >>> load_config(path).simulator
    'anticausal'
    """
    stem = name[:-5] if name.endswith(".toml") else name
    if stem not in list_configs():
        raise ValueError(f"no packaged sweep config named {name!r}; packaged: {list_configs()}")
    return Path(str(_folder() / f"{stem}.toml"))


def resolve_config(source) -> Path:
    """A TOML path from an existing file path or the name of a packaged configuration.

    Parameters
    ----------
    source : str or path-like
        A TOML file, or the name of a configuration shipped with geoecg (with or without
        ``.toml``; :func:`~geoecg.sweep.list_configs` lists them).

    Returns
    -------
    pathlib.Path
        The file to read.

    Raises
    ------
    FileNotFoundError
        If ``source`` is neither an existing file nor a packaged name.
    """
    path = Path(source)
    if path.is_file():
        return path
    text = os.fspath(source)
    if os.sep not in text and "/" not in text:
        stem = text[:-5] if text.endswith(".toml") else text
        if stem in list_configs():
            return config_path(stem)
    raise FileNotFoundError(
        f"sweep config {text} does not exist (neither a file nor a packaged config; "
        f"packaged: {', '.join(list_configs())})"
    )
