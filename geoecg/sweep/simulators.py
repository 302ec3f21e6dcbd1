"""Simulators a sweep can draw from, and the environments a config describes."""

from __future__ import annotations

from ..simulate.scm import Environment, shifted_environment

__all__ = ["SIMULATORS", "make_simulator", "environments"]


def _anticausal(params: dict):
    from ..simulate import AnticausalSCM

    return AnticausalSCM(**params)


def _waveform(params: dict):
    from ..simulate import ECGWaveformSimulator

    return ECGWaveformSimulator(**params)


#: ``sweep.simulator`` name -> factory taking the ``[simulator]`` table.
SIMULATORS = {"anticausal": _anticausal, "waveform": _waveform}


def _env(table: dict) -> Environment:
    table = dict(table)
    if "site_probs" in table:
        table["site_probs"] = tuple(table["site_probs"])
    return Environment(**table)


def make_simulator(config):
    """Instantiate the simulator of a :class:`~geoecg.sweep.SweepConfig`.

    Parameters
    ----------
    config : SweepConfig
        Its ``simulator`` names the class; its ``[simulator]`` table gives the parameters.

    Returns
    -------
    object
        The simulator (e.g. :class:`geoecg.simulate.AnticausalSCM`).
    """
    params = dict(config.raw.get("simulator", {}))
    for k, v in params.items():
        if isinstance(v, list):
            params[k] = tuple(v)
    return SIMULATORS[config.simulator](params)


def environments(config, shift: float) -> tuple[list[Environment], Environment]:
    """Training environments and the test environment at shift strength ``shift``.

    Parameters
    ----------
    config : SweepConfig
        Its ``train_env``, ``test_env`` and ``shift`` tables.
    shift : float
        Shift strength of the test environment (0: the unshifted test environment).

    Returns
    -------
    train : list of Environment
        The training environments.
    test : Environment
        The shifted test environment.
    """
    train = [_env(t) for t in config.raw["train_env"]]
    test = shifted_environment(
        _env(config.raw.get("test_env", {})), shift, config.raw.get("shift", {})
    )
    return train, test
