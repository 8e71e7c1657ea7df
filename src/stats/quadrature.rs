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
//! estimate (used by the stable density), and K₁₅ of |f| (the scale for relative
//! tolerances). [`integrate`] bisects the panel with the largest |K₁₅ − G₇| (QUADPACK's
//! QAG strategy). Used by the Pearson laws (MATH.md §4), the stable density and the test
//! that densities integrate to their distribution functions.
//!
//! Hand-written because no dependency of the crate offers adaptive quadrature (statrs,
//! nalgebra and libm have none); the three modules that need it used to carry their own
//! copies of the nodes and weights.

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

/// ∫_a^b f by globally adaptive Gauss–Kronrod (7, 15) (QUADPACK's QAG strategy): [a, b]
/// is cut into 8 equal panels, then the panel with the largest |K₁₅ − G₇| is bisected
/// until the summed estimate is ≤ max(`abs_tol`, `rel_tol`·∫_a^b |f|) or 2000 panels
/// exist. Panels too narrow to bisect in floating point are kept as they are. The estimate
/// is pessimistic for smooth integrands, so the result is usually much better than the
/// tolerance; integrable endpoint singularities and cusps are handled by the bisection.
/// For b < a returns −∫_b^a f; returns 0 for an empty interval (or NaN bounds).
pub fn integrate<F: Fn(f64) -> f64>(f: F, a: f64, b: f64, rel_tol: f64, abs_tol: f64) -> f64 {
    if a == b || a.is_nan() || b.is_nan() {
        return 0.0;
    }
    if b < a {
        return -integrate(f, b, a, rel_tol, abs_tol);
    }
    const INITIAL: usize = 8;
    const LIMIT: usize = 2000;
    let make = |lo: f64, hi: f64| {
        let panel = Panel::new(&f, lo, hi);
        Subinterval {
            lo,
            hi,
            value: panel.kronrod(),
            error: panel.gauss_difference(),
            size: panel.kronrod_of_abs(),
        }
    };
    let mut heap = BinaryHeap::with_capacity(LIMIT + 1);
    let width = (b - a) / INITIAL as f64;
    for k in 0..INITIAL {
        let lo = a + width * k as f64;
        let hi = if k + 1 == INITIAL { b } else { lo + width };
        heap.push(make(lo, hi));
    }
    // Running totals, re-summed now and then against drift.
    let mut error: f64 = heap.iter().map(|p| p.error).sum();
    let mut size: f64 = heap.iter().map(|p| p.size).sum();
    while heap.len() < LIMIT {
        if heap.len() % 128 == 0 {
            error = heap.iter().map(|p| p.error).sum();
            size = heap.iter().map(|p| p.size).sum();
        }
        if error <= abs_tol.max(rel_tol * size) {
            break;
        }
        let worst = heap.pop().expect("panels are never empty");
        let mid = 0.5 * (worst.lo + worst.hi);
        if worst.error == 0.0 {
            // Nothing left to refine; only rounding in the running total remained.
            heap.push(worst);
            break;
        }
        if !(mid > worst.lo && mid < worst.hi) {
            // The panel cannot be split in floating point: keep its value, drop its error.
            error -= worst.error;
            heap.push(Subinterval {
                error: 0.0,
                ..worst
            });
            continue;
        }
        let (left, right) = (make(worst.lo, mid), make(mid, worst.hi));
        error += left.error + right.error - worst.error;
        size += left.size + right.size - worst.size;
        heap.push(left);
        heap.push(right);
    }
    heap.iter().map(|p| p.value).sum()
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
        // ∫₀^π sin = 2; ∫₀¹ x^{-1/2} = 2 (endpoint singularity); ∫₀¹⁰ e^{−x} = 1 − e^{−10};
        // a narrow peak ∫ e^{−(x−0.3)²/(2·10⁻⁶)} = √(2π)·10⁻³; ∫₀¹ |x − 0.3|^0.2 =
        // (0.3^1.2 + 0.7^1.2)/1.2 (cusp); reversed bounds flip the sign.
        let sin = integrate(libm::sin, 0.0, PI, 1e-13, 0.0);
        assert!((sin - 2.0).abs() < 1e-13);
        assert_eq!(integrate(libm::sin, PI, 0.0, 1e-13, 0.0), -sin);
        let sing = integrate(|x| 1.0 / x.sqrt(), 0.0, 1.0, 1e-10, 0.0);
        assert!((sing - 2.0).abs() < 1e-9, "{sing}");
        let e = integrate(|x| libm::exp(-x), 0.0, 10.0, 1e-13, 0.0);
        assert!((e - (1.0 - libm::exp(-10.0))).abs() < 1e-14);
        let peak = integrate(
            |x| libm::exp(-(x - 0.3) * (x - 0.3) / 2e-6),
            0.0,
            1.0,
            1e-12,
            0.0,
        );
        assert!(
            (peak / ((2.0 * PI).sqrt() * 1e-3) - 1.0).abs() < 1e-11,
            "{peak}"
        );
        let cusp = integrate(
            |x: f64| libm::pow((x - 0.3).abs(), 0.2),
            0.0,
            1.0,
            1e-13,
            0.0,
        );
        let exact = (libm::pow(0.3, 1.2) + libm::pow(0.7, 1.2)) / 1.2;
        assert!((cusp - exact).abs() < 1e-12, "{cusp}");
        // An absolute tolerance alone stops early: ∫₀¹ x⁵ = 1/6 to 1e-3 at least.
        assert!((integrate(|x| x.powi(5), 0.0, 1.0, 0.0, 1e-3) - 1.0 / 6.0).abs() < 1e-3);
        assert_eq!(integrate(|x| x, 1.0, 1.0, 1e-12, 0.0), 0.0);
        assert_eq!(integrate(|x| x, f64::NAN, 1.0, 1e-12, 0.0), 0.0);
    }
}
