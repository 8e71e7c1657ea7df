//! The trait every law implements ([`Law`]: evaluate, invert, sample, tail index) and the
//! numerical pieces the laws share: the default quantile by safeguarded Newton (the scheme
//! of statrs' `newton_raphson_quantile`) and a standard gamma sampler (MATH.md §4.2).

// NaN-proof parameter checks `!(x > 0.0)` (STYLE.md, as rand_distr) are intended.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use crate::rng::Stream;

/// A univariate continuous law: evaluate, invert, sample.
///
/// Methods are unchecked like statrs' `Continuous`: `x = ±∞` gives the limits, a NaN `x`
/// gives NaN. `quantile(p)` is defined for p ∈ [0, 1] and is NaN outside.
pub trait Law: std::fmt::Debug + Send + Sync {
    /// A short name for legends and reports ("gaussian", "student_t", …).
    fn name(&self) -> &'static str;
    /// The density at `x`.
    fn pdf(&self, x: f64) -> f64 {
        libm::exp(self.ln_pdf(x))
    }
    /// The natural logarithm of the density at `x` (−∞ outside the support).
    fn ln_pdf(&self, x: f64) -> f64;
    /// P(X ≤ x).
    fn cdf(&self, x: f64) -> f64;
    /// P(X > x); laws override it where 1 − cdf would lose the upper tail.
    fn sf(&self, x: f64) -> f64 {
        1.0 - self.cdf(x)
    }
    /// The cdf at each point of an ascending slice (laws with an expensive cdf override
    /// this with an incremental computation).
    fn cdf_sorted(&self, sorted: &[f64]) -> Vec<f64> {
        sorted.iter().map(|&x| self.cdf(x)).collect()
    }
    /// The support (lower, upper) end points (possibly infinite).
    fn support(&self) -> (f64, f64) {
        (f64::NEG_INFINITY, f64::INFINITY)
    }
    /// A centre and a positive spread, used to start the quantile search (the default
    /// (0, 1) works for any law, just with more bracketing steps when far off).
    fn centre_and_spread(&self) -> (f64, f64) {
        (0.0, 1.0)
    }
    /// The p-quantile, the x with cdf(x) = p.
    fn quantile(&self, p: f64) -> f64 {
        newton_quantile(self, p)
    }
    /// One variate drawn from `rng`.
    fn sample(&self, rng: &mut Stream) -> f64;
    /// The number of free parameters (for AIC).
    fn n_params(&self) -> usize;
    /// The tail index η = sup{p : E|X|^p < ∞} (MATH.md §0); `None` when every moment is
    /// finite (Gaussian).
    fn tail_index(&self) -> Option<f64>;
}

/// The default quantile: bracket, then safeguarded Newton (see the module docs).
pub fn newton_quantile<L: Law + ?Sized>(law: &L, p: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    let (lower, upper) = law.support();
    if p == 0.0 {
        return lower;
    }
    if p == 1.0 {
        return upper;
    }
    let upper_half = p > 0.5;
    let target = if upper_half { 1.0 - p } else { p };
    // Increasing in x, zero at the quantile.
    let residual = |x: f64| {
        if upper_half {
            target - law.sf(x)
        } else {
            law.cdf(x) - target
        }
    };
    let (centre, spread) = law.centre_and_spread();
    let mut lo = (centre - spread).max(lower);
    let mut hi = (centre + spread).min(upper);
    let mut step = spread;
    while residual(lo) > 0.0 && lo > lower && lo.is_finite() {
        hi = lo;
        step *= 2.0;
        lo = (centre - step).max(lower);
    }
    step = spread;
    while residual(hi) < 0.0 && hi < upper && hi.is_finite() {
        lo = hi;
        step *= 2.0;
        hi = (centre + step).min(upper);
    }
    let abs_tol = 1e-15 * spread;
    let mut x = 0.5 * (lo + hi);
    let mut last_step = hi - lo;
    for _ in 0..400 {
        let r = residual(x);
        if r == 0.0 {
            return x;
        }
        if r > 0.0 {
            hi = x;
        } else {
            lo = x;
        }
        let newton = x - r / law.pdf(x);
        let next = if newton > lo && newton < hi && (newton - x).abs() <= 0.5 * last_step {
            newton
        } else {
            lo + 0.5 * (hi - lo)
        };
        let moved = (next - x).abs();
        if moved <= 4.0 * f64::EPSILON * next.abs() + abs_tol
            || hi - lo <= 4.0 * f64::EPSILON * lo.abs().max(hi.abs()) + abs_tol
        {
            return next;
        }
        last_step = moved;
        x = next;
    }
    x
}

/// A gamma(shape, 1) variate by Marsaglia & Tsang (2000), with Stuart's boost
/// G(α) = G(α + 1)·U^{1/α} for α < 1. Written with `libm` and [`crate::rng`] so a seed
/// gives the same numbers natively and in wasm (rand_distr's Gamma uses std's `ln`).
pub(crate) fn standard_gamma(shape: f64, rng: &mut Stream) -> f64 {
    if shape < 1.0 {
        let u = crate::rng::uniform_open(rng);
        return standard_gamma(shape + 1.0, rng) * libm::pow(u, 1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let z = crate::rng::standard_normal(rng);
        let v = 1.0 + c * z;
        if v <= 0.0 {
            continue;
        }
        let v3 = v * v * v;
        let u = crate::rng::uniform_open(rng);
        if libm::log(u) < 0.5 * z * z + d - d * v3 + d * libm::log(v3) {
            return d * v3;
        }
    }
}
