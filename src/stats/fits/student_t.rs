//! Student t maximum likelihood: loc + scale·t(ν) (MATH.md §4.2).
//!
//! Log-likelihood, with r_i = (x_i − μ)/s:
//!   ℓ(μ, s, ν) = N[ln Γ((ν+1)/2) − ln Γ(ν/2) − ½ ln(νπ) − ln s] − ((ν+1)/2) Σ ln(1 + r_i²/ν).
//!
//! **Algorithm.**
//! 1. Start (Liu & Rubin 1995, ECME): μ = median, s = 1.4826·MAD, and ν maximising
//!    ℓ(μ, s, ·) by Brent on ln ν over [ln [`DF_MIN`], ln [`DF_MAX`]] — ECME's ν-step
//!    (on an evenly strided subsample of ≤ 4000 values: only a start).
//! 2. Newton–Raphson on θ = (μ, ln s, ln ν) with the exact gradient and Hessian (one pass
//!    over the data each), the step capped at 1 in each coordinate (μ in units of s) and
//!    halved until ℓ does not decrease. Where the observed information is not positive
//!    definite the expected (Fisher) information of the t family is used instead:
//!    I_μμ = N(ν+1)/((ν+3)s²), I_{ln s, ln s} = 2Nν/(ν+3),
//!    I_{ln s, ln ν} = −2Nν/((ν+1)(ν+3)),
//!    I_{ln ν, ln ν} = Nν²[¼(ψ′(ν/2) − ψ′((ν+1)/2)) − (ν+5)/(2ν(ν+1)(ν+3))].
//! 3. If a step fails to increase ℓ before convergence, one ECME iteration is taken
//!    instead (weights w_i = (ν+1)/(ν + r_i²); μ = Σw_i x_i/Σw_i; s² = Σw_i(x_i−μ)²/N;
//!    ν by Brent), which never decreases ℓ.
//!
//! Why not plain ECME: it converges linearly (slowly when ν is large) and each ν-step costs
//! ~15 passes, i.e. hundreds of passes over the data; Newton reaches the same maximum in
//! ~5–10 passes (a t fit on 10⁵ values takes a few ms natively).
//!
//! ν is kept in [DF_MIN, DF_MAX]: at the upper bound the sample is indistinguishable from
//! Gaussian at this size; the Newton system then drops ν. The fixed-ν variant
//! ([`fit_student_t_fixed_df`]) iterates only μ and s (the "t(η) overlays").

use super::fit::{goodness_of_fit, robust_location_scale, Fit};
use crate::stats::distributions::special::{digamma, trigamma};
use crate::stats::distributions::{FittedLaw, StudentT};
use crate::stats::optimize::brent_minimize;
use crate::stats::sample::check_sample;
use crate::{Error, Result};

/// The smallest degrees of freedom the fit returns.
pub const DF_MIN: f64 = 0.25;
/// The largest degrees of freedom the fit returns (beyond it: Gaussian at any usable N).
pub const DF_MAX: f64 = 1000.0;

/// The largest subsample the starting ν-step uses.
const START_SUBSAMPLE: usize = 4000;

/// ln Γ((ν+1)/2) − ln Γ(ν/2) − ½ ln(νπ).
fn ln_norm(df: f64) -> f64 {
    libm::lgamma(0.5 * (df + 1.0))
        - libm::lgamma(0.5 * df)
        - 0.5 * libm::log(df * std::f64::consts::PI)
}

/// ℓ, its gradient and Hessian in θ = (μ, ln s, ln ν).
#[derive(Clone, Copy, Debug)]
struct Evaluation {
    loglik: f64,
    grad: [f64; 3],
    hess: [[f64; 3]; 3],
}

