//! Gauss–Kronrod (7, 15) quadrature: one panel and a globally adaptive integrator.
//!
//! A panel on [a, b] with centre c = (a + b)/2 and half-width h = (b − a)/2 evaluates f at
//! the 15 Kronrod nodes c ± h·x_k of QUADPACK's `qk15` (Piessens, de Doncker-Kapenga,
//! Überhuber & Kahaner, *QUADPACK*, Springer 1983), whose odd-indexed nodes are the
//! 7-point Gauss nodes:
//!
//!   K₁₅ = h Σ w_k f(c ± h x_k),  G₇ = h Σ v_k f(c ± h x_{2k+1}),
//!
//! and offers three error estimates: |K₁₅ − G₇| (pessimistic), QUADPACK's rescaled
//! estimate, and K₁₅ of |f| (the scale for relative tolerances).
//!
//! [`integrate`] is the crate's one integrator (QUADPACK's QAG strategy: bisect the panel
//! with the largest error estimate). The Pearson laws (MATH.md §2.3), the model's
//! stationary laws and the test that densities integrate to their distribution functions
//! call it with a relative tolerance; the α-stable density (MATH.md §4.2) with
//! [`Options`] of its own: breakpoints around the integrand's peak, QUADPACK's error
//! estimate, a tolerance relative to the integral and [`Bookkeeping::List`].
//!
//! Hand-written because no dependency of the crate offers adaptive quadrature (statrs,
//! nalgebra and libm have none).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Kronrod nodes x_k of QUADPACK's qk15 on [−1, 1] (non-negative half, descending; the
/// odd-indexed ones are the 7-point Gauss nodes). The doubles nearest QUADPACK's 33 digits.
const KRONROD_NODES: [f64; 8] = [
    0.991_455_371_120_812_6,
    0.949_107_912_342_758_5,
    0.864_864_423_359_769_1,
    0.741_531_185_599_394_5,
    0.586_087_235_467_691_1,
    0.405_845_151_377_397_2,
    0.207_784_955_007_898_48,
    0.0,
];
/// Kronrod weights w_k matching [`KRONROD_NODES`].
const KRONROD_WEIGHTS: [f64; 8] = [
    0.022_935_322_010_529_224,
    0.063_092_092_629_978_56,
    0.104_790_010_322_250_19,
    0.140_653_259_715_525_92,
    0.169_004_726_639_267_9,
    0.190_350_578_064_785_42,
    0.204_432_940_075_298_89,
    0.209_482_141_084_727_82,
];
/// 7-point Gauss weights v_k at the odd-indexed Kronrod nodes (1, 3, 5, 7).
const GAUSS_WEIGHTS: [f64; 4] = [
    0.129_484_966_168_869_7,
    0.279_705_391_489_276_64,
    0.381_830_050_505_118_9,
    0.417_959_183_673_469_4,
];

/// One Gauss–Kronrod (7, 15) panel: the 15 integrand values and both rules' sums.
#[derive(Clone, Copy, Debug)]
pub struct Panel {
    /// h = (b − a)/2.
    half_width: f64,
    /// f(c).
    centre_value: f64,
    /// (f(c − h x_k), f(c + h x_k)) for k = 0..7.
    pair_values: [(f64, f64); 7],
    /// Σ w_k f on [−1, 1] (not yet multiplied by h).
    kronrod_sum: f64,
    /// Σ v_k f on [−1, 1] (not yet multiplied by h).
    gauss_sum: f64,
}

