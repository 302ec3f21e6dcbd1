"""Anticausal structural causal model: environment -> covariates -> disease -> biomarker.

The graph follows Blaas et al. (2024), "Considerations for distribution shift robustness of
diagnostic models in healthcare": the environment E sets the distribution of the covariates
W = (age, sex, site); W causes the disease Y; Y and W cause the biomarker X. An optional
shortcut feature is correlated with Y only where the environment says so.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

__all__ = [
    "Environment",
    "SCMSample",
    "AnticausalSCM",
    "shift_covariates",
    "shift_prevalence",
    "shift_mechanism",
    "shift_shortcut",
    "shifted_environment",
]

#: Reference age (years) and scale (years) used to standardise age inside the mechanisms.
AGE_CENTER_Y = 60.0
AGE_SCALE_Y = 15.0


def _check_real(v, name: str) -> None:
    """Raise a TypeError/ValueError naming ``name`` unless ``v`` is a finite real number
    (Python or NumPy int/float; ``bool``, text and complex are not)."""
    if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a real number, got {type(v).__name__} {v!r}")
    if not np.isfinite(v):
        raise ValueError(f"{name} must be finite, got {v}")


def _real(v, name: str) -> float:
    """``v`` as a finite float, or a TypeError/ValueError naming ``name``."""
    _check_real(v, name)
    return float(v)


@dataclass(frozen=True)
class Environment:
    """One environment (population, site mix, device) of the anticausal SCM.

    Parameters
    ----------
    age_mean, age_sd : float
        Mean and standard deviation of age, in years (Gaussian, not truncated).
    female_frac : float
        P(sex = 1), in [0, 1] (sex coded 0 male, 1 female as in PTB-XL).
    site_probs : tuple of float
        P(site = k); must sum to 1 and match the number of sites of the SCM.
    prevalence_shift : float
        Additive shift of the log-odds of P(Y = 1 | W) (intervention on P(Y | W)).
    gain : float
        Multiplicative device gain on X (1 = none).
    noise_sd : float
        Extra Gaussian measurement noise added to X (same units as X).
    misplacement : float
        Probability, per subject, that the first two biomarker channels are swapped
        (a lead misplacement in the waveform simulator).
    shortcut : float
        Strength of the shortcut feature: S = shortcut * (2Y - 1) + N(0, 1).
    """

    age_mean: float = 60.0
    age_sd: float = 12.0
    female_frac: float = 0.5
    site_probs: tuple = (0.5, 0.5)
    prevalence_shift: float = 0.0
    gain: float = 1.0
    noise_sd: float = 0.0
    misplacement: float = 0.0
    shortcut: float = 0.0

    def __post_init__(self):
        for f in ("age_mean", "age_sd", "female_frac", "prevalence_shift", "gain", "noise_sd",
                  "misplacement", "shortcut"):  # fmt: skip
            _check_real(getattr(self, f), f)
        if not np.isfinite(self.age_sd) or self.age_sd < 0:
            raise ValueError(f"age_sd must be >= 0 years, got {self.age_sd}")
        if not 0.0 <= self.female_frac <= 1.0:
            raise ValueError(f"female_frac must be in [0, 1], got {self.female_frac}")
        p = np.asarray(self.site_probs, dtype=float)
        if p.ndim != 1 or p.size == 0 or np.any(p < 0) or not np.isclose(p.sum(), 1.0):
            raise ValueError(
                f"site_probs must be probabilities summing to 1, got {self.site_probs}"
            )
        object.__setattr__(self, "site_probs", tuple(float(v) for v in p))
        if self.noise_sd < 0:
            raise ValueError(f"noise_sd must be >= 0, got {self.noise_sd}")
        if not 0.0 <= self.misplacement <= 1.0:
            raise ValueError(
                f"misplacement must be a probability in [0, 1], got {self.misplacement}"
            )


@dataclass(frozen=True)
class SCMSample:
    """A draw from an SCM.

    Attributes
    ----------
    X : ndarray, shape (n, n_features)
        Biomarkers (the shortcut, if any, is the last column).
    y : ndarray, shape (n,)
        Disease (int 0/1) for the logistic variant, float for the linear-Gaussian one.
    covariates : DataFrame
        ``age`` (years), ``sex`` (0/1), ``site`` (categorical string ``"s0"``, ...).
    domain : ndarray of int, shape (n,)
        Environment index of each subject.
    feature_names : tuple of str
    """

    X: np.ndarray
    y: np.ndarray
    covariates: pd.DataFrame
    domain: np.ndarray
    feature_names: tuple = field(default=())

    def __len__(self) -> int:
        return int(self.y.shape[0])


def _check_n(n) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"n must be a non-negative int (number of subjects), got {n!r}")
    return int(n)


def _sample_args(n, env, random_state) -> tuple[int, list, np.random.Generator]:
    """The checked arguments of a ``sample`` method: ``n`` (subjects per environment), the
    environments as a non-empty list, and the random generator."""
    n = _check_n(n)
    envs = [env] if isinstance(env, Environment) else list(env)
    if not envs or not all(isinstance(e, Environment) for e in envs):
        raise TypeError("env must be an Environment or a non-empty list of Environment")
    return n, envs, _as_generator(random_state)


@dataclass(frozen=True)
class AnticausalSCM:
    """Anticausal SCM E -> W -> Y -> X with W -> X and an optional shortcut.

    Parameters
    ----------
    n_features : int
        Number of biomarker channels X.
    kind : {"logistic", "linear-gaussian"}
        ``"logistic"``: Y ~ Bernoulli(sigmoid(eta(W))); ``"linear-gaussian"``:
        Y = eta(W) + N(0, 1) (a continuous outcome, for anchor regression).
    intercept : float
        Log-odds (or mean) of Y at the reference covariates (age 60 y, male, site 0).
    beta_age, beta_sex : float
        Effect of standardised age ((age - 60) / 15) and of sex on eta.
    beta_site : tuple of float
        Effect of each site on eta (first must be 0 for identifiability).
    effect_y : float or sequence
        Shift of each X channel per unit of Y (the disease signature).
    effect_age, effect_sex : float or sequence
        Shift of each X channel per unit of standardised age / of sex.
    effect_site : float
        Shift of all X channels per site index (site k adds ``k * effect_site``).
    noise : float
        Standard deviation of the Gaussian noise of X given (Y, W).
    shortcut : bool
        Append a shortcut feature whose correlation with Y is set per environment.

    Notes
    -----
    In the logistic variant with ``gain = 1``, ``noise_sd = 0`` and no misplacement,
    X | Y, W is Gaussian with a class-independent covariance, so P(Y | X, W) is exactly
    logistic-linear in (X, age, sex, site one-hot): a logistic regression on X and W is well
    specified and its conditional is the same in every environment (interventions on P(W)
    leave it invariant). P(Y | X) is not: it integrates over P(W | X), which moves with P(W).

    The defaults make age raise the disease risk (``beta_age = 1.5`` per 15 years) while
    lowering the first two biomarker channels (``effect_age = (-1.5, -1.5, -0.5, 0.5)``), as
    QRS voltage falls with age while hypertrophy, which raises it, becomes more common. Age
    then partly masks the disease in X, so an X-only model must lean on the age mix of its
    training population, and is miscalibrated where that mix differs.

    Examples
    --------
    >>> scm = AnticausalSCM()
    >>> s = scm.sample(500, Environment(age_mean=70.0), random_state=0)
    >>> s.X.shape, sorted(s.covariates.columns)
    ((500, 4), ['age', 'sex', 'site'])
    >>> bool(abs(s.covariates["age"].mean() - 70) < 2)
    True
    """

    n_features: int = 4
    kind: str = "logistic"
    intercept: float = -0.5
    beta_age: float = 1.5
    beta_sex: float = -0.5
    beta_site: tuple = (0.0, 0.5)
    effect_y: float | tuple = 1.0
    effect_age: float | tuple = (-1.5, -1.5, -0.5, 0.5)
    effect_sex: float | tuple = 0.5
    effect_site: float = 0.3
    noise: float = 1.0
    shortcut: bool = False

    def __post_init__(self):
        if self.kind not in ("logistic", "linear-gaussian"):
            raise ValueError(f"kind must be 'logistic' or 'linear-gaussian', got {self.kind!r}")
        if isinstance(self.n_features, bool) or int(self.n_features) < 1:
            raise ValueError(f"n_features must be a positive int, got {self.n_features!r}")
        if self.noise <= 0:
            raise ValueError(f"noise must be > 0, got {self.noise}")
        object.__setattr__(self, "beta_site", tuple(float(b) for b in self.beta_site))
        for name in ("effect_y", "effect_age", "effect_sex"):
            v = getattr(self, name)
            if np.ndim(v) == 0:
                continue
            v = tuple(float(a) for a in v)
            if len(v) != self.n_features:
                raise ValueError(
                    f"{name} must have n_features={self.n_features} entries, got {len(v)}"
                )
            object.__setattr__(self, name, v)

    @property
    def n_sites(self) -> int:
        return len(self.beta_site)

    @property
    def feature_names(self) -> tuple:
        names = tuple(f"x{i}" for i in range(self.n_features))
        return names + (("shortcut",) if self.shortcut else ())

    def _vec(self, v) -> np.ndarray:
        return np.broadcast_to(np.asarray(v, dtype=float), (self.n_features,))

    def sample_covariates(self, n: int, env: Environment, rng) -> pd.DataFrame:
        """Draw W = (age, sex, site) from an environment."""
        if len(env.site_probs) != self.n_sites:
            raise ValueError(
                f"environment has {len(env.site_probs)} site probabilities, the SCM has "
                f"{self.n_sites} sites (beta_site)"
            )
        age = env.age_mean + env.age_sd * rng.standard_normal(n)
        sex = (rng.random(n) < env.female_frac).astype(np.int64)
        site = rng.choice(self.n_sites, size=n, p=np.asarray(env.site_probs))
        cats = [f"s{k}" for k in range(self.n_sites)]
        return pd.DataFrame(
            {
                "age": age,
                "sex": sex,
                "site": pd.Categorical.from_codes(site, categories=cats),
            }
        )

    def linear_predictor(self, covariates: pd.DataFrame, env: Environment) -> np.ndarray:
        """eta(W) = log-odds (logistic) or mean (linear-Gaussian) of Y given W."""
        a = (covariates["age"].to_numpy(float) - AGE_CENTER_Y) / AGE_SCALE_Y
        site = covariates["site"].cat.codes.to_numpy()
        return (
            self.intercept
            + env.prevalence_shift
            + self.beta_age * a
            + self.beta_sex * covariates["sex"].to_numpy(float)
            + np.asarray(self.beta_site)[site]
        )

    def sample_outcome(self, covariates: pd.DataFrame, env: Environment, rng) -> np.ndarray:
        eta = self.linear_predictor(covariates, env)
        if self.kind == "logistic":
            return (rng.random(eta.size) < 1.0 / (1.0 + np.exp(-eta))).astype(np.int64)
        return eta + rng.standard_normal(eta.size)

    def sample_biomarkers(self, y, covariates: pd.DataFrame, env: Environment, rng) -> np.ndarray:
        """Draw X given Y and W, then apply the environment's device mechanism and shortcut."""
        n = len(covariates)
        a = (covariates["age"].to_numpy(float) - AGE_CENTER_Y) / AGE_SCALE_Y
        sex = covariates["sex"].to_numpy(float)
        site = covariates["site"].cat.codes.to_numpy().astype(float)
        X = (
            np.outer(np.asarray(y, float), self._vec(self.effect_y))
            + np.outer(a, self._vec(self.effect_age))
            + np.outer(sex, self._vec(self.effect_sex))
            + np.outer(site, np.full(self.n_features, self.effect_site))
            + self.noise * rng.standard_normal((n, self.n_features))
        )
        X = env.gain * X
        if env.noise_sd > 0:
            X = X + env.noise_sd * rng.standard_normal(X.shape)
        if env.misplacement > 0 and self.n_features >= 2:
            swap = rng.random(n) < env.misplacement
            X[swap, :2] = X[swap, 1::-1]
        if self.shortcut:
            s = env.shortcut * (2.0 * np.asarray(y, float) - 1.0) + rng.standard_normal(n)
            X = np.column_stack([X, s])
        return X

    def sample(self, n: int, env: Environment | list, random_state=None) -> SCMSample:
        """Draw ``n`` subjects from one environment or a list of environments.

        Parameters
        ----------
        n : int
            Subjects per environment.
        env : Environment or list of Environment
            With a list, ``n`` subjects are drawn from each and ``domain`` holds the index.
        random_state : int, Generator, RandomState or None

        Returns
        -------
        SCMSample
        """
        n, envs, rng = _sample_args(n, env, random_state)
        parts = []
        for k, e in enumerate(envs):
            W = self.sample_covariates(n, e, rng)
            y = self.sample_outcome(W, e, rng)
            X = self.sample_biomarkers(y, W, e, rng)
            parts.append((X, y, W, np.full(n, k, dtype=np.int64)))
        X = np.concatenate([p[0] for p in parts]) if n else np.empty((0, len(self.feature_names)))
        return SCMSample(
            X=X,
            y=np.concatenate([p[1] for p in parts]),
            covariates=pd.concat([p[2] for p in parts], ignore_index=True),
            domain=np.concatenate([p[3] for p in parts]),
            feature_names=self.feature_names,
        )


