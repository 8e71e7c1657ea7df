//! A fitted law and its goodness of fit (MATH.md §4.2): the log-likelihood, AIC = 2k − 2ℓ,
//! the Kolmogorov–Smirnov statistic with its asymptotic p-value, and QQ points; and the
//! robust starting values the fits share.

use serde::{Deserialize, Serialize};

use crate::stats::distributions::{FittedLaw, Law};
use crate::stats::sample::ks_statistic;

/// How well a fitted law describes the sample it was fitted to.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoodnessOfFit {
    /// Log-likelihood Σ ln f(x_i).
    pub loglik: f64,
    /// Akaike information criterion 2k − 2ℓ.
    pub aic: f64,
    /// Kolmogorov–Smirnov statistic sup|F_N − F|.
    pub ks: f64,
    /// Asymptotic Kolmogorov p-value of `ks` (too lenient for fitted parameters).
    pub ks_pvalue: f64,
}

/// A fitted law and its goodness of fit; in JSON one object with the fields of both.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct Fit {
    /// The fitted parameters.
    pub law: FittedLaw,
    /// Its goodness of fit on the sample.
    pub gof: GoodnessOfFit,
}

crate::formats::flattened_in_json!(Fit { law, gof });

/// A sorted copy of the sample.
pub(crate) fn sorted(sample: &[f64]) -> Vec<f64> {
    let mut s = sample.to_vec();
    s.sort_unstable_by(f64::total_cmp);
    s
}

/// Median and 1.4826·MAD (the normal-consistent median absolute deviation); when more
/// than half the values coincide (MAD = 0) the scale falls back to the root mean square
/// deviation from the median, which is > 0 for a non-constant sample.
pub(crate) fn robust_location_scale(sample: &[f64]) -> (f64, f64) {
    let mut work = sample.to_vec();
    let n = work.len();
    let median = {
        let (_, &mut hi, _) = work.select_nth_unstable_by(n / 2, f64::total_cmp);
        if n % 2 == 1 {
            hi
        } else {
            let lo = work[..n / 2]
                .iter()
                .copied()
                .fold(f64::NEG_INFINITY, f64::max);
            0.5 * (lo + hi)
        }
    };
    for x in work.iter_mut() {
        *x = (*x - median).abs();
    }
    let (_, &mut mad_hi, _) = work.select_nth_unstable_by(n / 2, f64::total_cmp);
    let mad = if n % 2 == 1 {
        mad_hi
    } else {
        let lo = work[..n / 2]
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        0.5 * (lo + mad_hi)
    };
    let scale = if mad > 0.0 {
        1.4826 * mad
    } else {
        (sample.iter().map(|x| (x - median).powi(2)).sum::<f64>() / n as f64).sqrt()
    };
    (median, scale)
}

/// The goodness of fit of `law` (with `law.n_params()` fitted parameters) on `sample`.
pub fn goodness_of_fit(sample: &[f64], law: &dyn Law) -> GoodnessOfFit {
    let s = sorted(sample);
    goodness_of_fit_sorted(&s, law)
}

/// [`goodness_of_fit`] for an already sorted sample.
pub(crate) fn goodness_of_fit_sorted(sorted: &[f64], law: &dyn Law) -> GoodnessOfFit {
    let loglik: f64 = sorted.iter().map(|&x| law.ln_pdf(x)).sum();
    let ks = ks_statistic(law.cdf_sorted(sorted).into_iter(), f64::INFINITY);
    GoodnessOfFit {
        loglik,
        aic: 2.0 * law.n_params() as f64 - 2.0 * loglik,
        ks,
        ks_pvalue: kolmogorov_sf((sorted.len() as f64).sqrt() * ks),
    }
}

/// The Kolmogorov distribution's survival function Q(λ) = P(sup|B| > λ) for a Brownian
/// bridge B: the alternating series for λ ≥ 1, and the Jacobi-theta form
/// 1 − (√(2π)/λ) Σ_{k≥1} e^{−(2k−1)²π²/(8λ²)} below.
pub fn kolmogorov_sf(lambda: f64) -> f64 {
    if lambda.is_nan() {
        return f64::NAN;
    }
    if lambda <= 0.0 {
        return 1.0;
    }
    if lambda < 1.0 {
        let pi2 = std::f64::consts::PI * std::f64::consts::PI;
        let mut s = 0.0;
        for k in 1..=20 {
            let j = (2 * k - 1) as f64;
            s += libm::exp(-j * j * pi2 / (8.0 * lambda * lambda));
        }
        (1.0 - (2.0 * std::f64::consts::PI).sqrt() / lambda * s).clamp(0.0, 1.0)
    } else {
        let mut s = 0.0;
        for k in 1..=100 {
            let k = k as f64;
            let term = libm::exp(-2.0 * k * k * lambda * lambda);
            s += if k as u64 % 2 == 1 { term } else { -term };
            if term < 1e-18 {
                break;
            }
        }
        (2.0 * s).clamp(0.0, 1.0)
    }
}

/// One point of a QQ plot.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct QqPoint {
    /// The plotting position (i − ½)/N.
    pub probability: f64,
    /// The i-th smallest sample value.
    pub empirical: f64,
    /// The fitted law's quantile at `probability`.
    pub fitted: f64,
}

/// QQ-plot points of `sample` against `law` at the plotting positions (i − ½)/N, at most
/// `max_points` of them (≥ 2): when thinning, half the points are spread evenly in i and
/// half evenly in logit((i − ½)/N), so both extremes and the body are kept.
pub fn qq_points(sample: &[f64], law: &dyn Law, max_points: usize) -> Vec<QqPoint> {
    let s = sorted(sample);
    let n = s.len();
    if n == 0 {
        return Vec::new();
    }
    let max_points = max_points.max(2);
    let position = |i: usize| (i as f64 + 0.5) / n as f64;
    let mut indices: Vec<usize> = if n <= max_points {
        (0..n).collect()
    } else {
        let half = max_points / 2;
        let mut idx = Vec::with_capacity(max_points);
        for j in 0..half {
            idx.push(j * (n - 1) / (half - 1).max(1));
        }
        // Evenly in logit(p) between the extreme plotting positions.
        let logit = |p: f64| libm::log(p / (1.0 - p));
        let (l0, l1) = (logit(position(0)), logit(position(n - 1)));
        let rest = max_points - half;
        for j in 0..rest {
            let l = l0 + (l1 - l0) * j as f64 / (rest - 1).max(1) as f64;
            let p = 1.0 / (1.0 + libm::exp(-l));
            let i = (p * n as f64 - 0.5).round().clamp(0.0, (n - 1) as f64) as usize;
            idx.push(i);
        }
        idx
    };
    indices.sort_unstable();
    indices.dedup();
    indices
        .into_iter()
        .map(|i| {
            let p = position(i);
            QqPoint {
                probability: p,
                empirical: s[i],
                fitted: law.quantile(p),
            }
        })
        .collect()
}
