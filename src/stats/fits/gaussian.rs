//! Gaussian MLE (MATH.md §4.2): μ = (1/N)Σx_i, σ² = (1/N)Σ(x_i − μ)² (two passes).

use super::fit::{goodness_of_fit, Fit};
use crate::stats::distributions::{FittedLaw, Gaussian};
use crate::stats::sample::check_sample;
use crate::Result;

/// The Gaussian maximum-likelihood fit.
///
/// # Errors
/// As [`check_sample`].
pub fn fit_gaussian(sample: &[f64]) -> Result<Fit> {
    check_sample(sample, 1, "the Gaussian fit")?;
    let n = sample.len() as f64;
    let mu = sample.iter().sum::<f64>() / n;
    let sigma = (sample.iter().map(|x| (x - mu) * (x - mu)).sum::<f64>() / n).sqrt();
    let law = Gaussian::new(mu, sigma)?;
    Ok(Fit {
        law: FittedLaw::Gaussian { mu, sigma },
        gof: goodness_of_fit(sample, &law),
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{reference, sample};
    use super::*;

    #[test]
    fn matches_scipy_norm_fit() {
        // Reference: scipy.stats.norm.fit and the summed logpdf.
        for name in ["t4", "gaussian"] {
            let fit = fit_gaussian(&sample(name)).unwrap();
            let FittedLaw::Gaussian { mu, sigma } = fit.law else {
                panic!("not a Gaussian")
            };
            assert!((mu - reference(name, "norm_fit", "mu")).abs() < 1e-12);
            assert!((sigma - reference(name, "norm_fit", "sigma")).abs() < 1e-12);
            assert!((fit.gof.loglik - reference(name, "norm_fit", "loglik")).abs() < 1e-8);
            assert!((fit.gof.aic - (4.0 - 2.0 * fit.gof.loglik)).abs() < 1e-9);
        }
    }
}