def _as_generator(random_state) -> np.random.Generator:
    """numpy Generator from an int / Generator / RandomState / None."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is None or isinstance(random_state, (int, np.integer)):
        return np.random.default_rng(random_state)
    rs = check_random_state(random_state)
    return np.random.default_rng(rs.randint(0, 2**31 - 1))


def _replace_given(env: Environment, **fields) -> Environment:
    """A copy of ``env`` with the ``fields`` that are not None replaced (None: keep)."""
    return dataclasses.replace(env, **{k: v for k, v in fields.items() if v is not None})


def shift_covariates(
    env: Environment, *, age_mean=None, age_sd=None, female_frac=None, site_probs=None
) -> Environment:
    """Intervene on P(W): a new environment with other age, sex or site distributions.

    Parameters
    ----------
    env : Environment
        The environment to shift.
    age_mean, age_sd : float, optional
        New mean and standard deviation of age, in years.
    female_frac : float, optional
        New P(sex = 1), in [0, 1].
    site_probs : tuple of float, optional
        New P(site = k), summing to 1.

    Returns
    -------
    Environment
        A new environment; ``env`` is not changed.

    Examples
    --------
    >>> shift_covariates(Environment(), age_mean=75.0).age_mean
    75.0
    """
    return _replace_given(
        env, age_mean=age_mean, age_sd=age_sd, female_frac=female_frac, site_probs=site_probs
    )


def shift_prevalence(env: Environment, log_odds: float) -> Environment:
    """Intervene on P(Y | W): add ``log_odds`` to the disease log-odds.

    Parameters
    ----------
    env : Environment
        The environment to shift.
    log_odds : float
        The new ``prevalence_shift``: additive shift of the log-odds of P(Y = 1 | W).

    Returns
    -------
    Environment
        A new environment; ``env`` is not changed.

    Examples
    --------
    >>> scm = AnticausalSCM()
    >>> base = scm.sample(4000, Environment(), random_state=0)
    >>> shifted = scm.sample(4000, shift_prevalence(Environment(), 1.5), random_state=0)
    >>> round(float(base.y.mean()), 2), round(float(shifted.y.mean()), 2)  # P(Y = 1) rises
    (0.4, 0.68)
    """
    return dataclasses.replace(env, prevalence_shift=_real(log_odds, "log_odds"))


def shift_mechanism(
    env: Environment, *, gain=None, noise_sd=None, misplacement=None
) -> Environment:
    """Intervene on the mechanism of X: device gain, extra noise, lead misplacement rate.

    Parameters
    ----------
    env : Environment
        The environment to shift.
    gain : float, optional
        New multiplicative device gain on X (1 = none).
    noise_sd : float, optional
        New extra Gaussian measurement noise on X, in the units of X.
    misplacement : float, optional
        New probability, per subject, of swapped first two biomarker channels.

    Returns
    -------
    Environment
        A new environment; ``env`` is not changed.

    Examples
    --------
    >>> env = shift_mechanism(Environment(), gain=2.0, noise_sd=0.2)
    >>> env.gain, env.noise_sd, env.misplacement  # fields not given keep their value
    (2.0, 0.2, 0.0)
    >>> scm = AnticausalSCM()
    >>> a = scm.sample(2000, Environment(), random_state=0)
    >>> b = scm.sample(2000, shift_mechanism(Environment(), gain=2.0), random_state=0)
    >>> round(float(b.X.std() / a.X.std()), 2)  # the same subjects measured with twice the gain
    2.0
    """
    return _replace_given(env, gain=gain, noise_sd=noise_sd, misplacement=misplacement)


def shift_shortcut(env: Environment, strength: float) -> Environment:
    """Intervene on the shortcut: set its correlation strength with Y.

    Parameters
    ----------
    env : Environment
        The environment to shift.
    strength : float
        New shortcut strength: S = strength * (2Y - 1) + N(0, 1).

    Returns
    -------
    Environment
        A new environment; ``env`` is not changed.

    Examples
    --------
    >>> import numpy as np
    >>> scm = AnticausalSCM(shortcut=True)  # X gets a last column, the shortcut
    >>> for strength in (0.0, 2.0):
    ...     s = scm.sample(2000, shift_shortcut(Environment(), strength), random_state=0)
    ...     print(s.feature_names[-1], round(float(np.corrcoef(s.X[:, -1], s.y)[0, 1]), 2))
    shortcut 0.02
    shortcut 0.9
    """
    return dataclasses.replace(env, shortcut=_real(strength, "strength"))


_ADDITIVE = (
    "age_mean",
    "age_sd",
    "female_frac",
    "prevalence_shift",
    "gain",
    "noise_sd",
    "misplacement",
    "shortcut",
)


def shifted_environment(base: Environment, strength: float, per_unit: dict) -> Environment:
    """``base`` with each field in ``per_unit`` moved by ``strength * per_unit[field]``.

    Parameters
    ----------
    base : Environment
        The environment at strength 0.
    strength : float
        Shift strength (the sweep's ``shift`` axis).
    per_unit : dict
        Field name -> change per unit of strength (years for age, log-odds for
        ``prevalence_shift``, ...). ``site_probs`` is not allowed (use ``shift_covariates``).

    Returns
    -------
    Environment
        A new environment; ``base`` is not changed.

    Examples
    --------
    >>> shifted_environment(Environment(), 2.0, {"age_mean": 7.5}).age_mean
    75.0
    """
    unknown = set(per_unit) - set(_ADDITIVE)
    if unknown:
        raise ValueError(f"cannot shift {sorted(unknown)}; shiftable fields are {list(_ADDITIVE)}")
    kw = {k: getattr(base, k) + float(strength) * float(v) for k, v in per_unit.items()}
    return dataclasses.replace(base, **kw)