impl Panel {
    /// Evaluates f at the 15 nodes of [a, b] (centre first, then c − h x_k before c + h x_k
    /// for k = 0..7) and sums both rules.
    pub fn new<F: Fn(f64) -> f64 + ?Sized>(f: &F, a: f64, b: f64) -> Panel {
        let centre = 0.5 * (a + b);
        let half_width = 0.5 * (b - a);
        let centre_value = f(centre);
        let mut kronrod_sum = KRONROD_WEIGHTS[7] * centre_value;
        let mut gauss_sum = GAUSS_WEIGHTS[3] * centre_value;
        let mut pair_values = [(0.0, 0.0); 7];
        for (k, values) in pair_values.iter_mut().enumerate() {
            let dx = half_width * KRONROD_NODES[k];
            *values = (f(centre - dx), f(centre + dx));
            let pair = values.0 + values.1;
            kronrod_sum += KRONROD_WEIGHTS[k] * pair;
            if k % 2 == 1 {
                gauss_sum += GAUSS_WEIGHTS[k / 2] * pair;
            }
        }
        Panel {
            half_width,
            centre_value,
            pair_values,
            kronrod_sum,
            gauss_sum,
        }
    }

    /// The Kronrod estimate K₁₅ of ∫_a^b f.
    pub fn kronrod(&self) -> f64 {
        self.kronrod_sum * self.half_width
    }

    /// |K₁₅ − G₇|: a pessimistic error estimate (K₁₅ is far more accurate than G₇ on
    /// smooth integrands).
    pub fn gauss_difference(&self) -> f64 {
        ((self.kronrod_sum - self.gauss_sum) * self.half_width).abs()
    }

    /// K₁₅ of ∫_a^b |f| from the same values (a scale for relative tolerances).
    pub fn kronrod_of_abs(&self) -> f64 {
        let mut sum = KRONROD_WEIGHTS[7] * self.centre_value.abs();
        for (k, &(left, right)) in self.pair_values.iter().enumerate() {
            sum += KRONROD_WEIGHTS[k] * (left.abs() + right.abs());
        }
        sum * self.half_width
    }

    /// QUADPACK's qk15 error estimate: with I = K₁₅/(b − a) the mean of f and
    /// A = K₁₅ of |f − I|, the error is A·min(1, (200 |K₁₅ − G₇| / A)^{3/2}) (or
    /// |K₁₅ − G₇| when either is 0). Sharper than |K₁₅ − G₇| once the panel resolves f.
    pub fn quadpack_error(&self) -> f64 {
        let mean = 0.5 * self.kronrod_sum;
        let mut spread = KRONROD_WEIGHTS[7] * (self.centre_value - mean).abs();
        for (k, &(left, right)) in self.pair_values.iter().enumerate() {
            spread += KRONROD_WEIGHTS[k] * ((left - mean).abs() + (right - mean).abs());
        }
        let spread = spread * self.half_width.abs();
        let difference = self.gauss_difference();
        if spread != 0.0 && difference != 0.0 {
            spread * (200.0 * difference / spread).powi(3).sqrt().min(1.0)
        } else {
            difference
        }
    }
}

/// Which error estimate of a panel [`integrate`] sums, compares with the tolerance and
/// bisects by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorEstimate {
    /// |K₁₅ − G₇| ([`Panel::gauss_difference`]): pessimistic, safe for rough integrands.
    GaussDifference,
    /// QUADPACK's rescaled estimate ([`Panel::quadpack_error`]): sharper once resolved.
    Quadpack,
}

/// What the relative tolerance of [`integrate`] multiplies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// ∫|f| (from the panels' K₁₅ of |f|): a cancelling integrand is not chased to
    /// digits it does not have.
    IntegralOfAbs,
    /// |∫f| (QUADPACK's choice), for integrands of one sign.
    AbsOfIntegral,
}

/// How [`integrate`] keeps its panels. The two ways refine the same panels (but for ties
/// and the rules below) and differ in the order the totals are summed, so each caller
/// keeps the one its pinned numbers were made with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bookkeeping {
    /// A heap by error; running totals (re-summed every 128 panels against drift); a
    /// panel too narrow to bisect keeps its value and drops its error; stops when the
    /// worst error left is 0 (only rounding in the running total remained).
    Heap,
    /// A list scanned for the first largest error and re-summed at every step; stops at
    /// the first panel too narrow to bisect.
    List,
}

