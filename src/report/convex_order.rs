//! The theory's Pearson law of the inspected SVD coordinate explained, and Theorem 3.1
//! measured (MATH.md §2.2, §2.3, §3.1).
//!
//! The curve drawn over the histogram is the stationary law of the *independent* Pearson
//! diffusion of coordinate i (eq. (8)), dẐ = −θ_i(Ẑ − μ_i)dt + √(2θ_iφ_i(Ẑ² + χ))dB, with
//! θ_i = γ(λ_i²/n + δ) per SGD step. It can differ from a histogram for two reasons:
//!
//! - **Theorem 3.1 (convex order).** Started from the same point, hSGD's coordinate Z^i
//!   (eq. (7), whose noise sees |Z|² + χ) and the independent Ẑ^i (which sees only
//!   (Ẑ^i)² + χ) satisfy E g(Z^i_t) ≥ E g(Ẑ^i_t) for every convex g and every t: hSGD is
//!   wider. Y_i = q_iᵀ(X − x_*) is a linear image of Z^i, so the same holds for Y_i.
//! - **Time.** The coordinate relaxes at rate θ_i per step: after K steps it is near its
//!   stationary law only when K·θ_i is large; K·θ_i < [`MIXED_K_THETA`] means "not
//!   stationary" (MATH.md §4.1, §4.3).
//!
//! [`InspectedPearson`] holds θ_i, K·θ_i and ν_i with the explanation as a sentence.
//! [`ConvexOrder`] measures the theorem with g = |·|^p: E|Y_i|^p of hSGD's final iterates
//! against E|Ŷ_i|^p of the independent diffusion of coordinate i alone
//! ([`crate::model::hsgd::Hsgd::independent_coordinate`]: same γ, h, K and the same initial
//! point run for run), for the orders of [`moment_orders`], each the mean over runs with a
//! CLT interval mean ± z·sd/√R (95%), the paired difference |Y|^p − |Ŷ|^p over the same
//! runs with its CLT interval (which decides [`Order`]), and the stationary value
//! E|Y_i|^p of the Pearson law (the limit t → ∞ of the independent side,
//! [`crate::model::pearson::StationaryLaw::abs_moment`]).

use serde::{Deserialize, Serialize};

use crate::error::short;
use crate::model::hsgd::{Coupling, Hsgd, HsgdParams};
use crate::model::pearson::{self, PearsonCoefficients};
use crate::model::simulation::Simulation;
use crate::report::config::{Basis, Config, Dynamics, Method};
use crate::report::runs::Prepared;
use crate::report::verdict::Z_95;

/// K·θ_i below this: the coordinate is not stationary at step K (MATH.md §4.3 uses 5).
pub const MIXED_K_THETA: f64 = 5.0;

/// The stream index (under the config's seed) whose first word seeds the independent
/// diffusion's normals: apart from the run indices, the estimators' (u64::MAX) and the run
/// bootstrap's (u64::MAX − 1) streams and the sweep's point seeds.
pub const INDEPENDENT_NOISE_STREAM: u64 = u64::MAX - 2;

/// MATH.md §4.1's step guidance for the diffusion: θh ≲ 0.05 and 2θφh ≲ 0.05.
pub const STEP_GUIDANCE: f64 = 0.05;

/// The largest order p of [`moment_orders`]: with a few thousand runs, a higher moment is
/// decided by the largest few values.
pub const MAX_ORDER: f64 = 5.0;

/// The inspected SVD coordinate's Pearson diffusion: how far it relaxes in K steps, and
/// why its stationary law (the curve) can differ from the histograms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InspectedPearson {
    /// The coordinate i (0-based; the direction q_{i+1}).
    pub coordinate: usize,
    /// θ_i = γ(λ_i²/n + δ), the mean-reversion rate per SGD step.
    pub theta: f64,
    /// K, the steps of the runs.
    pub steps: usize,
    /// K·θ_i.
    pub k_theta: f64,
    /// The Pearson tail index ν_i = 1 + 1/φ_i (the law's moment index η).
    pub tail_index: f64,
    /// K·θ_i ≥ [`MIXED_K_THETA`].
    pub stationary: bool,
    /// What the curve is and why it can differ from the histogram, as a sentence.
    pub explanation: String,
}

