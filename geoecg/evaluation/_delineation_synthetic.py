"""Text lines of the ECGSYN truth check (the ``"synthetic"`` section of the delineation report).

Kept apart from :mod:`geoecg.evaluation.delineation` (at its line budget). Rows are those of
:func:`geoecg.features.delineation_protocols.ecgsyn_truth`.
"""

from __future__ import annotations

_CELLS = ("P_on", "P_off", "QRS_on", "QRS_off", "T_off")
_T_CELLS = ("T_on", "T_peak")


def synthetic_lines(rows) -> list[str]:
    """Report lines: one per strip, error mean ± SD in ms per fiducial.

    With only upright T strips (the default grid) the lines are the original ones; when any
    strip has another ``t_polarity`` (``geoecg bench delineate --synthetic --t-polarities``),
    every line names its T shape and adds the T onset, T peak and T Se columns.

    Parameters
    ----------
    rows : list of dict
        Strips as returned by ``ecgsyn_truth`` (``hr_bpm``, ``qrs_width``, ``noise_mv``,
        ``overlap``, optional ``t_polarity``, and per fiducial ``se``, ``mean_ms``,
        ``sd_ms``).

    Returns
    -------
    list of str
        The header and one line per strip.
    """
    shapes = any(x.get("t_polarity", "upright") != "upright" for x in rows)
    cells = _CELLS + _T_CELLS if shapes else _CELLS
    lines = ["ECGSYN vs exact positions (error mean ± SD ms; * = generator fuses waves)"]
    for x in rows:
        text = " ".join(f"{f} {x[f]['mean_ms']:5.0f}±{x[f]['sd_ms']:3.0f}" for f in cells)
        shape = f"T {x.get('t_polarity', 'upright'):<8} " if shapes else ""
        t_se = f" T Se {x['T_peak']['se']:5.1f}" if shapes else ""
        lines.append(
            f"  {shape}HR {x['hr_bpm']:>3} w {x['qrs_width']:.1f} noise {x['noise_mv']:.2f}"
            f"{'*' if x['overlap'] else ' '} "
            f"QRS Se {x['QRS_on']['se']:5.1f}{t_se} {text}"
        )
    return lines