/// Where [`integrate`] puts its first panels.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Start<'a> {
    /// This many equal panels.
    Equal(usize),
    /// The panels between a, these ascending points inside (a, b), and b.
    Breakpoints(&'a [f64]),
}

/// How [`integrate`] starts, refines and stops. [`Options::relative`] (or an `f64`, which
/// converts to it) gives QUADPACK's QAG strategy with the pessimistic error; the other
/// methods change one choice each.
#[derive(Clone, Copy, Debug, PartialEq)]
#[must_use]
pub struct Options<'a> {
    relative: f64,
    absolute: f64,
    start: Start<'a>,
    estimate: ErrorEstimate,
    scale: Scale,
    bookkeeping: Bookkeeping,
    max_panels: usize,
}

impl<'a> Options<'a> {
    /// Stop once the summed error estimate is ≤ max(10⁻³⁰⁰, `relative`·∫|f|) or 2000
    /// panels exist; start from 8 equal panels; |K₁₅ − G₇| errors in a
    /// [`Bookkeeping::Heap`]. The absolute floor 10⁻³⁰⁰ stops at once on an integral that
    /// is zero but for underflow.
    pub fn relative(relative: f64) -> Options<'a> {
        Options {
            relative,
            absolute: 1e-300,
            start: Start::Equal(8),
            estimate: ErrorEstimate::GaussDifference,
            scale: Scale::IntegralOfAbs,
            bookkeeping: Bookkeeping::Heap,
            max_panels: 2000,
        }
    }

    /// The absolute floor of the tolerance (0 for none below ∫|f|; −∞ to let the relative
    /// bound alone decide, also when it is NaN).
    pub fn absolute(self, absolute: f64) -> Options<'a> {
        Options { absolute, ..self }
    }

    /// Start from the panels between a, `points` (ascending, inside (a, b)) and b, instead
    /// of 8 equal panels: breakpoints where the integrand changes scale.
    pub fn breakpoints(self, points: &'a [f64]) -> Options<'a> {
        Options {
            start: Start::Breakpoints(points),
            ..self
        }
    }

    /// The error estimate to sum and refine by.
    pub fn error_estimate(self, estimate: ErrorEstimate) -> Options<'a> {
        Options { estimate, ..self }
    }

    /// What the relative tolerance multiplies.
    pub fn relative_to(self, scale: Scale) -> Options<'a> {
        Options { scale, ..self }
    }

    /// How the panels are kept.
    pub fn bookkeeping(self, bookkeeping: Bookkeeping) -> Options<'a> {
        Options {
            bookkeeping,
            ..self
        }
    }

    /// Stop refining once this many panels exist.
    pub fn max_panels(self, max_panels: usize) -> Options<'a> {
        Options { max_panels, ..self }
    }
}

impl From<f64> for Options<'_> {
    /// [`Options::relative`].
    fn from(relative: f64) -> Self {
        Options::relative(relative)
    }
}

