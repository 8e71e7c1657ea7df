//! The paper's tail-index bounds (MATH.md §0, §3.1, §3.2), in project units (δ = paper δ/n).
//!
//! With singular values λ_1 ≥ … ≥ λ_r > 0 of A (n rows), h_i = λ_i²/n, learning rate γ,
//! batch size B and ridge δ:
//!
//! - upper bound (Theorem 3.2): η* = 1 + 2nB(λ_1² + nδ)/(γλ_1⁴) = 1 + 2B(h_1 + δ)/(γh_1²);
//! - lower bound (Theorem 3.3): η_* = η* + 1 − Σλ_i²/λ_1², valid when γ < γ̄;
//! - critical learning rate: γ̄ = 2nB(λ_1² + nδ)/(λ_1² Σλ_i²); γ < γ̄ ⇔ η_* > 2;
//! - per-coordinate Pearson index: ν_i = 1 + 2nB(λ_i² + nδ)/(γλ_i⁴) (ν_1 = η*);
//! - Wasserstein threshold (Theorem 3.4): γ′ = (B/2)/Σ_i h_i²/(h_i + δ), and the rate ρ_* is
//!   the root in (0, γ(h_r + δ)) of Σ_i h_i²/(h_i + δ − ρ/γ) = B/(2γ) (the paper's
//!   Σλ_i⁴/(λ_i² + δ_P − nρ/γ) = nB/(2γ) divided by n);
//! - exact second-moment threshold of hSGD (§3.2): γ_2 = 2B/Σ_i h_i²/(h_i + δ) = 4γ′; γ_2 ≥ γ̄,
//!   with equality when δ = 0.
//!
//! Unit check (MATH.md §0): the paper's (λ² + δ_P) is λ² + nδ here, and §3.2's intrinsic
//! δ_s = δ_P/n is exactly this project's δ, so in intrinsic units h_i + δ appears unchanged.
//!
//! These are bounds of the diffusion model (hSGD), not the tail index of discrete SGD
//! (MATH.md §0, §5.4); [`crate::model::discrete`] has the discrete second-moment threshold.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::spectrum::Spectrum;
use crate::model::step::{check_batch, check_delta, check_gamma};

/// The inputs of the bounds: the spectrum (n and the singular values) and (γ, B, δ).
#[derive(Clone, Debug, PartialEq)]
pub struct BoundsModel {
    /// Rows n of A.
    pub n: usize,
    /// λ_1 ≥ … ≥ λ_r > 0, nonzero singular values of A, descending.
    pub singular_values: Vec<f64>,
    /// Learning rate γ > 0.
    pub gamma: f64,
    /// Batch size B ≥ 1.
    pub batch: usize,
    /// Ridge coefficient δ ≥ 0 (project units).
    pub delta: f64,
}

/// The summary the CLI (`hsgd bounds`) and the report print.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bounds {
    /// Learning rate γ.
    pub gamma: f64,
    /// Batch size B.
    pub batch: usize,
    /// Ridge coefficient δ (project units).
    pub delta: f64,
    /// Rows n.
    pub n: usize,
    /// λ_1.
    pub lambda_1: f64,
    /// Σλ_i² = tr(AᵀA).
    pub sum_sq: f64,
    /// Stable rank Σλ_i²/λ_1² (the gap η* − η_* is this minus one).
    pub stable_rank: f64,
    /// Upper bound η* (Theorem 3.2).
    pub upper: f64,
    /// Lower bound η_* (Theorem 3.3); proven only when `lower_valid`.
    pub lower: f64,
    /// γ < γ̄, i.e. the lower bound holds (equivalently η_* > 2).
    pub lower_valid: bool,
    /// Critical learning rate γ̄.
    pub gamma_critical: f64,
    /// Wasserstein-convergence threshold γ′ (Theorem 3.4).
    pub gamma_prime: f64,
    /// Exact threshold γ_2 = 4γ′ for a finite second moment of hSGD (MATH.md §3.2).
    pub gamma_2: f64,
    /// Rate ρ_* of W₂ convergence when γ < γ′, else `None`.
    pub wasserstein_rate: Option<f64>,
    /// ν_i = 1 + 2nB(λ_i² + nδ)/(γλ_i⁴), i = 1..r (ν_1 = η*).
    pub upper_per_coordinate: Vec<f64>,
}

