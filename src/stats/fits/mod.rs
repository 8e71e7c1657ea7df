//! Maximum-likelihood fits of laws to a sample, and their goodness of fit (MATH.md §4.2).
//!
//! - [`fit_gaussian`]: μ = mean, σ² = mean squared deviation (closed-form MLE).
//! - [`fit_student_t`]: loc + scale·t(ν), ν ∈ [[`DF_MIN`], [`DF_MAX`]]; ECME start
//!   (Liu & Rubin 1995), then Newton–Raphson (see [`student_t_mle`]).
//!   [`fit_student_t_fixed_df`] fixes ν (the "t(η) overlays" of MATH.md §4.2).
//! - [`fit_pearson4`]: the Pearson IV "skew t", 4 parameters, Nelder–Mead from the t fit.
//!
//! Each returns a [`Fit`]: the [`FittedLaw`] and its [`GoodnessOfFit`]:
//! - log-likelihood ℓ = Σ ln f(x_i), AIC = 2k − 2ℓ (k free parameters);
//! - the Kolmogorov–Smirnov statistic D = sup|F_N − F|, exact from the sorted sample
//!   ([`crate::stats::sample::ks_statistic`]);
//! - the asymptotic Kolmogorov p-value Q(√N·D), Q(λ) = 2Σ_{k≥1}(−1)^{k−1}e^{−2k²λ²}. It
//!   is too lenient when the parameters were fitted to the same sample (MATH.md §4.2: use
//!   a parametric bootstrap for a calibrated test).
//!
//! [`qq_points`] gives QQ-plot points (empirical vs fitted quantiles at plotting
//! positions (i − ½)/N), thinned to a maximum count while keeping the extremes.

// NaN-proof parameter checks `!(x > 0.0)` (STYLE.md, as rand_distr) are intended.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

mod gaussian;
mod pearson4;
pub mod stable;
mod student_t;

pub use gaussian::fit_gaussian;
pub use pearson4::fit_pearson4;
pub use student_t::{fit_student_t, fit_student_t_fixed_df, student_t_mle, DF_MAX, DF_MIN};

use crate::stats::distributions::{FittedLaw, Law};
use crate::stats::sample::ks_statistic;
use crate::Result;
use serde::{Deserialize, Serialize};

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

/// A fitted law and its goodness of fit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fit {
    /// The fitted parameters.
    #[serde(flatten)]
    pub law: FittedLaw,
    /// Its goodness of fit on the sample.
    #[serde(flatten)]
    pub gof: GoodnessOfFit,
}

/// All the fits of one sample.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fits {
    /// Gaussian MLE.
    pub gaussian: Fit,
    /// Student t MLE.
    pub student_t: Fit,
    /// Pearson IV MLE (the paper's "skew Student t").
    pub skew_t: Fit,
    /// The alpha-stable fit (McCulloch, refined by maximum likelihood).
    pub stable: Fit,
}

/// Fits the Gaussian, the Student t and the Pearson IV law to `sample`.
///
/// # Errors
/// As [`check_sample`](crate::stats::sample::check_sample) and [`stable::fit_stable`].
pub fn fit_all(sample: &[f64]) -> Result<Fits> {
    let student_t = fit_student_t(sample)?;
    Ok(Fits {
        gaussian: fit_gaussian(sample)?,
        skew_t: pearson4::fit_pearson4_from(sample, &student_t)?,
        student_t,
        stable: fit_stable_law(sample)?,
    })
}

/// The alpha-stable fit of [`stable::fit_stable`] in the common [`Fit`] shape.
///
/// # Errors
/// As [`stable::fit_stable`].
pub fn fit_stable_law(sample: &[f64]) -> Result<Fit> {
    let fit = stable::fit_stable(sample)?;
    Ok(Fit {
        law: FittedLaw::Stable {
            alpha: fit.alpha,
            beta: fit.beta,
            scale: fit.scale,
            loc: fit.loc,
        },
        gof: GoodnessOfFit {
            loglik: fit.loglik,
            aic: fit.aic,
            ks: fit.ks,
            ks_pvalue: kolmogorov_sf((sample.len() as f64).sqrt() * fit.ks),
        },
    })
}