/// A mean over runs with its CLT interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeanInterval {
    /// The mean.
    pub mean: f64,
    /// Its standard error sd/√R.
    pub se: f64,
    /// mean − z·se (z = 1.96).
    pub lo: f64,
    /// mean + z·se.
    pub hi: f64,
}

impl MeanInterval {
    /// The mean of `values` with the interval mean ± 1.96·sd/√R (sd with R − 1); `None`
    /// for fewer than two values or a non-finite mean.
    pub fn of(values: &[f64]) -> Option<MeanInterval> {
        let r = values.len();
        if r < 2 {
            return None;
        }
        let mean = values.iter().sum::<f64>() / r as f64;
        let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (r - 1) as f64;
        let se = (var / r as f64).sqrt();
        (mean.is_finite() && se.is_finite()).then_some(MeanInterval {
            mean,
            se,
            lo: mean - Z_95 * se,
            hi: mean + Z_95 * se,
        })
    }
}

/// What the paired difference E|Y|^p − E|Ŷ|^p says about Theorem 3.1's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Order {
    /// The difference's interval lies above 0: hSGD is strictly wider, as the theorem
    /// allows.
    Holds,
    /// The interval contains 0: consistent with the theorem, not resolved.
    WithinInterval,
    /// The interval lies below 0: contradicts the theorem (or the discretisation).
    Violated,
}

impl Order {
    /// The order of a difference's interval.
    pub fn of(difference: &MeanInterval) -> Order {
        if difference.lo > 0.0 {
            Order::Holds
        } else if difference.hi < 0.0 {
            Order::Violated
        } else {
            Order::WithinInterval
        }
    }

    /// The serialised name (`holds`, `within-interval`, `violated`).
    pub fn key(self) -> &'static str {
        match self {
            Order::Holds => "holds",
            Order::WithinInterval => "within-interval",
            Order::Violated => "violated",
        }
    }

    /// Short text for the table.
    pub fn text(self) -> &'static str {
        match self {
            Order::Holds => "✓ strictly",
            Order::WithinInterval => "✓ within ±",
            Order::Violated => "✗ violated",
        }
    }
}

/// One order p of the comparison.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MomentRow {
    /// The order p (1 ≤ p < η).
    pub p: f64,
    /// E|Y_i|^p of hSGD's final iterates.
    pub hsgd: MeanInterval,
    /// E|Ŷ_i|^p of the independent diffusion at the same step K.
    pub independent: MeanInterval,
    /// The paired difference |Y_i|^p − |Ŷ_i|^p over the same runs.
    pub difference: MeanInterval,
    /// E|Y_i|^p under the stationary Pearson law (`None` when not computable).
    pub stationary: Option<f64>,
    /// p > η/2: the stationary variance of |Y|^p is infinite, so near stationarity the CLT
    /// interval is too narrow.
    pub heavy: bool,
    /// What the difference says.
    pub order: Order,
}

/// Theorem 3.1 measured on the inspected coordinate (see the module doc).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConvexOrder {
    /// The coordinate i (0-based).
    pub coordinate: usize,
    /// The Pearson tail index η = ν_i.
    pub tail_index: f64,
    /// Runs in the comparison (finished in both).
    pub runs: usize,
    /// Runs of the independent diffusion that diverged (left out).
    pub independent_diverged: usize,
    /// How the intervals are made.
    pub interval: String,
    /// One row per order p.
    pub moments: Vec<MomentRow>,
    /// Remarks: a step h too coarse for the diffusion (MATH.md §4.1), the time to
    /// stationarity.
    pub notes: Vec<String>,
}

/// The orders p: four points evenly spaced from 1 to just below min(η, [`MAX_ORDER`]),
/// p_k = 1 + k·(min(η, 5) − 1)/4 for k = 0..3. Why: |z|^p is convex only for p ≥ 1 (the
/// theorem is about convex g), E|Ẑ_∞|^p is finite only for p < η, and the points stay a
/// quarter of the range away from η so the stationary value is finite and computable; with
/// a light tail (η ≥ 5) they are 1, 2, 3, 4. Empty when η ≤ 1.
pub fn moment_orders(tail_index: f64) -> Vec<f64> {
    if tail_index.is_nan() || tail_index <= 1.0 {
        return Vec::new();
    }
    let top = tail_index.min(MAX_ORDER);
    (0..4).map(|k| 1.0 + k as f64 * (top - 1.0) / 4.0).collect()
}