/// One point of a sweep: the swept value and the two bounds there.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    /// The swept parameter's value (γ, B or δ).
    pub x: f64,
    /// η* at `x`.
    pub upper: f64,
    /// η_* at `x`.
    pub lower: f64,
    /// γ < γ̄ at `x`.
    pub lower_valid: bool,
}

impl BoundsModel {
    /// The model for `n` rows and the given nonzero singular values (any order; they are
    /// sorted descending).
    ///
    /// # Errors
    /// `n` = 0 or no singular value or one that is not finite and > 0 (field `data`);
    /// γ not finite or ≤ 0 (`gamma`); B outside 1..=n (`batch`); δ not finite or < 0
    /// (`delta`).
    pub fn new(
        n: usize,
        singular_values: &[f64],
        gamma: f64,
        batch: usize,
        delta: f64,
    ) -> Result<BoundsModel> {
        if n == 0 || singular_values.is_empty() {
            return Err(Error::new(
                "data",
                "the bounds need n ≥ 1 rows and at least one nonzero singular value",
            ));
        }
        if let Some(bad) = singular_values
            .iter()
            .find(|s| !(s.is_finite() && **s > 0.0))
        {
            return Err(Error::new(
                "data",
                format!("singular values must be finite and > 0, not {bad}"),
            ));
        }
        check_gamma(gamma)?;
        check_batch(batch, n)?;
        check_delta(delta)?;
        let mut singular_values = singular_values.to_vec();
        singular_values.sort_unstable_by(f64::total_cmp);
        singular_values.reverse();
        Ok(BoundsModel {
            n,
            singular_values,
            gamma,
            batch,
            delta,
        })
    }

    /// The model of a problem's spectrum.
    ///
    /// # Errors
    /// As [`BoundsModel::new`].
    pub fn from_spectrum(
        spectrum: &Spectrum,
        gamma: f64,
        batch: usize,
        delta: f64,
    ) -> Result<BoundsModel> {
        BoundsModel::new(spectrum.n, &spectrum.singular_values, gamma, batch, delta)
    }

    /// The same model with another learning rate.
    ///
    /// # Errors
    /// γ not finite or ≤ 0.
    pub fn with_gamma(&self, gamma: f64) -> Result<BoundsModel> {
        check_gamma(gamma)?;
        Ok(BoundsModel {
            gamma,
            ..self.clone()
        })
    }

    /// The same model with another batch size.
    ///
    /// # Errors
    /// B outside 1..=n.
    pub fn with_batch(&self, batch: usize) -> Result<BoundsModel> {
        check_batch(batch, self.n)?;
        Ok(BoundsModel {
            batch,
            ..self.clone()
        })
    }

    /// The same model with another ridge coefficient.
    ///
    /// # Errors
    /// δ not finite or < 0.
    pub fn with_delta(&self, delta: f64) -> Result<BoundsModel> {
        check_delta(delta)?;
        Ok(BoundsModel {
            delta,
            ..self.clone()
        })
    }

    /// h_i = λ_i²/n, descending.
    pub fn h(&self) -> Vec<f64> {
        let n = self.n as f64;
        self.singular_values.iter().map(|s| s * s / n).collect()
    }

    fn h_1(&self) -> f64 {
        self.singular_values[0].powi(2) / self.n as f64
    }

    /// tr H = Σλ_i²/n.
    fn trace_h(&self) -> f64 {
        self.h().iter().sum()
    }

    /// ν for eigenvalue h: 1 + 2B(h + δ)/(γh²).
    fn nu_of(&self, h: f64) -> f64 {
        1.0 + 2.0 * self.batch as f64 * (h + self.delta) / (self.gamma * h * h)
    }

    /// Upper bound η* = 1 + 2nB(λ_1² + nδ)/(γλ_1⁴) (Theorem 3.2).
    pub fn upper(&self) -> f64 {
        self.nu_of(self.h_1())
    }

