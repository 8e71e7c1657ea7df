//! Verdicts: where a measured tail index lies relative to the diffusion model's bounds
//! [η_*, η*] ([`Verdict`]) and relative to SGD's own index α_SGD ([`IndexVerdict`]), stated
//! only when the run-bootstrap interval settles it, else "inconclusive" with about how many
//! runs would (MATH.md §4.3, "Measuring tails from simulations, honestly"), and the
//! sentences the page and the CLI print for them.

use serde::{Deserialize, Serialize};

use crate::model::bounds::Bounds;
use crate::model::sgd_index::SgdIndex;
use crate::report::config::Dynamics;

/// Where a measured tail index lies relative to the hSGD bounds [η_*, η*]. In a
/// [`SimReport`] it is stated only when the run-bootstrap interval of the index settles it
/// (MATH.md §4.3, "Measuring tails from simulations, honestly"; [`Verdict::of_interval`]).
///
/// JSON values: `"below-lower"`, `"inside"`, `"above-upper"`, `"below-upper"`,
/// `"inconclusive"`, `"no-power-law-tail"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// `"below-lower"`: heavier than the diffusion model's lower bound predicts (the
    /// whole interval lies below η_*).
    BelowLower,
    /// `"inside"`: between the bounds, as Theorems 3.2–3.3 predict for hSGD (the whole
    /// interval lies in [η_*, η*]).
    Inside,
    /// `"above-upper"`: lighter than the diffusion model's upper bound (the whole interval
    /// lies above η*; MATH.md §5.4: typical of discrete SGD on the paper's settings).
    AboveUpper,
    /// `"below-upper"`: below the upper bound when the lower bound is not proven (γ ≥ γ̄):
    /// the only claim the theory makes there, η ≤ η*, holds (the whole interval lies
    /// below η*).
    BelowUpper,
    /// `"inconclusive"`: the interval straddles a bound; more runs would settle it
    /// (`verdict_runs_needed`).
    Inconclusive,
    /// `"no-power-law-tail"`: the moment estimator's ξ interval reaches ξ ≤ 0, so the
    /// sample shows no power-law tail and Hill's number is not a measured index.
    NoPowerLawTail,
}

/// Where a measured tail index lies relative to SGD's own index α_SGD (MATH.md §4.3),
/// stated only when the run-bootstrap interval of the index settles it
/// ([`IndexVerdict::of_interval`]).
///
/// JSON values: `"above"`, `"inside"`, `"below"`, `"inconclusive"`,
/// `"no-power-law-tail"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IndexVerdict {
    /// `"above"`: the whole interval lies above α_SGD's interval (lighter tails at this
    /// sample size; MATH.md §4.3 expects this when Kesten's power law sets in only far in
    /// the tail).
    Above,
    /// `"inside"`: the whole interval lies inside α_SGD's interval α ± 1.96·s.e.
    Inside,
    /// `"below"`: the whole interval lies below α_SGD's interval (or below its lower bound
    /// when only that is known): heavier tails than α_SGD.
    Below,
    /// `"inconclusive"`: the interval overlaps α_SGD's interval without lying inside it,
    /// or α_SGD is known only as a bound that cannot decide the side.
    Inconclusive,
    /// `"no-power-law-tail"`: as [`Verdict::NoPowerLawTail`].
    NoPowerLawTail,
}

/// The most runs a "runs needed" estimate states (the most a config accepts); a larger
/// need is reported as this number, "more than".
pub const RUNS_NEEDED_CAP: usize = 1_000_000;

/// The runs that would make `interval` clear every boundary in `boundaries` that it
/// straddles (lo ≤ b ≤ hi), from interval width ∝ 1/√R: with centre c and half-width h,
/// R·(h/|c − b|)² for the boundary b nearest c, rounded up, at least R + 1, capped at
/// [`RUNS_NEEDED_CAP`]. `None` when no boundary is straddled.
pub fn runs_needed(interval: (f64, f64), boundaries: &[f64], runs: usize) -> Option<usize> {
    let (lo, hi) = interval;
    let (centre, half) = (0.5 * (lo + hi), 0.5 * (hi - lo));
    let nearest = boundaries
        .iter()
        .filter(|b| b.is_finite() && lo <= **b && **b <= hi)
        .map(|b| (centre - b).abs())
        .min_by(f64::total_cmp)?;
    let cap = RUNS_NEEDED_CAP as f64;
    let ratio = half / nearest;
    let need = runs as f64 * ratio * ratio;
    let need = if need.is_finite() {
        need.ceil().min(cap)
    } else {
        cap
    };
    Some((need as usize).max(runs + 1).min(RUNS_NEEDED_CAP))
}

/// "about N runs" (N to two significant digits) or "more than 1,000,000 runs".
pub fn runs_needed_text(needed: usize) -> String {
    if needed >= RUNS_NEEDED_CAP {
        return format!("more than {} runs", thousands(RUNS_NEEDED_CAP));
    }
    let digits = needed.to_string().len() as u32;
    let magnitude = 10usize.pow(digits.saturating_sub(2));
    let rounded = needed.div_ceil(magnitude) * magnitude;
    format!("about {} runs", thousands(rounded))
}

