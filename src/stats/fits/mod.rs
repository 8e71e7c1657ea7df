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

mod fit;
mod gaussian;
mod pearson4;
pub mod stable;
mod student_t;
#[cfg(test)]
pub(crate) mod testing;

pub use fit::{goodness_of_fit, kolmogorov_sf, qq_points, Fit, GoodnessOfFit, QqPoint};
pub use gaussian::fit_gaussian;
pub use pearson4::fit_pearson4;
pub use student_t::{fit_student_t, fit_student_t_fixed_df, student_t_mle, DF_MAX, DF_MIN};

use crate::stats::distributions::FittedLaw;
use crate::Result;
use serde::{Deserialize, Serialize};

/// Most QQ points per sample in a plot (the extremes and the body are both kept).
pub const QQ_PLOT_POINTS: usize = 150;

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

#[cfg(test)]
mod tests {
    use super::fit::sorted;
    use super::testing::{reference, sample};
    use super::*;
    use crate::stats::distributions::testing::fixtures;
    use crate::stats::distributions::Law;
    use crate::stats::distributions::StudentT;
    use crate::stats::sample::ks_statistic;

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