/// A sorted copy of the sample.
pub(crate) fn sorted(sample: &[f64]) -> Vec<f64> {
    let mut s = sample.to_vec();
    s.sort_by(f64::total_cmp);
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::stats::distributions::testing::fixtures;
    use crate::stats::distributions::StudentT;

    /// A sample from the fixture file.
    pub fn sample(name: &str) -> Vec<f64> {
        fixtures()["samples"][name]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect()
    }

    /// A number from the fixture file's `fits` section.
    pub fn reference(sample: &str, fit: &str, key: &str) -> f64 {
        fixtures()["fits"][sample][fit][key].as_f64().unwrap()
    }

    #[test]
    fn degenerate_samples_are_errors() {
        let short = [1.0, 2.0, 3.0];
        let constant = [2.5; 20];
        let mut with_nan = sample("t4")[..50].to_vec();
        with_nan[7] = f64::NAN;
        for bad in [&short[..], &constant[..], &with_nan[..]] {
            for result in [
                fit_gaussian(bad).map(|_| ()),
                fit_student_t(bad).map(|_| ()),
                fit_student_t_fixed_df(bad, 3.0).map(|_| ()),
                fit_pearson4(bad).map(|_| ()),
                fit_all(bad).map(|_| ()),
            ] {
                assert_eq!(result.unwrap_err().field, "sample");
            }
        }
        assert!(fit_gaussian(&with_nan)
            .unwrap_err()
            .message
            .contains("value 8 of the sample is NaN"));
    }

    #[test]
    fn ks_statistic_matches_scipy_kstest() {
        // Reference: scipy.stats.kstest(sample, t(df, loc, scale).cdf).statistic with the
        // polished t MLE of each fixture sample.
        for name in ["t4", "t08", "gaussian", "pearson4"] {
            let law = StudentT::new(
                reference(name, "t_mle_polished", "loc"),
                reference(name, "t_mle_polished", "scale"),
                reference(name, "t_mle_polished", "df"),
            )
            .unwrap();
            let d = ks_statistic(
                law.cdf_sorted(&sorted(&sample(name))).into_iter(),
                f64::INFINITY,
            );
            let expected = fixtures()["fits"][name]["ks_t_polished"].as_f64().unwrap();
            assert!((d - expected).abs() < 1e-10, "{name}: {d} vs {expected}");
        }
    }

    #[test]
    fn kolmogorov_sf_matches_scipy() {
        // Reference: scipy.stats.kstwobign.sf(x).
        for row in fixtures()["kolmogorov_sf"].as_array().unwrap() {
            let x = row["x"].as_f64().unwrap();
            let q = row["sf"].as_f64().unwrap();
            assert!(
                (kolmogorov_sf(x) - q).abs() < 1e-12,
                "Q({x}) = {} vs {q}",
                kolmogorov_sf(x)
            );
        }
    }

    #[test]
    fn qq_points_are_thinned_ordered_and_keep_the_extremes() {
        let x = sample("t4");
        let law = StudentT::new(1.0, 2.0, 4.0).unwrap();
        let qq = qq_points(&x, &law, 500);
        assert!(qq.len() <= 500 && qq.len() > 400, "{}", qq.len());
        let s = sorted(&x);
        assert_eq!(qq[0].empirical, s[0]);
        assert_eq!(qq.last().unwrap().empirical, s[s.len() - 1]);
        assert!((qq[0].probability - 0.5 / 2000.0).abs() < 1e-15);
        for w in qq.windows(2) {
            assert!(w[0].probability < w[1].probability && w[0].fitted < w[1].fitted);
        }
        for q in &qq {
            assert!((law.cdf(q.fitted) - q.probability).abs() < 1e-12);
        }
        // Small samples keep every point.
        assert_eq!(qq_points(&x[..30], &law, 500).len(), 30);
    }

    #[test]
    fn fit_all_is_robust_across_samples() {
        // Heavy (t(0.8)), light (Gaussian), skewed (Pearson IV) and tiny (n = 10) samples:
        // every fit finishes with finite numbers and the nesting order of ℓ holds.
        let tiny = [0.3, -1.2, 0.8, 2.2, -0.4, 0.0, 1.1, -2.5, 0.6, 7.0];
        for x in [
            sample("t08"),
            sample("gaussian"),
            sample("pearson4"),
            tiny.to_vec(),
        ] {
            let fits = fit_all(&x).unwrap();
            for fit in [&fits.gaussian, &fits.student_t, &fits.skew_t] {
                let g = fit.gof;
                assert!(g.loglik.is_finite() && g.aic.is_finite() && (0.0..=1.0).contains(&g.ks));
                assert!((0.0..=1.0).contains(&g.ks_pvalue));
                assert!(fit.law.law().is_ok());
            }
            assert!(fits.skew_t.gof.loglik >= fits.student_t.gof.loglik - 1e-9);
            assert!(fits.student_t.gof.loglik >= fits.gaussian.gof.loglik - 1e-9);
        }
        // The Gaussian sample: ν̂ large, a Gaussian-like t.
        let t = fit_student_t(&sample("gaussian")).unwrap();
        assert!(t.law.tail_index().unwrap() > 30.0);
    }

    #[test]
    fn fit_all_serialises() {
        let fits = fit_all(&sample("t4")).unwrap();
        let json = serde_json::to_string(&fits).unwrap();
        assert!(json.contains("\"law\":\"student_t\"") && json.contains("\"law\":\"pearson_iv\""));
        let back: Fits = serde_json::from_str(&json).unwrap();
        // serde_json's float parsing may differ in the last bit.
        let (FittedLaw::StudentT { df, .. }, FittedLaw::StudentT { df: df_back, .. }) =
            (fits.student_t.law, back.student_t.law)
        else {
            panic!("not a t fit")
        };
        assert!((df - df_back).abs() <= 1e-15 * df);
        assert!(
            (back.skew_t.gof.aic - fits.skew_t.gof.aic).abs() <= 1e-12 * fits.skew_t.gof.aic.abs()
        );
        assert!(json.contains("\"law\":\"stable\""));
        assert!(matches!(back.stable.law, FittedLaw::Stable { .. }));
        // The richer models fit at least as well (nested: v = 0 is the t, df = ∞ the normal).
        assert!(fits.skew_t.gof.loglik >= fits.student_t.gof.loglik - 1e-9);
        assert!(fits.student_t.gof.loglik >= fits.gaussian.gof.loglik);
    }
}