/// 1234567 → "1,234,567".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A measured tail index with its run-bootstrap interval: what the verdicts compare.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measured {
    /// Hill's index on both tails.
    pub alpha: f64,
    /// Its 95% run-bootstrap interval (lo ≤ hi).
    pub interval: (f64, f64),
    /// The tail test passed: the moment estimator's ξ interval lies above 0.
    pub power_law_tail: bool,
    /// The runs R behind the interval.
    pub runs: usize,
}

impl Verdict {
    /// The verdict for a measured tail index `alpha` against `bounds`, from the point
    /// estimate alone (no interval).
    pub fn of(alpha: f64, bounds: &Bounds) -> Verdict {
        if alpha > bounds.upper {
            Verdict::AboveUpper
        } else if !bounds.lower_valid {
            Verdict::BelowUpper
        } else if alpha < bounds.lower {
            Verdict::BelowLower
        } else {
            Verdict::Inside
        }
    }

    /// The verdict of a measured index with its interval [lo, hi] against `bounds`, and
    /// for an inconclusive one the runs that would settle it ([`runs_needed`]):
    ///
    /// - no power-law tail (the tail test failed) → [`Verdict::NoPowerLawTail`];
    /// - lo > η* → above; when γ < γ̄ (`lower_valid`): hi < η_* → below, η_* ≤ lo and
    ///   hi ≤ η* → inside; when γ ≥ γ̄: hi < η* → [`Verdict::BelowUpper`] (η_* is not
    ///   proven there, so it is no boundary);
    /// - otherwise [`Verdict::Inconclusive`].
    pub fn of_interval(measured: &Measured, bounds: &Bounds) -> (Verdict, Option<usize>) {
        if !measured.power_law_tail {
            return (Verdict::NoPowerLawTail, None);
        }
        let (lo, hi) = measured.interval;
        let (lower, upper) = (bounds.lower, bounds.upper);
        if lo > upper {
            return (Verdict::AboveUpper, None);
        }
        if bounds.lower_valid {
            if hi < lower {
                return (Verdict::BelowLower, None);
            }
            if lower <= lo && hi <= upper {
                return (Verdict::Inside, None);
            }
            let needed = runs_needed(measured.interval, &[lower, upper], measured.runs);
            (Verdict::Inconclusive, needed)
        } else {
            if hi < upper {
                return (Verdict::BelowUpper, None);
            }
            let needed = runs_needed(measured.interval, &[upper], measured.runs);
            (Verdict::Inconclusive, needed)
        }
    }

    /// One line for a point estimate `alpha` and where it lies relative to the bounds
    /// (the verdict of [`Verdict::of`]; an interval verdict reads
    /// [`Verdict::interval_sentence`]).
    pub fn sentence(&self, method: Dynamics, alpha: f64, bounds: &Bounds) -> String {
        let measured = Measured {
            alpha,
            interval: (alpha, alpha),
            power_law_tail: true,
            runs: 0,
        };
        let text = self.interval_sentence(method, &measured, None, bounds);
        let interval =
            format!(" (95% run-bootstrap interval over k/2…2k [{alpha:.3}, {alpha:.3}])");
        text.replacen(&interval, "", 1)
    }

    /// One line for the page and the CLI: the measured index, its run-bootstrap interval
    /// and where it lies relative to the bounds (with the runs needed when inconclusive).
    pub fn interval_sentence(
        &self,
        method: Dynamics,
        measured: &Measured,
        runs_needed: Option<usize>,
        bounds: &Bounds,
    ) -> String {
        let range = format!("[{:.3}, {:.3}]", bounds.lower, bounds.upper);
        let (alpha, (lo, hi)) = (measured.alpha, measured.interval);
        let index =
            format!("{}: measured tail index {alpha:.3} (95% run-bootstrap interval over k/2…2k [{lo:.3}, {hi:.3}])", method.label());
        match self {
            Verdict::Inside => format!("{index} lies inside the diffusion-model bounds {range}"),
            Verdict::AboveUpper => format!(
                "{index} lies above the diffusion-model bounds {range}: lighter tails than hSGD predicts"
            ),
            Verdict::BelowUpper => format!(
                "{index} lies below the diffusion-model upper bound {:.3}; the lower bound is proven only for γ < γ̄ = {:.4}",
                bounds.upper, bounds.gamma_critical
            ),
            Verdict::BelowLower => format!(
                "{index} lies below the diffusion-model bounds {range}: heavier tails than hSGD predicts"
            ),
            Verdict::Inconclusive => {
                let against = if bounds.lower_valid {
                    format!("the diffusion-model bounds {range}")
                } else {
                    format!("the diffusion-model upper bound {:.3}", bounds.upper)
                };
                let more = runs_needed.map_or(String::new(), |n| {
                    format!("; {} would settle it", runs_needed_text(n))
                });
                format!(
                    "{index}: inconclusive at {} runs against {against}{more}",
                    measured.runs
                )
            }
            Verdict::NoPowerLawTail => no_tail_sentence(method, measured),
        }
    }
}