/// A number in a sentence: four significant digits when of everyday size (θ = 0.2591,
/// K·θ = 77.73, 1805), else [`short`]'s scientific form.
pub fn sig4(x: f64) -> String {
    if x.is_finite() && x != 0.0 && (1e-3..1e6).contains(&x.abs()) {
        let decimals = (3.0 - libm::floor(libm::log10(x.abs()))).max(0.0) as usize;
        format!("{x:.decimals$}")
    } else {
        short(x)
    }
}

/// The coefficients of the inspected coordinate's diffusion, when the config inspects an
/// SVD direction that has one.
pub(crate) fn inspected_coefficients(
    config: &Config,
    prepared: &Prepared,
) -> Option<PearsonCoefficients> {
    if config.basis != Basis::Svd || config.coordinate >= prepared.spectrum.rank() {
        return None;
    }
    pearson::coefficients(&prepared.spectrum, config.gamma, config.batch, config.delta)
        .ok()?
        .get(config.coordinate)
        .copied()
}

/// θ_i, K·θ_i and the explanation for the inspected coordinate; `None` for an original
/// coordinate or a direction without a Pearson diffusion (as the report's `theory`).
pub fn inspected_pearson(config: &Config, prepared: &Prepared) -> Option<InspectedPearson> {
    let c = inspected_coefficients(config, prepared)?;
    let i = config.coordinate;
    let k_theta = config.steps as f64 * c.theta;
    let stationary = k_theta >= MIXED_K_THETA;
    let time = if stationary {
        format!(
            "(b) time: after K = {} steps, K·θ = {} ≥ {}, so the coordinate has relaxed to its stationary law and time is not the reason here",
            config.steps,
            sig4(k_theta),
            MIXED_K_THETA
        )
    } else {
        format!(
            "(b) time: after K = {} steps, K·θ = {} < {}: the coordinate is far from stationary (its law still carries the initial point's), so no histogram at step K should match the curve",
            config.steps,
            sig4(k_theta),
            MIXED_K_THETA
        )
    };
    let sgd = if config.method != Method::Hsgd {
        format!(
            " The SGD histogram is a third process: hSGD is its small-step model, coarse when θ per step is not small (θ = {} here; MATH.md §5.4).",
            sig4(c.theta)
        )
    } else {
        String::new()
    };
    let explanation = format!(
        "The curve is the stationary law of the independent Pearson diffusion of coordinate {i} (q{q}ᵀx; MATH.md §2.2 eq. 8, dẐ = −θ(Ẑ − μ)dt + √(2θφ(Ẑ² + χ))dB, θ = {theta} per step, tail index ν = {nu}). It can differ from the histograms for two reasons. (a) Theorem 3.1: from the same start, this independent diffusion is smaller in convex order than hSGD's coupled coordinate, whose noise sees all coordinates (E g(Zᵢ) ≥ E g(Ẑᵢ) for every convex g, at every time), so hSGD is wider. {time}.{sgd}",
        q = i + 1,
        theta = sig4(c.theta),
        nu = sig4(c.nu()),
    );
    Some(InspectedPearson {
        coordinate: i,
        theta: c.theta,
        steps: config.steps,
        k_theta,
        tail_index: c.nu(),
        stationary,
        explanation,
    })
}