/// One pass over the data at (μ, s, ν).
fn evaluate(x: &[f64], mu: f64, s: f64, df: f64) -> Evaluation {
    let n = x.len() as f64;
    let (mut sl, mut s_wr, mut s_wt) = (0.0, 0.0, 0.0);
    let (mut h_mm, mut h_ms, mut h_ss, mut h_mn, mut h_sn, mut h_nn) =
        (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    let (inv_s, inv_df) = (1.0 / s, 1.0 / df);
    for &xi in x {
        let r = (xi - mu) * inv_s;
        let t = r * r;
        let inv_d = 1.0 / (df + t);
        let inv_d2 = inv_d * inv_d;
        let w = (df + 1.0) * inv_d;
        sl += libm::log1p(t * inv_df);
        s_wr += w * r;
        s_wt += w * t;
        h_mm += w * (t - df) * inv_d;
        h_ms += w * r * inv_d;
        h_ss += w * t * inv_d;
        h_mn += r * (t - 1.0) * inv_d2;
        h_sn += t * (t - 1.0) * inv_d2;
        h_nn += t * (df * t - 2.0 * df - t) * inv_d2;
    }
    let psi1 = digamma(0.5 * (df + 1.0)) - digamma(0.5 * df);
    let psi1_prime = 0.5 * (trigamma(0.5 * (df + 1.0)) - trigamma(0.5 * df));
    let loglik = n * (ln_norm(df) - libm::log(s)) - 0.5 * (df + 1.0) * sl;
    // Derivatives in (μ, σ = ln s, ν).
    let g_mu = s_wr / s;
    let g_sigma = -n + s_wt;
    let g_nu = 0.5 * (n * (psi1 - 1.0 / df) - sl + s_wt / df);
    let h_mumu = h_mm / (s * s);
    let h_musigma = -2.0 * df * h_ms / s;
    let h_sigmasigma = -2.0 * df * h_ss;
    let h_munu = h_mn / s;
    let h_sigmanu = h_sn;
    let h_nunu = 0.5 * (n * (psi1_prime + 1.0 / (df * df)) + h_nn / (df * df));
    // η = ln ν: ∂/∂η = ν ∂/∂ν, ∂²/∂η² = ν² ∂²/∂ν² + ν ∂/∂ν.
    let g_eta = df * g_nu;
    Evaluation {
        loglik,
        grad: [g_mu, g_sigma, g_eta],
        hess: [
            [h_mumu, h_musigma, df * h_munu],
            [h_musigma, h_sigmasigma, df * h_sigmanu],
            [df * h_munu, df * h_sigmanu, df * df * h_nunu + g_eta],
        ],
    }
}

/// ℓ only (for the Brent ν-step).
fn loglik(x: &[f64], mu: f64, s: f64, df: f64) -> f64 {
    let sl: f64 = x
        .iter()
        .map(|&xi| {
            let r = (xi - mu) / s;
            libm::log1p(r * r / df)
        })
        .sum();
    x.len() as f64 * (ln_norm(df) - libm::log(s)) - 0.5 * (df + 1.0) * sl
}

/// The expected information −E[Hessian] in θ = (μ, ln s, ln ν) for N observations.
fn fisher(n: f64, s: f64, df: f64) -> [[f64; 3]; 3] {
    let i_mm = n * (df + 1.0) / ((df + 3.0) * s * s);
    let i_ss = n * 2.0 * df / (df + 3.0);
    let i_se = -n * 2.0 * df / ((df + 1.0) * (df + 3.0));
    let i_ee = n
        * df
        * df
        * (0.25 * (trigamma(0.5 * df) - trigamma(0.5 * (df + 1.0)))
            - (df + 5.0) / (2.0 * df * (df + 1.0) * (df + 3.0)));
    [[i_mm, 0.0, 0.0], [0.0, i_ss, i_se], [0.0, i_se, i_ee]]
}

#[allow(clippy::needless_range_loop)] // index loops mirror the textbook Cholesky
/// Solves A δ = g for the coordinates in `free` by Cholesky; None if A (restricted) is
/// not positive definite.
fn solve_spd(a: &[[f64; 3]; 3], g: &[f64; 3], free: &[bool; 3]) -> Option<[f64; 3]> {
    let idx: Vec<usize> = (0..3).filter(|&i| free[i]).collect();
    let k = idx.len();
    let mut l = [[0.0; 3]; 3];
    for i in 0..k {
        for j in 0..=i {
            let mut sum = a[idx[i]][idx[j]];
            for p in 0..j {
                sum -= l[i][p] * l[j][p];
            }
            if i == j {
                if !(sum > 0.0) {
                    return None;
                }
                l[i][i] = sum.sqrt();
            } else {
                l[i][j] = sum / l[j][j];
            }
        }
    }
    let mut y = [0.0; 3];
    for i in 0..k {
        let mut sum = g[idx[i]];
        for p in 0..i {
            sum -= l[i][p] * y[p];
        }
        y[i] = sum / l[i][i];
    }
    let mut z = [0.0; 3];
    for i in (0..k).rev() {
        let mut sum = y[i];
        for p in i + 1..k {
            sum -= l[p][i] * z[p];
        }
        z[i] = sum / l[i][i];
    }
    let mut delta = [0.0; 3];
    for (i, &j) in idx.iter().enumerate() {
        delta[j] = z[i];
    }
    Some(delta)
}

/// ν maximising ℓ(μ, s, ·) over [DF_MIN, DF_MAX] (Brent on ln ν).
fn best_df(x: &[f64], mu: f64, s: f64, tol: f64) -> f64 {
    let (eta, _) = brent_minimize(
        |eta| -loglik(x, mu, s, libm::exp(eta)),
        libm::log(DF_MIN),
        libm::log(DF_MAX),
        tol,
    );
    libm::exp(eta)
}

/// One ECME iteration (weights, μ, s², then ν by Brent unless fixed).
fn ecme_step(x: &[f64], mu: f64, s: f64, df: f64, fixed_df: bool) -> (f64, f64, f64) {
    let (mut sw, mut swx) = (0.0, 0.0);
    let weights: Vec<f64> = x
        .iter()
        .map(|&xi| {
            let r = (xi - mu) / s;
            (df + 1.0) / (df + r * r)
        })
        .collect();
    for (w, &xi) in weights.iter().zip(x) {
        sw += w;
        swx += w * xi;
    }
    let mu_new = swx / sw;
    let s2: f64 = weights
        .iter()
        .zip(x)
        .map(|(w, &xi)| w * (xi - mu_new).powi(2))
        .sum::<f64>()
        / x.len() as f64;
    let s_new = s2.sqrt();
    let df_new = if fixed_df {
        df
    } else {
        best_df(x, mu_new, s_new, 1e-8)
    };
    (mu_new, s_new, df_new)
}

/// The maximum-likelihood (loc, scale, df) and ℓ, without the goodness of fit (the fast
/// path); `fixed_df` fixes ν.
///
/// Algorithm: ECME start (μ = median, s = 1.4826·MAD, ν by Brent on ln ν), then
/// Newton–Raphson on (μ, ln s, ln ν) with step halving, the Fisher information where the
/// observed one is not positive definite, and an ECME iteration whenever a Newton step
/// fails; ν ∈ [[`DF_MIN`], [`DF_MAX`]].
///
/// # Errors
/// As [`check_sample`]; also if `fixed_df` is not finite and > 0.
pub fn student_t_mle(sample: &[f64], fixed_df: Option<f64>) -> Result<(f64, f64, f64, f64)> {
    check_sample(sample, 1, "the Student t fit")?;
    if let Some(df) = fixed_df {
        if !(df > 0.0) || !df.is_finite() {
            return Err(Error::new(
                "df",
                "the fixed degrees of freedom must be finite and > 0",
            ));
        }
    }
    let x = sample;
    let (mu0, s0) = robust_location_scale(x);
    let eta_lo = libm::log(DF_MIN);
    let eta_hi = libm::log(DF_MAX);
    // The starting ν only needs to be roughly right: Brent runs on an evenly strided
    // subsample of at most START_SUBSAMPLE values (Newton then uses all of them).
    let stride = x.len().div_ceil(START_SUBSAMPLE);
    let subsample: Vec<f64> = x.iter().step_by(stride).copied().collect();
    let df0 = fixed_df.unwrap_or_else(|| best_df(&subsample, mu0, s0, 1e-3));
    let mut theta = [mu0, libm::log(s0), libm::log(df0)];
    let unpack = |t: &[f64; 3]| (t[0], libm::exp(t[1]), libm::exp(t[2]));
    let mut ev = evaluate(x, mu0, s0, df0);
    for _ in 0..200 {
        let (_, s, df) = unpack(&theta);
        let g = ev.grad;
        let at_hi = theta[2] >= eta_hi - 1e-12 && g[2] > 0.0;
        let at_lo = theta[2] <= eta_lo + 1e-12 && g[2] < 0.0;
        let free = [true, true, fixed_df.is_none() && !at_hi && !at_lo];
        let neg_h = ev.hess.map(|row| row.map(|h| -h));
        let delta = solve_spd(&neg_h, &g, &free)
            .or_else(|| solve_spd(&fisher(x.len() as f64, s, df), &g, &free))
            .unwrap_or([0.0; 3]);
        // Cap the step at 1 per coordinate (μ in units of s).
        let size = (delta[0] / s).abs().max(delta[1].abs()).max(delta[2].abs());
        let cap = if size > 1.0 { 1.0 / size } else { 1.0 };
        let converged_step = size < 1e-11;
        let mut accepted = false;
        let mut factor = cap;
        for _ in 0..40 {
            let mut trial = [
                theta[0] + factor * delta[0],
                theta[1] + factor * delta[1],
                theta[2] + factor * delta[2],
            ];
            trial[2] = trial[2].clamp(eta_lo, eta_hi);
            let (m, s, d) = unpack(&trial);
            let ev_trial = evaluate(x, m, s, d);
            if ev_trial.loglik >= ev.loglik - 1e-13 * ev.loglik.abs() {
                theta = trial;
                ev = ev_trial;
                accepted = true;
                break;
            }
            factor *= 0.5;
        }
        if converged_step {
            break;
        }
        if !accepted {
            // Newton failed away from convergence: one monotone ECME iteration.
            let (m, s, d) = unpack(&theta);
            let (m, s, d) = ecme_step(x, m, s, d, fixed_df.is_some());
            let ev_new = evaluate(x, m, s, d);
            if ev_new.loglik <= ev.loglik {
                break;
            }
            theta = [m, libm::log(s), libm::log(d)];
            ev = ev_new;
        }
    }
    let (mu, s, df) = unpack(&theta);
    let df = fixed_df.unwrap_or(df);
    // With many tied values the likelihood is unbounded (s → 0 on the tie).
    if s < 1e-9 * s0 {
        return Err(Error::new(
            "sample",
            "the Student t fit collapsed onto tied values (its likelihood is unbounded); \
             the sample has too many identical values for a continuous law",
        ));
    }
    if !(mu.is_finite() && s > 0.0 && s.is_finite() && ev.loglik.is_finite()) {
        return Err(Error::new(
            "sample",
            "the Student t fit did not converge to finite parameters",
        ));
    }
    Ok((mu, s, df, ev.loglik))
}

fn to_fit(sample: &[f64], loc: f64, scale: f64, df: f64) -> Result<Fit> {
    let law = StudentT::new(loc, scale, df)?;
    Ok(Fit {
        law: FittedLaw::StudentT { loc, scale, df },
        gof: goodness_of_fit(sample, &law),
    })
}

/// The Student t maximum-likelihood fit (ν ∈ [DF_MIN, DF_MAX]).
///
/// # Errors
/// As [`check_sample`].
pub fn fit_student_t(sample: &[f64]) -> Result<Fit> {
    let (loc, scale, df, _) = student_t_mle(sample, None)?;
    to_fit(sample, loc, scale, df)
}

/// The Student t fit with ν fixed to `df` (location and scale by maximum likelihood).
///
/// # Errors
/// As [`check_sample`]; `df` must be finite and > 0.
pub fn fit_student_t_fixed_df(sample: &[f64], df: f64) -> Result<Fit> {
    let (loc, scale, df, _) = student_t_mle(sample, Some(df))?;
    to_fit(sample, loc, scale, df)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{reference, sample};
    use super::*;

    #[test]
    fn gradient_and_hessian_match_finite_differences() {
        let x = sample("t4");
        let (mu, s, df) = (1.1, 2.1, 3.7);
        let ev = evaluate(&x[..300], mu, s, df);
        let theta = [mu, libm::log(s), libm::log(df)];
        let at = |t: [f64; 3]| evaluate(&x[..300], t[0], libm::exp(t[1]), libm::exp(t[2]));
        let h = 1e-5;
        for i in 0..3 {
            let mut up = theta;
            let mut down = theta;
            up[i] += h;
            down[i] -= h;
            let (eu, ed) = (at(up), at(down));
            let g = (eu.loglik - ed.loglik) / (2.0 * h);
            assert!(
                (g - ev.grad[i]).abs() < 1e-5 * g.abs().max(1.0),
                "grad {i}: {g} vs {}",
                ev.grad[i]
            );
            for j in 0..3 {
                let hij = (eu.grad[j] - ed.grad[j]) / (2.0 * h);
                assert!(
                    (hij - ev.hess[i][j]).abs() < 1e-5 * hij.abs().max(1.0),
                    "hess {i}{j}: {hij} vs {}",
                    ev.hess[i][j]
                );
            }
        }
    }

    #[test]
    fn matches_the_scipy_mle() {
        // Reference: scipy.stats.t.fit, polished by Nelder–Mead with tight tolerances
        // (t_mle_polished), and scipy's own t.fit log-likelihood.
        // Our ℓ must be ≥ both (− 1e-6); parameters within 1e-4 relative of the polished
        // MLE (NM's own accuracy is ~1e-6 in the parameters).
        for name in ["t4", "t08", "gaussian", "pearson4"] {
            let (loc, scale, df, ll) = student_t_mle(&sample(name), None).unwrap();
            let r = |k: &str| reference(name, "t_mle_polished", k);
            assert!(
                ll >= reference(name, "scipy_t_fit", "loglik") - 1e-6,
                "{name}: {ll}"
            );
            assert!(ll >= r("loglik") - 1e-6, "{name}: {ll} vs {}", r("loglik"));
            assert!(
                (loc - r("loc")).abs() < 1e-4 * r("scale"),
                "{name} loc {loc} vs {}",
                r("loc")
            );
            assert!(
                (scale / r("scale") - 1.0).abs() < 1e-4,
                "{name} scale {scale} vs {}",
                r("scale")
            );
            assert!(
                (df / r("df") - 1.0).abs() < 1e-3,
                "{name} df {df} vs {}",
                r("df")
            );
            // The law's own log-likelihood agrees with the fit's.
            let fit = fit_student_t(&sample(name)).unwrap();
            assert!((fit.gof.loglik - ll).abs() < 1e-8 * ll.abs());
        }
    }

    #[test]
    fn fixed_df_matches_the_scipy_mle() {
        // Reference: scipy t.fit(x, f0=3) polished by Nelder–Mead (t_df3).
        for name in ["t4", "t08", "pearson4"] {
            let (loc, scale, df, ll) = student_t_mle(&sample(name), Some(3.0)).unwrap();
            let r = |k: &str| reference(name, "t_df3", k);
            assert_eq!(df, 3.0);
            assert!(ll >= r("loglik") - 1e-6, "{name}: {ll} vs {}", r("loglik"));
            assert!((loc - r("loc")).abs() < 1e-5 * r("scale"), "{name} loc");
            assert!((scale / r("scale") - 1.0).abs() < 1e-5, "{name} scale");
        }
        assert_eq!(
            student_t_mle(&sample("t4"), Some(0.0)).unwrap_err().field,
            "df"
        );
    }

    #[test]
    fn awkward_samples_still_give_a_maximum() {
        // Two far-apart clusters, one huge outlier, 10% ties: the fit returns finite
        // parameters whose ℓ is at least that of nearby perturbations. A tie shared by more
        // than ν/(ν+1) = 20% of the values (ν = DF_MIN) makes the likelihood unbounded
        // (s → 0 on the tie; ℓ ≈ −[k − (N−k)ν] ln s): an error.
        let mut ties = vec![0.0; 10];
        ties.extend((0..90).map(|i| (i as f64 - 45.0) * 0.1));
        let mut many_ties = vec![0.0; 60];
        many_ties.extend((0..40).map(|i| (i as f64 - 20.0) * 0.1));
        assert_eq!(student_t_mle(&many_ties, None).unwrap_err().field, "sample");
        let bimodal: Vec<f64> = (0..200)
            .map(|i| if i % 2 == 0 { -10.0 } else { 10.0 } + libm::sin(i as f64 * 0.37))
            .collect();
        let mut outlier = sample("t4")[..300].to_vec();
        outlier[5] = 1e12;
        for (name, x) in [("ties", ties), ("bimodal", bimodal), ("outlier", outlier)] {
            let (loc, scale, df, ll) =
                student_t_mle(&x, None).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(loc.is_finite() && scale > 0.0 && (DF_MIN..=DF_MAX).contains(&df));
            for (dl, ds, dd) in [
                (1e-4, 0.0, 0.0),
                (-1e-4, 0.0, 0.0),
                (0.0, 1e-4, 0.0),
                (0.0, -1e-4, 0.0),
                (0.0, 0.0, 1e-4),
                (0.0, 0.0, -1e-4),
            ] {
                let d2 = (df * (1.0 + dd)).clamp(DF_MIN, DF_MAX);
                let other = loglik(&x, loc + dl * scale, scale * (1.0 + ds), d2);
                assert!(
                    other <= ll + 1e-9 * ll.abs(),
                    "{loc} {scale} {df}: {other} > {ll}"
                );
            }
        }
    }

    #[test]
    fn is_equivariant_under_affine_maps() {
        // Fit of a·x + c: loc → a·loc + c, scale → |a|·scale, df unchanged.
        let x = sample("t4");
        let (loc, scale, df, _) = student_t_mle(&x, None).unwrap();
        for &(a, c) in &[(1e-3, 5.0), (-250.0, -1e4)] {
            let y: Vec<f64> = x.iter().map(|v| a * v + c).collect();
            let (l2, s2, d2, _) = student_t_mle(&y, None).unwrap();
            assert!(
                (l2 - (a * loc + c)).abs() < 1e-7 * s2,
                "loc {l2} vs {}",
                a * loc + c
            );
            assert!((s2 / (a.abs() * scale) - 1.0).abs() < 1e-7, "scale");
            assert!((d2 / df - 1.0).abs() < 1e-6, "df {d2} vs {df}");
        }
    }

    #[test]
    fn recovers_parameters_across_the_df_range() {
        // 10k draws of loc + scale·t(ν): ν̂ within 15% for ν ≤ 10 (the relative standard
        // error of ν̂ is ≈ 4% at ν = 10, n = 10k), and ν̂ > 50 for ν = 1000 (hard to tell from Gaussian at this n).
        use crate::stats::distributions::Law;
        for (seed, &df) in [0.5, 2.0, 10.0, 1000.0].iter().enumerate() {
            let law = StudentT::new(-3.0, 0.2, df).unwrap();
            let mut rng = crate::rng::stream(seed as u64, 1);
            let x: Vec<f64> = (0..10_000).map(|_| law.sample(&mut rng)).collect();
            let (loc, scale, d, _) = student_t_mle(&x, None).unwrap();
            assert!(
                (loc + 3.0).abs() < 0.01 && (scale / 0.2 - 1.0).abs() < 0.05,
                "ν {df}: {loc} {scale}"
            );
            if df <= 10.0 {
                assert!((d / df - 1.0).abs() < 0.15, "ν {df}: ν̂ {d}");
            } else {
                assert!(d > 50.0, "ν {df}: ν̂ {d}");
            }
        }
    }
}
