"""The AF modules moved into ``geoecg.features.af`` / ``geoecg.estimators.af`` (issue 25): the
old import paths still work for one release, with a DeprecationWarning naming the new one."""

import importlib
import sys
import warnings

import pytest

MOVED = {
    "geoecg.features.af_record": ("geoecg.features.af.record", "af_record_features"),
    "geoecg.features.af_rhythm_profile": (
        "geoecg.features.af.rhythm_profile",
        "rhythm_profile_features",
    ),
    "geoecg.features.af_crops": ("geoecg.features.af.crops", "af_crop_features"),
    "geoecg.estimators.af_ectopy": ("geoecg.estimators.af.ectopy", "EctopyFilteredDetector"),
    "geoecg.estimators.af_pipeline": ("geoecg.estimators.af.pipeline", "AFRecordClassifier"),
    "geoecg.estimators.af_screening": ("geoecg.estimators.af.screening", "screen_af"),
    "geoecg.estimators.cinc2017": ("geoecg.estimators.af.cinc2017", "CinC2017Classifier"),
}


@pytest.mark.usefixtures("no_background_compile")
@pytest.mark.parametrize("old", sorted(MOVED))
def test_old_path_warns_and_gives_the_same_object(old):
    new, name = MOVED[old]
    sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning, match=new.replace(".", r"\.")):
        mod = importlib.import_module(old)
    target = importlib.import_module(new)
    assert getattr(mod, name) is getattr(target, name)
    assert mod.__all__ == target.__all__


@pytest.mark.usefixtures("no_background_compile")
def test_new_packages_import_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        import geoecg.features as F
        from geoecg.estimators.af import CinC2017Classifier
        from geoecg.features.af import af_record_features, rr_windows
    assert F.af_record_features is af_record_features
    assert callable(rr_windows) and CinC2017Classifier.__module__ == "geoecg.estimators.af.cinc2017"


@pytest.mark.usefixtures("no_background_compile")
def test_prior_correct_old_name_warns():
    import geoecg.estimators as E
    import geoecg.estimators.af as A

    with pytest.warns(DeprecationWarning, match="geoecg.estimators.prior_correct"):
        f = A.prior_correct
    assert f is E.prior_correct
    with pytest.raises(AttributeError, match="no_such_name"):
        A.no_such_name  # noqa: B018