    /// Lower bound η_* = η* + 1 − Σλ_i²/λ_1² (Theorem 3.3; proven for γ < γ̄).
    pub fn lower(&self) -> f64 {
        self.upper() + 1.0 - self.trace_h() / self.h_1()
    }

    /// Critical learning rate γ̄ = 2nB(λ_1² + nδ)/(λ_1² Σλ_i²).
    pub fn gamma_critical(&self) -> f64 {
        let h_1 = self.h_1();
        2.0 * self.batch as f64 * (h_1 + self.delta) / (h_1 * self.trace_h())
    }

    /// γ < γ̄: the lower bound holds (equivalently η_* > 2).
    pub fn lower_valid(&self) -> bool {
        self.gamma < self.gamma_critical()
    }

    /// ν_i = 1 + 2nB(λ_i² + nδ)/(γλ_i⁴), i = 1..r, the tail index of the i-th decoupled
    /// Pearson diffusion (MATH.md §2.3); increasing in i, ν_1 = η*.
    pub fn per_coordinate(&self) -> Vec<f64> {
        self.h().into_iter().map(|h| self.nu_of(h)).collect()
    }

    /// Σ_i h_i²/(h_i + δ).
    fn weighted_trace(&self) -> f64 {
        self.h().iter().map(|h| h * h / (h + self.delta)).sum()
    }

    /// γ′ = (B/2)/Σ_i h_i²/(h_i + δ) (Theorem 3.4).
    pub fn gamma_prime(&self) -> f64 {
        0.5 * self.batch as f64 / self.weighted_trace()
    }

    /// γ_2 = 2B/Σ_i h_i²/(h_i + δ) = 4γ′, the exact threshold of a finite second moment of
    /// hSGD (MATH.md §3.2).
    pub fn gamma_2(&self) -> f64 {
        4.0 * self.gamma_prime()
    }