/// The sentence for a sample without a power-law tail.
fn no_tail_sentence(method: Dynamics, measured: &Measured) -> String {
    format!(
        "{}: no power-law tail seen at {} runs (the moment estimator's 95% interval \
         of ξ reaches ξ ≤ 0), so Hill's {:.3} is not a measured tail index",
        method.label(),
        measured.runs,
        measured.alpha
    )
}

/// α_SGD as an interval for the comparison: α ± 1.96·s.e. when the root was found (± 0
/// without a standard error); (L, ∞) when only the lower bound L is known; (0, U) when
/// only the upper bound U is.
pub fn index_interval(index: &SgdIndex) -> Option<(f64, f64)> {
    if let Some(alpha) = index.alpha {
        let half = Z_95 * index.alpha_std_err.unwrap_or(0.0);
        return Some((alpha - half, alpha + half));
    }
    if let Some(lower) = index.alpha_lower_bound {
        return Some((lower, f64::INFINITY));
    }
    index.alpha_upper_bound.map(|upper| (0.0, upper))
}

/// The normal quantile of a two-sided 95% interval.
pub const Z_95: f64 = 1.959_963_984_540_054;

impl IndexVerdict {
    /// The verdict of a measured index with its interval [lo, hi] against α_SGD's interval
    /// [a, b] ([`index_interval`]), and for an inconclusive one the runs that would settle
    /// it:
    ///
    /// - no power-law tail → [`IndexVerdict::NoPowerLawTail`];
    /// - lo > b (b finite) → above; hi < a → below; a ≤ lo and hi ≤ b (both finite) →
    ///   inside;
    /// - otherwise inconclusive, with [`runs_needed`] over the finite ends a, b that the
    ///   interval straddles; when α_SGD is known only as a bound (b = ∞ or a = 0) and the
    ///   interval lies on the side the bound cannot decide, no number of runs settles it
    ///   (`None`).
    pub fn of_interval(measured: &Measured, index: (f64, f64)) -> (IndexVerdict, Option<usize>) {
        if !measured.power_law_tail {
            return (IndexVerdict::NoPowerLawTail, None);
        }
        let (lo, hi) = measured.interval;
        let (a, b) = index;
        if b.is_finite() && lo > b {
            return (IndexVerdict::Above, None);
        }
        if hi < a {
            return (IndexVerdict::Below, None);
        }
        let bounded = b.is_finite() && a > 0.0;
        if bounded && a <= lo && hi <= b {
            return (IndexVerdict::Inside, None);
        }
        let centre = 0.5 * (lo + hi);
        // With a one-sided α_SGD only its finite end decides, and only from one side.
        let decisive: Vec<f64> = if bounded {
            vec![a, b]
        } else if b.is_finite() {
            [b].into_iter().filter(|&b| centre > b).collect()
        } else {
            [a].into_iter().filter(|&a| centre < a).collect()
        };
        (
            IndexVerdict::Inconclusive,
            runs_needed(measured.interval, &decisive, measured.runs),
        )
    }

    /// One line for the page and the CLI.
    pub fn sentence(
        &self,
        method: Dynamics,
        measured: &Measured,
        runs_needed: Option<usize>,
        index: &SgdIndex,
    ) -> String {
        let (alpha, (lo, hi)) = (measured.alpha, measured.interval);
        let target = match (
            index.alpha,
            index.alpha_lower_bound,
            index.alpha_upper_bound,
        ) {
            (Some(a), _, _) => match index.alpha_std_err {
                Some(se) => format!("α_SGD = {a:.3} ± {:.3}", Z_95 * se),
                None => format!("α_SGD = {a:.3}"),
            },
            (None, Some(l), _) => format!("α_SGD > {l:.3}"),
            (None, None, Some(u)) => format!("α_SGD < {u:.3}"),
            _ => "α_SGD".to_string(),
        };
        let target = if index.converged {
            target
        } else {
            format!("{target} (not converged: K·θ_min = {:.3})", index.mixing)
        };
        let head = format!(
            "{}: measured tail index {alpha:.3} (95% run-bootstrap interval over k/2…2k [{lo:.3}, {hi:.3}])",
            method.label()
        );
        match self {
            IndexVerdict::Above => format!(
                "{head} lies above SGD's own index {target}: lighter at this sample size (Kesten's power law sets in far in the tail)"
            ),
            IndexVerdict::Inside => format!("{head} lies inside SGD's own index {target}"),
            IndexVerdict::Below => format!(
                "{head} lies below SGD's own index {target}: heavier tails than α_SGD"
            ),
            IndexVerdict::Inconclusive => {
                let more = match runs_needed {
                    Some(n) => format!("; {} would settle it", runs_needed_text(n)),
                    None => "; no number of runs settles it against a one-sided bound".into(),
                };
                format!(
                    "{head}: inconclusive at {} runs against SGD's own index {target}{more}",
                    measured.runs
                )
            }
            IndexVerdict::NoPowerLawTail => no_tail_sentence(method, measured),
        }
    }
}
