"""geoecg: classical and geometric machine learning on electrocardiograms.

Subpackages
-----------
io          WFDB records, database adapters (MIT-BIH, NSTDB, PTB-XL, CinC 2017)
signal      zero-phase filters, resampling, noise mixing at a target SNR
datasets    small embedded sample data
viz         plots
"""

from . import datasets, io, signal
from .io import ECGRecord, read_record

__version__ = "0.1.0"

__all__ = ["ECGRecord", "read_record", "io", "signal", "datasets", "__version__"]