/// ∫_a^b f by globally adaptive Gauss–Kronrod (7, 15) (QUADPACK's QAG strategy): the
/// panel with the largest error estimate is bisected until the summed estimate is within
/// the tolerance of `options` (an `f64` is a relative tolerance, see [`Options::relative`])
/// or the panel limit is reached. Integrable endpoint singularities and cusps are handled
/// by the bisection; with |K₁₅ − G₇| the result is usually much better than the
/// tolerance on smooth integrands. For b < a returns −∫_b^a f; returns 0 for an empty
/// interval (or NaN bounds).
pub fn integrate<'a, F: Fn(f64) -> f64>(
    f: F,
    a: f64,
    b: f64,
    options: impl Into<Options<'a>>,
) -> f64 {
    let options = options.into();
    if a == b || a.is_nan() || b.is_nan() {
        return 0.0;
    }
    if b < a {
        return -integrate(f, b, a, options);
    }
    let make = |lo: f64, hi: f64| {
        let panel = Panel::new(&f, lo, hi);
        Subinterval {
            lo,
            hi,
            value: panel.kronrod(),
            error: match options.estimate {
                ErrorEstimate::GaussDifference => panel.gauss_difference(),
                ErrorEstimate::Quadpack => panel.quadpack_error(),
            },
            // Only a tolerance relative to ∫|f| needs it.
            size: match options.scale {
                Scale::IntegralOfAbs => panel.kronrod_of_abs(),
                Scale::AbsOfIntegral => 0.0,
            },
        }
    };
    let mut panels = Panels::new(options.bookkeeping, options.max_panels);
    match options.start {
        Start::Equal(count) => {
            let width = (b - a) / count as f64;
            for k in 0..count {
                let lo = a + width * k as f64;
                let hi = if k + 1 == count { b } else { lo + width };
                panels.push(make(lo, hi));
            }
        }
        Start::Breakpoints(points) => {
            let mut lo = a;
            for &hi in points.iter().chain([b].iter()) {
                if hi > lo {
                    panels.push(make(lo, hi));
                }
                lo = hi;
            }
        }
    }
    let (mut value, mut error, mut size) = panels.totals();
    loop {
        if panels.resum_now() {
            (value, error, size) = panels.totals();
        }
        let scale = match options.scale {
            Scale::IntegralOfAbs => size,
            Scale::AbsOfIntegral => value.abs(),
        };
        if panels.len() >= options.max_panels
            || error <= options.absolute.max(options.relative * scale)
        {
            break;
        }
        let worst = panels.pop_worst();
        let mid = 0.5 * (worst.lo + worst.hi);
        if worst.error == 0.0 && options.bookkeeping == Bookkeeping::Heap {
            panels.push(worst);
            break;
        }
        if !(mid > worst.lo && mid < worst.hi) {
            match options.bookkeeping {
                Bookkeeping::Heap => {
                    error -= worst.error;
                    panels.push(Subinterval {
                        error: 0.0,
                        ..worst
                    });
                    continue;
                }
                // The totals were summed before the panel left the list.
                Bookkeeping::List => return value,
            }
        }
        let (left, right) = (make(worst.lo, mid), make(mid, worst.hi));
        error += left.error + right.error - worst.error;
        size += left.size + right.size - worst.size;
        panels.push(left);
        panels.push(right);
    }
    panels.as_slice().iter().map(|p| p.value).sum()
}

/// The panels of [`integrate`], kept as its [`Bookkeeping`] says.
enum Panels {
    Heap(BinaryHeap<Subinterval>),
    List(Vec<Subinterval>),
}

impl Panels {
    fn new(bookkeeping: Bookkeeping, max_panels: usize) -> Panels {
        match bookkeeping {
            Bookkeeping::Heap => Panels::Heap(BinaryHeap::with_capacity(max_panels + 1)),
            Bookkeeping::List => Panels::List(Vec::with_capacity(64)),
        }
    }

    fn push(&mut self, panel: Subinterval) {
        match self {
            Panels::Heap(heap) => heap.push(panel),
            Panels::List(list) => list.push(panel),
        }
    }

    /// Removes the panel with the largest error (for the list the first such, NaN errors
    /// never chosen but for the first panel).
    fn pop_worst(&mut self) -> Subinterval {
        match self {
            Panels::Heap(heap) => heap.pop().expect("panels are never empty"),
            Panels::List(list) => {
                let (worst, _) = list.iter().enumerate().fold((0, -1.0), |best, (i, p)| {
                    if p.error > best.1 {
                        (i, p.error)
                    } else {
                        best
                    }
                });
                list.swap_remove(worst)
            }
        }
    }

    fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// The panels in storage order (the order every total is summed in).
    fn as_slice(&self) -> &[Subinterval] {
        match self {
            Panels::Heap(heap) => heap.as_slice(),
            Panels::List(list) => list,
        }
    }

    /// Whether the running totals are to be summed afresh now.
    fn resum_now(&self) -> bool {
        match self {
            Panels::Heap(heap) => heap.len() % 128 == 0,
            Panels::List(_) => true,
        }
    }

    /// Σ value, Σ error, Σ size over the panels.
    fn totals(&self) -> (f64, f64, f64) {
        let panels = self.as_slice();
        (
            panels.iter().map(|p| p.value).sum(),
            panels.iter().map(|p| p.error).sum(),
            panels.iter().map(|p| p.size).sum(),
        )
    }
}

/// A panel of [`integrate`], ordered by its error estimate (the heap pops the worst).
struct Subinterval {
    lo: f64,
    hi: f64,
    value: f64,
    error: f64,
    size: f64,
}

impl PartialEq for Subinterval {
    fn eq(&self, other: &Self) -> bool {
        self.error.total_cmp(&other.error).is_eq()
    }
}

impl Eq for Subinterval {}

impl PartialOrd for Subinterval {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Subinterval {
    fn cmp(&self, other: &Self) -> Ordering {
        self.error.total_cmp(&other.error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    #[test]
    fn weights_integrate_polynomials_exactly() {
        // K₁₅ is exact for degree ≤ 22 and G₇ for degree ≤ 13 (closed forms:
        // ∫₀¹ x^n = 1/(n + 1)).
        for n in [0, 1, 5, 13, 22] {
            let panel = Panel::new(&|x: f64| x.powi(n), 0.0, 1.0);
            let exact = 1.0 / (n as f64 + 1.0);
            assert!((panel.kronrod() - exact).abs() < 4e-16, "K15, x^{n}");
            if n <= 13 {
                assert!(panel.gauss_difference() < 4e-16, "G7, x^{n}");
            }
        }
        // The Kronrod weights integrate 1 over [−1, 1] to 2, the Gauss weights too.
        let total: f64 = 2.0 * KRONROD_WEIGHTS[..7].iter().sum::<f64>() + KRONROD_WEIGHTS[7];
        assert!((total - 2.0).abs() < 1e-15);
        let gauss: f64 = 2.0 * GAUSS_WEIGHTS[..3].iter().sum::<f64>() + GAUSS_WEIGHTS[3];
        assert!((gauss - 2.0).abs() < 1e-15);
    }

    #[test]
    fn panel_error_estimates_behave() {
        // ∫₋₁¹ |x| = 1 (closed form); K₁₅ of |f| equals K₁₅ of f for f = |x|, and for
        // f = x (integral 0) it gives ∫|x|.
        let odd = Panel::new(&|x: f64| x, -1.0, 1.0);
        assert!(odd.kronrod().abs() < 1e-16);
        let abs = Panel::new(&|x: f64| x.abs(), -1.0, 1.0);
        assert_eq!(odd.kronrod_of_abs(), abs.kronrod());
        assert!((abs.kronrod() - 1.0).abs() < 1e-2);
        // QUADPACK's estimate is far below |K − G| once f is resolved (e^x on [0, 4]:
        // |K − G| ≈ 5e-10, QUADPACK ≈ 5e-12 by a numpy replica of the panel) and still
        // bounds the true error (∫₀⁴ eˣ = e⁴ − 1).
        let smooth = Panel::new(&libm::exp, 0.0, 4.0);
        let true_error = (smooth.kronrod() - (libm::exp(4.0) - 1.0)).abs();
        assert!(smooth.gauss_difference() > 1e-10);
        assert!(smooth.quadpack_error() < 0.1 * smooth.gauss_difference());
        assert!(smooth.quadpack_error() >= true_error);
        // For the cusp |x| it is not smaller than the pessimistic one by much.
        assert!(abs.quadpack_error() >= (abs.kronrod() - 1.0).abs());
    }

    #[test]
    fn adaptive_integration_matches_closed_forms() {
        // ∫₀¹ x⁵ = 1/6; ∫₀^π sin = 2; ∫₀¹ x^{-1/2} = 2 (endpoint singularity);
        // ∫₀¹⁰ e^{−x} = 1 − e^{−10}; a narrow peak ∫ e^{−(x−0.3)²/(2·10⁻⁶)} = √(2π)·10⁻³;
        // ∫₀¹ |x − 0.3|^0.2 = (0.3^1.2 + 0.7^1.2)/1.2 (cusp); reversed bounds flip the sign.
        assert!((integrate(|x| x.powi(5), 0.0, 1.0, 1e-14) - 1.0 / 6.0).abs() < 1e-15);
        let sin = integrate(libm::sin, 0.0, PI, 1e-13);
        assert!((sin - 2.0).abs() < 1e-13);
        assert_eq!(integrate(libm::sin, PI, 0.0, 1e-13), -sin);
        let sing = integrate(|x| 1.0 / x.sqrt(), 0.0, 1.0, 1e-10);
        assert!((sing - 2.0).abs() < 1e-9, "{sing}");
        let e = integrate(|x| libm::exp(-x), 0.0, 10.0, 1e-13);
        assert!((e - (1.0 - libm::exp(-10.0))).abs() < 1e-14);
        let peak = integrate(
            |x| libm::exp(-(x - 0.3) * (x - 0.3) / 2e-6),
            0.0,
            1.0,
            1e-12,
        );
        assert!(
            (peak / ((2.0 * PI).sqrt() * 1e-3) - 1.0).abs() < 1e-11,
            "{peak}"
        );
        let cusp = integrate(|x: f64| libm::pow((x - 0.3).abs(), 0.2), 0.0, 1.0, 1e-13);
        let exact = (libm::pow(0.3, 1.2) + libm::pow(0.7, 1.2)) / 1.2;
        assert!((cusp - exact).abs() < 1e-12, "{cusp}");
        // An absolute tolerance alone stops early: ∫₀¹ x⁵ = 1/6 to 1e-3 at least.
        let rough = integrate(
            |x| x.powi(5),
            0.0,
            1.0,
            Options::relative(0.0).absolute(1e-3),
        );
        assert!((rough - 1.0 / 6.0).abs() < 1e-3);
        assert_eq!(integrate(|x| x, 1.0, 1.0, 1e-12), 0.0);
        assert_eq!(integrate(|x| x, f64::NAN, 1.0, 1e-12), 0.0);
    }

    #[test]
    fn the_stable_density_options_integrate_a_peak_between_breakpoints() {
        // ∫₋₁₀¹⁰ e^{−x²/2} = √(2π)·erf(10/√2) ≈ √(2π) (to 1e-22): breakpoints around the
        // peak, QUADPACK's error, tolerance relative to the integral, a list of panels.
        let points = [-3.0, -0.5, 0.0, 0.5, 3.0];
        let options = Options::relative(1e-11)
            .absolute(f64::NEG_INFINITY)
            .breakpoints(&points)
            .error_estimate(ErrorEstimate::Quadpack)
            .relative_to(Scale::AbsOfIntegral)
            .bookkeeping(Bookkeeping::List)
            .max_panels(300);
        let gauss = integrate(|x| libm::exp(-0.5 * x * x), -10.0, 10.0, options);
        assert!((gauss / (2.0 * PI).sqrt() - 1.0).abs() < 1e-11, "{gauss}");
        // A panel limit of 6 keeps the six starting panels.
        let coarse = integrate(
            |x| libm::exp(-0.5 * x * x),
            -10.0,
            10.0,
            options.max_panels(6),
        );
        assert!((coarse / (2.0 * PI).sqrt() - 1.0).abs() < 1e-3, "{coarse}");
    }
}