    /// The W₂ convergence rate ρ_* of Theorem 3.4 when γ < γ′: the root ρ ∈ (0, γ(h_r + δ))
    /// of Σ_i h_i²/(h_i + δ − ρ/γ) = B/(2γ). The left side increases in ρ from its value
    /// at 0 (< B/(2γ) exactly when γ < γ′) to +∞, so bisection brackets it. `None` when
    /// γ ≥ γ′.
    pub fn wasserstein_rate(&self) -> Option<f64> {
        if self.gamma >= self.gamma_prime() {
            return None;
        }
        let h = self.h();
        let target = 0.5 * self.batch as f64 / self.gamma;
        let excess = |s: f64| -> f64 {
            h.iter().map(|h| h * h / (h + self.delta - s)).sum::<f64>() - target
        };
        let top = h[h.len() - 1] + self.delta;
        let (mut lo, mut hi) = (0.0, top);
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if mid <= lo || mid >= hi {
                break;
            }
            if excess(mid) < 0.0 {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        Some(self.gamma * 0.5 * (lo + hi))
    }

    /// Everything above, for printing.
    pub fn summary(&self) -> Bounds {
        let sum_sq: f64 = self.singular_values.iter().map(|s| s * s).sum();
        let lambda_1 = self.singular_values[0];
        Bounds {
            gamma: self.gamma,
            batch: self.batch,
            delta: self.delta,
            n: self.n,
            lambda_1,
            sum_sq,
            stable_rank: sum_sq / (lambda_1 * lambda_1),
            upper: self.upper(),
            lower: self.lower(),
            lower_valid: self.lower_valid(),
            gamma_critical: self.gamma_critical(),
            gamma_prime: self.gamma_prime(),
            gamma_2: self.gamma_2(),
            wasserstein_rate: self.wasserstein_rate(),
            upper_per_coordinate: self.per_coordinate(),
        }
    }

    fn point(&self, x: f64) -> SweepPoint {
        SweepPoint {
            x,
            upper: self.upper(),
            lower: self.lower(),
            lower_valid: self.lower_valid(),
        }
    }

    /// The bounds at each γ in `gammas` (B, δ fixed).
    ///
    /// # Errors
    /// Any γ not finite or ≤ 0 (the first one found).
    pub fn sweep_gamma(&self, gammas: &[f64]) -> Result<Vec<SweepPoint>> {
        gammas
            .iter()
            .map(|&g| Ok(self.with_gamma(g)?.point(g)))
            .collect()
    }

    /// The bounds at each batch size in `batches` (γ, δ fixed).
    ///
    /// # Errors
    /// Any B outside 1..=n.
    pub fn sweep_batch(&self, batches: &[usize]) -> Result<Vec<SweepPoint>> {
        batches
            .iter()
            .map(|&b| Ok(self.with_batch(b)?.point(b as f64)))
            .collect()
    }

    /// The bounds at each δ in `deltas` (γ, B fixed).
    ///
    /// # Errors
    /// Any δ not finite or < 0.
    pub fn sweep_delta(&self, deltas: &[f64]) -> Result<Vec<SweepPoint>> {
        deltas
            .iter()
            .map(|&d| Ok(self.with_delta(d)?.point(d)))
            .collect()
    }
}

/// `points` values log-spaced from `lo` to `hi` inclusive (for γ and δ sweeps).
///
/// # Errors
/// `lo`, `hi` not finite and > 0, `lo` > `hi`, or fewer than 2 points (field `sweep`).
pub fn log_space(lo: f64, hi: f64, points: usize) -> Result<Vec<f64>> {
    if !(lo.is_finite() && hi.is_finite() && lo > 0.0 && lo <= hi && points >= 2) {
        return Err(Error::new(
            "sweep",
            "a log-spaced sweep needs 0 < low ≤ high (finite) and at least 2 points",
        ));
    }
    let (a, b) = (libm::log(lo), libm::log(hi));
    Ok((0..points)
        .map(|k| {
            if k == 0 {
                lo
            } else if k + 1 == points {
                hi
            } else {
                libm::exp(a + (b - a) * k as f64 / (points - 1) as f64)
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::problem::Problem;

    /// Reference numbers from tests/fixtures/theory/reference.py (numpy/scipy).
    fn fixture() -> serde_json::Value {
        serde_json::from_str(include_str!("../../tests/fixtures/theory/reference.json")).unwrap()
    }

    fn rel(a: f64, b: f64) -> f64 {
        (a - b).abs() / b.abs().max(1e-300)
    }

    #[test]
    fn hand_computed_small_case() {
        // n = 4, λ = (2, 1), γ = 0.5, B = 1, δ = 0.25 (so nδ = 1):
        //   η* = 1 + 2·4·1·(4 + 1)/(0.5·16) = 1 + 40/8 = 6;
        //   η_* = 6 + 1 − (4 + 1)/4 = 5.75;
        //   γ̄ = 2·4·1·(4 + 1)/(4·5) = 2;  ν_2 = 1 + 2·4·(1 + 1)/(0.5·1) = 33;
        //   h = (1, 0.25): Σh²/(h + δ) = 1/1.25 + 0.0625/0.5 = 0.925,
        //   γ′ = 0.5/0.925 = 0.54054…, γ_2 = 2/0.925 = 2.16216…;
        //   ρ_*: with s = ρ/γ, 1/(1.25 − s) + 0.0625/(0.5 − s) = 1/(2·0.5) = 1
        //   ⇔ s² − 0.6875 s + 0.046875 = 0 ⇒ s = (0.6875 − √0.28515625)/2, ρ = 0.5 s.
        let m = BoundsModel::new(4, &[1.0, 2.0], 0.5, 1, 0.25).unwrap();
        assert_eq!(m.singular_values, vec![2.0, 1.0]);
        assert!((m.upper() - 6.0).abs() < 1e-14);
        assert!((m.lower() - 5.75).abs() < 1e-14);
        assert!((m.gamma_critical() - 2.0).abs() < 1e-14);
        let nu = m.per_coordinate();
        assert!((nu[0] - 6.0).abs() < 1e-14 && (nu[1] - 33.0).abs() < 1e-13);
        assert!((m.gamma_prime() - 0.5 / 0.925).abs() < 1e-14);
        assert!((m.gamma_2() - 2.0 / 0.925).abs() < 1e-14);
        let s = (0.6875 - 0.28515625f64.sqrt()) / 2.0;
        let rate = m.wasserstein_rate().unwrap();
        assert!((rate - 0.5 * s).abs() < 1e-13, "{rate} vs {}", 0.5 * s);
        assert!(m.lower_valid());
        // γ = 0.6 > γ′: no rate.
        assert_eq!(m.with_gamma(0.6).unwrap().wasserstein_rate(), None);
    }

    #[test]
    fn digits_reference_values() {
        // MATH.md §0: γ = 0.1, B = 1, δ = 0 → η* = 2.9129, η_* = 2.4769, γ̄ = 0.1332.
        let spectrum = Spectrum::new(&Problem::digits().unwrap()).unwrap();
        let b = BoundsModel::from_spectrum(&spectrum, 0.1, 1, 0.0)
            .unwrap()
            .summary();
        assert_eq!(format!("{:.4}", b.upper), "2.9129");
        assert_eq!(format!("{:.4}", b.lower), "2.4769");
        assert_eq!(format!("{:.4}", b.gamma_critical), "0.1332");
        assert!(b.lower_valid);
        // Full precision and more settings against numpy (reference.json "digits_bounds").
        for case in fixture()["digits_bounds"].as_array().unwrap() {
            let get = |k: &str| case[k].as_f64().unwrap();
            let m = BoundsModel::from_spectrum(
                &spectrum,
                get("gamma"),
                case["batch"].as_u64().unwrap() as usize,
                get("delta"),
            )
            .unwrap();
            let s = m.summary();
            assert!(
                rel(s.upper, get("upper")) < 1e-10,
                "{} vs {}",
                s.upper,
                get("upper")
            );
            assert!(rel(s.lower, get("lower")) < 1e-10);
            assert!(rel(s.gamma_critical, get("gamma_critical")) < 1e-10);
            assert!(rel(s.gamma_prime, get("gamma_prime")) < 1e-10);
            assert!(rel(s.gamma_2, get("gamma_2")) < 1e-10);
            let last = *s.upper_per_coordinate.last().unwrap();
            assert!(rel(last, get("nu_last")) < 1e-8, "{last}");
            match case.get("wasserstein_rate") {
                Some(rate) => {
                    let ours = s.wasserstein_rate.unwrap();
                    assert!(rel(ours, rate.as_f64().unwrap()) < 1e-9, "{ours} vs {rate}");
                }
                None => assert_eq!(s.wasserstein_rate, None),
            }
        }
    }

    #[test]
    fn summary_serialises_with_the_cli_keys() {
        let b = BoundsModel::new(10, &[3.0, 1.0], 0.1, 1, 0.0)
            .unwrap()
            .summary();
        let json = serde_json::to_value(&b).unwrap();
        for key in [
            "upper",
            "lower",
            "gamma_critical",
            "upper_per_coordinate",
            "lower_valid",
            "gamma_2",
        ] {
            assert!(json.get(key).is_some(), "missing {key}");
        }
        assert_eq!(json["upper_per_coordinate"].as_array().unwrap().len(), 2);
    }

    fn decreasing(xs: &[f64]) -> bool {
        xs.windows(2).all(|w| w[1] < w[0])
    }

    fn increasing(xs: &[f64]) -> bool {
        xs.windows(2).all(|w| w[1] > w[0])
    }

    #[test]
    fn corollary_3_5_monotonicity_in_gamma_batch_delta() {
        let m = BoundsModel::new(50, &[9.0, 4.0, 3.0, 1.0, 0.5], 0.1, 2, 0.01).unwrap();
        let gammas = log_space(1e-3, 10.0, 30).unwrap();
        let pts = m.sweep_gamma(&gammas).unwrap();
        let upper: Vec<f64> = pts.iter().map(|p| p.upper).collect();
        let lower: Vec<f64> = pts.iter().map(|p| p.lower).collect();
        assert!(decreasing(&upper) && decreasing(&lower));
        let batches: Vec<usize> = (1..=50).collect();
        let pts = m.sweep_batch(&batches).unwrap();
        assert!(increasing(&pts.iter().map(|p| p.upper).collect::<Vec<_>>()));
        assert!(increasing(&pts.iter().map(|p| p.lower).collect::<Vec<_>>()));
        let mut deltas = vec![0.0];
        deltas.extend(log_space(1e-6, 1e3, 25).unwrap());
        let pts = m.sweep_delta(&deltas).unwrap();
        assert!(increasing(&pts.iter().map(|p| p.upper).collect::<Vec<_>>()));
        assert!(increasing(&pts.iter().map(|p| p.lower).collect::<Vec<_>>()));
        assert_eq!(pts[0].x, 0.0);
    }

    #[test]
    fn corollary_3_5_monotonicity_in_lambda_1() {
        // Raising λ_1 (others fixed) lowers η* always, and η_* wherever γ < γ̄ (MATH.md §3.1).
        let rest = [3.0, 2.0, 2.0, 1.0];
        for &(gamma, batch, delta) in &[(0.05, 1, 0.0), (0.2, 3, 0.05), (0.01, 1, 1.0)] {
            let mut previous: Option<(f64, f64, bool)> = None;
            for k in 0..60 {
                let lambda_1 = 3.0 + 0.25 * k as f64;
                let mut s = vec![lambda_1];
                s.extend_from_slice(&rest);
                let m = BoundsModel::new(20, &s, gamma, batch, delta).unwrap();
                let now = (m.upper(), m.lower(), m.lower_valid());
                if let Some((up, lo, valid)) = previous {
                    assert!(now.0 < up, "η* at λ_1 = {lambda_1}");
                    if valid && now.2 {
                        assert!(now.1 < lo, "η_* at λ_1 = {lambda_1}, γ = {gamma}");
                    }
                }
                previous = Some(now);
            }
        }
    }

    #[test]
    fn below_critical_rate_iff_lower_bound_above_two() {
        let spectra: [&[f64]; 3] = [&[5.0, 4.0, 1.0], &[10.0, 0.1], &[2.0, 2.0, 2.0, 2.0, 2.0]];
        for s in spectra {
            for &delta in &[0.0, 0.02, 0.7] {
                let m = BoundsModel::new(12, s, 1.0, 2, delta).unwrap();
                for g in log_space(1e-3, 1e2, 200).unwrap() {
                    let m = m.with_gamma(g).unwrap();
                    // Skip the boundary itself (rounding decides either way there).
                    if rel(g, m.gamma_critical()) < 1e-9 {
                        continue;
                    }
                    assert_eq!(
                        m.lower_valid(),
                        m.lower() > 2.0,
                        "γ = {g}, λ = {s:?}, δ = {delta}"
                    );
                }
            }
        }
    }

    #[test]
    fn sharp_cases_of_section_3_4() {
        // r = 1: η* = η_*.
        let m = BoundsModel::new(7, &[3.0], 0.3, 2, 0.1).unwrap();
        assert!((m.upper() - m.lower()).abs() < 1e-14);
        // Isotropic, r equal singular values: η_* = η* + 1 − r = 1/φ − r + 2, where
        // φ = γh²/(2B(h + δ)) (MATH.md §3.4, the exact tail index in this case).
        let r = 4;
        let (n, lambda, gamma, batch, delta) = (10usize, 2.0, 0.4, 1usize, 0.0);
        let m = BoundsModel::new(n, &vec![lambda; r], gamma, batch, delta).unwrap();
        let h: f64 = lambda * lambda / n as f64;
        let phi = gamma * h * h / (2.0 * batch as f64 * (h + delta));
        assert!((m.lower() - (1.0 / phi - r as f64 + 2.0)).abs() < 1e-12);
        assert!((m.upper() - m.lower() - (r as f64 - 1.0)).abs() < 1e-12);
        // MATH.md §3.5 first row: λ = (1,1,1,1), n = B = 1, γ = 0.4: η_* = 3, η* = 6.
        let m = BoundsModel::new(1, &[1.0; 4], 0.4, 1, 0.0).unwrap();
        assert!((m.lower() - 3.0).abs() < 1e-12 && (m.upper() - 6.0).abs() < 1e-12);
        // §3.4 table, λ = (1, 0.7), γ = 0.5: η_* = 4.51, η* = 5.
        let m = BoundsModel::new(1, &[1.0, 0.7], 0.5, 1, 0.0).unwrap();
        assert!((m.lower() - 4.51).abs() < 1e-12 && (m.upper() - 5.0).abs() < 1e-12);
    }

    #[test]
    fn gamma_2_relations_of_section_3_2() {
        // γ_2 = γ̄ when δ = 0, γ_2 ≥ γ̄ when δ > 0, γ_2 = 4γ′.
        let s = [7.0, 3.0, 1.0, 0.2];
        let m = BoundsModel::new(30, &s, 0.1, 3, 0.0).unwrap();
        assert!(rel(m.gamma_2(), m.gamma_critical()) < 1e-14);
        for delta in [1e-4, 0.1, 10.0] {
            let m = m.with_delta(delta).unwrap();
            assert!(m.gamma_2() > m.gamma_critical());
            assert!(rel(m.gamma_2(), 4.0 * m.gamma_prime()) < 1e-15);
        }
        // Per-coordinate indices increase down the spectrum; ν_1 = η*.
        let nu = m.per_coordinate();
        assert!(increasing(&nu) && nu[0] == m.upper());
    }

    #[test]
    fn invalid_parameters_are_errors() {
        let s = [2.0, 1.0];
        assert_eq!(
            BoundsModel::new(4, &s, 0.0, 1, 0.0).unwrap_err().field,
            "gamma"
        );
        assert_eq!(
            BoundsModel::new(4, &s, -1.0, 1, 0.0).unwrap_err().field,
            "gamma"
        );
        assert_eq!(
            BoundsModel::new(4, &s, f64::NAN, 1, 0.0).unwrap_err().field,
            "gamma"
        );
        assert_eq!(
            BoundsModel::new(4, &s, 0.1, 0, 0.0).unwrap_err().field,
            "batch"
        );
        assert_eq!(
            BoundsModel::new(4, &s, 0.1, 5, 0.0).unwrap_err().field,
            "batch"
        );
        assert_eq!(
            BoundsModel::new(4, &s, 0.1, 1, -0.1).unwrap_err().field,
            "delta"
        );
        assert_eq!(
            BoundsModel::new(4, &s, 0.1, 1, f64::NAN).unwrap_err().field,
            "delta"
        );
        assert_eq!(
            BoundsModel::new(4, &s, 0.1, 1, f64::INFINITY)
                .unwrap_err()
                .field,
            "delta"
        );
        assert_eq!(
            BoundsModel::new(4, &[], 0.1, 1, 0.0).unwrap_err().field,
            "data"
        );
        assert_eq!(
            BoundsModel::new(4, &[1.0, 0.0], 0.1, 1, 0.0)
                .unwrap_err()
                .field,
            "data"
        );
        assert_eq!(
            BoundsModel::new(0, &s, 0.1, 1, 0.0).unwrap_err().field,
            "data"
        );
        let m = BoundsModel::new(4, &s, 0.1, 1, 0.0).unwrap();
        assert!(m.sweep_gamma(&[0.1, -0.2]).is_err());
        assert!(m.sweep_batch(&[1, 0]).is_err());
        assert!(m.sweep_delta(&[f64::NAN]).is_err());
        assert!(log_space(1.0, 0.5, 3).is_err() && log_space(0.0, 1.0, 3).is_err());
        assert!(log_space(1.0, 2.0, 1).is_err());
    }

    #[test]
    fn log_space_hits_its_ends() {
        let g = log_space(1e-3, 1e-1, 3).unwrap();
        assert_eq!(g[0], 1e-3);
        assert_eq!(g[2], 1e-1);
        assert!((g[1] - 1e-2).abs() < 1e-17);
    }
}