/// Theorem 3.1 on the inspected coordinate from hSGD's `simulation` (its inspected values
/// `values`, S per finished run, the last being step K), or why it was not measured.
pub fn convex_order(
    config: &Config,
    prepared: &Prepared,
    simulation: &Simulation,
    values: &[f64],
) -> Result<ConvexOrder, String> {
    if config.basis != Basis::Svd {
        return Err(
            "Theorem 3.1 is measured in the SVD basis only (choose basis = SVD)".to_string(),
        );
    }
    let c = inspected_coefficients(config, prepared).ok_or_else(|| {
        format!(
            "coordinate {} has no Pearson diffusion (rank {})",
            config.coordinate,
            prepared.spectrum.rank()
        )
    })?;
    let i = config.coordinate;
    let params = HsgdParams {
        gamma: config.gamma,
        batch: config.batch,
        delta: config.delta,
        steps: config.steps,
        substeps: config.substeps,
        coupling: Coupling::Independent,
    };
    let hsgd = Hsgd::new(&prepared.spectrum, &params).map_err(|e| e.message)?;
    let per_run = simulation.samples_per_run.max(1);
    if values.len() != simulation.finished.len() * per_run {
        return Err("the hSGD sample does not match its runs".to_string());
    }
    let noise_seed = {
        use rand::Rng;
        crate::rng::stream(config.seed, INDEPENDENT_NOISE_STREAM).next_u64()
    };
    let independent = hsgd
        .independent_coordinate(i, config.seed, noise_seed, &simulation.finished)
        .map_err(|e| e.message)?;
    // Y_i = q_iᵀX − q_iᵀx_*: the inspected value is q_iᵀX.
    let offset = c.offset;
    let pairs: Vec<(f64, f64)> = values
        .chunks_exact(per_run)
        .zip(&independent)
        .filter_map(|(run, ind)| Some((run[per_run - 1] - offset, (*ind)?)))
        .collect();
    let independent_diverged = independent.iter().filter(|v| v.is_none()).count();
    if pairs.len() < 2 {
        return Err(
            "fewer than two runs finished in both hSGD and the independent diffusion".into(),
        );
    }
    let eta = c.nu();
    let law = c.law_y().ok();
    let mut moments = Vec::new();
    for p in moment_orders(eta) {
        let a: Vec<f64> = pairs.iter().map(|(y, _)| libm::pow(y.abs(), p)).collect();
        let b: Vec<f64> = pairs.iter().map(|(_, z)| libm::pow(z.abs(), p)).collect();
        let diff: Vec<f64> = a.iter().zip(&b).map(|(a, b)| a - b).collect();
        let (Some(hsgd), Some(independent), Some(difference)) = (
            MeanInterval::of(&a),
            MeanInterval::of(&b),
            MeanInterval::of(&diff),
        ) else {
            continue;
        };
        moments.push(MomentRow {
            p,
            hsgd,
            independent,
            difference,
            stationary: law.as_ref().and_then(|l| l.abs_moment(p)),
            heavy: p > eta / 2.0,
            order: Order::of(&difference),
        });
    }
    if moments.is_empty() {
        return Err(format!(
            "no order p in [1, η) with finite moments (η = {})",
            sig4(eta)
        ));
    }
    let h = 1.0 / config.substeps as f64;
    let (drift_step, noise_step) = (c.theta * h, 2.0 * c.theta * c.phi * h);
    let mut notes = Vec::new();
    if drift_step.max(noise_step) > STEP_GUIDANCE {
        notes.push(format!(
            "At h = 1/{} the Euler chains are coarse for this coordinate (θh = {}, 2θφh = {}; MATH.md §4.1 asks for ≤ {}): both columns are those of the discretised chains, whose law at large K can differ from the stationary Pearson value; raise hSGD sub-steps to approach it.",
            config.substeps,
            sig4(drift_step),
            sig4(noise_step),
            STEP_GUIDANCE
        ));
    }
    let k_theta = config.steps as f64 * c.theta;
    if k_theta < MIXED_K_THETA {
        notes.push(format!(
            "K·θ = {} < {}: the coordinate is far from stationary at step K, so both columns lie far from the stationary one.",
            sig4(k_theta),
            MIXED_K_THETA
        ));
    }
    Ok(ConvexOrder {
        coordinate: i,
        tail_index: eta,
        runs: pairs.len(),
        independent_diverged,
        interval: "95% CLT interval over runs: mean ± 1.96·sd/√R; the order from the paired difference over the same runs".to_string(),
        moments,
        notes,
    })
}

/// [`convex_order`] when `method` is hSGD, as the report's pair (result, note); (None,
/// None) for SGD.
pub fn for_method(
    config: &Config,
    prepared: &Prepared,
    method: Dynamics,
    simulation: &Simulation,
    values: &[f64],
) -> (Option<ConvexOrder>, Option<String>) {
    if method != Dynamics::Hsgd {
        return (None, None);
    }
    match convex_order(config, prepared, simulation, values) {
        Ok(order) => (Some(order), None),
        Err(note) => (None, Some(format!("Theorem 3.1 not measured: {note}"))),
    }
}

#[cfg(test)]
mod tests;
