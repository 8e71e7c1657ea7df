//! TODO: module distributions (see MATH.md).

pub mod stable;

/// A univariate law that can be evaluated and sampled (object safe).
pub trait Law {
    /// Short name of the family.
    fn name(&self) -> &'static str;
    /// Probability density at `x`.
    fn pdf(&self, x: f64) -> f64;
    /// Natural log of the density at `x`.
    fn ln_pdf(&self, x: f64) -> f64;
    /// Cumulative distribution function at `x`.
    fn cdf(&self, x: f64) -> f64;
    /// Survival function 1 − F(x).
    fn sf(&self, x: f64) -> f64 {
        1.0 - self.cdf(x)
    }
    /// Quantile function (inverse cdf).
    fn quantile(&self, p: f64) -> f64;
    /// One draw.
    fn sample(&self, rng: &mut crate::rng::Stream) -> f64;
    /// Number of fitted parameters.
    fn n_params(&self) -> usize;
    /// Moment (tail) index, `None` when all moments exist.
    fn tail_index(&self) -> Option<f64>;
}
