//! Special functions that no dependency provides in the form needed here.
//!
//! - [`ln_gamma_complex`]: ln Γ(z) for Re z > 0 (principal branch), for the Pearson IV
//!   normalising constant k = 2^{2m−2}|Γ(m + iv/2)|² / (π a Γ(2m−1)) (MATH.md §2.3).
//!   statrs and libm only have the real ln Γ. Method: the recurrence
//!   ln Γ(z) = ln Γ(z + n) − Σ_{j<n} ln(z + j) lifts Re z to ≥ 10, then Stirling's series
//!   ln Γ(w) = (w − ½) ln w − w + ½ ln 2π + Σ_{k=1}^{8} B_{2k} / (2k(2k−1) w^{2k−1});
//!   for |w| ≥ 10 and |arg w| < π/2 the first omitted term is below 2·10⁻¹⁸ relative
//!   (tested against mpmath to 1e-13).
//! - [`digamma`], [`trigamma`]: ψ and ψ′ for x > 0 (recurrence to x ≥ 10, then the
//!   asymptotic series with Bernoulli numbers), written with `libm` so the Student t fit is
//!   bit-identical natively and in wasm (statrs' digamma calls std's `ln`; it has no
//!   trigamma).
//! - [`beta_reg`]: the regularised incomplete beta I_x(a, b), taking x and 1 − x
//!   separately so a caller who knows 1 − x exactly (the Student t: x = ν/(ν+z²),
//!   1 − x = z²/(ν+z²)) loses nothing to cancellation. Continued fraction (modified Lentz,
//!   Numerical Recipes §6.4) on whichever of I_x(a, b), 1 − I_{1−x}(b, a) converges, with
//!   up to 10⁴ terms: statrs' `beta_reg` stops after 140 terms and recomputes 1 − x, which
//!   returns 0 for the t(500) cdf at −10 (scipy: 6.9e-22).
//!
//! Quadrature is [`crate::stats::quadrature`].

/// Bernoulli numbers B₂, B₄, …, B₁₆.
const BERNOULLI: [f64; 8] = [
    1.0 / 6.0,
    -1.0 / 30.0,
    1.0 / 42.0,
    -1.0 / 30.0,
    5.0 / 66.0,
    -691.0 / 2730.0,
    7.0 / 6.0,
    -3617.0 / 510.0,
];

/// ½ ln 2π.
const HALF_LN_2PI: f64 = 0.918_938_533_204_672_8;

/// Below this real part the recurrence shifts the argument up before Stirling's series.
const STIRLING_MIN: f64 = 10.0;

/// A minimal complex number (only what ln Γ needs), computed with `libm`.
#[derive(Clone, Copy, Debug)]
struct Complex {
    re: f64,
    im: f64,
}

impl Complex {
    fn mul(self, o: Complex) -> Complex {
        Complex {
            re: self.re * o.re - self.im * o.im,
            im: self.re * o.im + self.im * o.re,
        }
    }
    fn recip(self) -> Complex {
        // Smith's algorithm avoids overflow in |z|².
        if self.re.abs() >= self.im.abs() {
            let r = self.im / self.re;
            let d = self.re + self.im * r;
            Complex {
                re: 1.0 / d,
                im: -r / d,
            }
        } else {
            let r = self.re / self.im;
            let d = self.re * r + self.im;
            Complex {
                re: r / d,
                im: -1.0 / d,
            }
        }
    }
    fn ln(self) -> Complex {
        Complex {
            re: libm::log(libm::hypot(self.re, self.im)),
            im: libm::atan2(self.im, self.re),
        }
    }
}

/// ln Γ(re + i·im) on the principal branch, as `(real part, imaginary part)`, for re > 0.
///
/// The real part is ln|Γ(z)|. Returns NaNs when `re ≤ 0` or an input is not finite (the
/// callers only need the right half-plane).
pub fn ln_gamma_complex(re: f64, im: f64) -> (f64, f64) {
    if !(re > 0.0) || !re.is_finite() || !im.is_finite() {
        return (f64::NAN, f64::NAN);
    }
    // Recurrence: subtract Σ ln(z + j) for j < shift.
    let mut sum_re = 0.0;
    let mut sum_im = 0.0;
    let mut x = re;
    while x < STIRLING_MIN {
        sum_re += libm::log(libm::hypot(x, im));
        sum_im += libm::atan2(im, x);
        x += 1.0;
    }
    let w = Complex { re: x, im };
    let ln_w = w.ln();
    // (w − ½) ln w − w + ½ ln 2π
    let lead = Complex { re: x - 0.5, im }.mul(ln_w);
    let mut value = Complex {
        re: lead.re - x + HALF_LN_2PI,
        im: lead.im - im,
    };
    // Σ B_{2k} / (2k(2k−1) w^{2k−1})
    let inv_w = w.recip();
    let inv_w2 = inv_w.mul(inv_w);
    let mut power = inv_w; // w^{−(2k−1)}
    for (k, b) in BERNOULLI.iter().enumerate() {
        let two_k = 2.0 * (k as f64 + 1.0);
        let c = b / (two_k * (two_k - 1.0));
        value.re += c * power.re;
        value.im += c * power.im;
        power = power.mul(inv_w2);
    }
    (value.re - sum_re, value.im - sum_im)
}

/// The digamma function ψ(x) = d ln Γ(x)/dx for x > 0 (NaN otherwise).
pub fn digamma(x: f64) -> f64 {
    if !(x > 0.0) || !x.is_finite() {
        return f64::NAN;
    }
    let mut shift = 0.0;
    let mut y = x;
    while y < STIRLING_MIN {
        shift += 1.0 / y;
        y += 1.0;
    }
    // ψ(y) ~ ln y − 1/(2y) − Σ B_{2k} / (2k y^{2k})
    let inv2 = 1.0 / (y * y);
    let mut power = inv2;
    let mut series = 0.0;
    for (k, b) in BERNOULLI.iter().enumerate() {
        series += b / (2.0 * (k as f64 + 1.0)) * power;
        power *= inv2;
    }
    libm::log(y) - 0.5 / y - series - shift
}

/// The trigamma function ψ′(x) for x > 0 (NaN otherwise).
pub fn trigamma(x: f64) -> f64 {
    if !(x > 0.0) || !x.is_finite() {
        return f64::NAN;
    }
    let mut shift = 0.0;
    let mut y = x;
    while y < STIRLING_MIN {
        shift += 1.0 / (y * y);
        y += 1.0;
    }
    // ψ′(y) ~ 1/y + 1/(2y²) + Σ B_{2k} / y^{2k+1}
    let inv = 1.0 / y;
    let inv2 = inv * inv;
    let mut power = inv2 * inv;
    let mut series = 0.0;
    for b in BERNOULLI.iter() {
        series += b * power;
        power *= inv2;
    }
    inv + 0.5 * inv2 + series + shift
}

/// The regularised incomplete beta I_x(a, b) for a, b > 0, with `xc` = 1 − x supplied by
/// the caller (NaN when a, b ≤ 0 or x ∉ [0, 1]).
pub fn beta_reg(a: f64, b: f64, x: f64, xc: f64) -> f64 {
    let valid = a > 0.0 && b > 0.0 && (0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&xc);
    if !valid {
        return f64::NAN;
    }
    if x == 0.0 {
        return 0.0;
    }
    if xc == 0.0 {
        return 1.0;
    }
    let ln_front = a * libm::log(x) + b * libm::log(xc) + libm::lgamma(a + b)
        - libm::lgamma(a)
        - libm::lgamma(b);
    if x < (a + 1.0) / (a + b + 2.0) {
        libm::exp(ln_front) * beta_continued_fraction(a, b, x) / a
    } else {
        1.0 - libm::exp(ln_front) * beta_continued_fraction(b, a, xc) / b
    }
}

/// The continued fraction of I_x(a, b) (Numerical Recipes' `betacf`, modified Lentz).
fn beta_continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let nonzero = |v: f64| if v.abs() < TINY { TINY } else { v };
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 / nonzero(1.0 - qab * x / qap);
    let mut h = d;
    // One modified-Lentz step with coefficient aa: updates c, d and returns the factor
    // by which the convergent h changes.
    let mut step = |aa: f64| {
        d = 1.0 / nonzero(1.0 + aa * d);
        c = nonzero(1.0 + aa / c);
        d * c
    };
    for m in 1..10_000 {
        let m = m as f64;
        let m2 = 2.0 * m;
        h *= step(m * (b - m) * x / ((qam + m2) * (a + m2)));
        let delta = step(-(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)));
        h *= delta;
        if (delta - 1.0).abs() <= 1e-16 {
            break;
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::super::testing::fixtures;
    use super::*;

    #[test]
    fn complex_ln_gamma_matches_mpmath() {
        // Reference: mpmath.loggamma (40 digits), checked against scipy.special.loggamma.
        for row in fixtures()["loggamma_complex"].as_array().unwrap() {
            let re = row["re"].as_f64().unwrap();
            let im = row["im"].as_f64().unwrap();
            let (lr, li) = ln_gamma_complex(re, im);
            let er = row["loggamma_re"].as_f64().unwrap();
            let ei = row["loggamma_im"].as_f64().unwrap();
            let scale = er.abs().max(ei.abs()).max(1.0);
            assert!(
                (lr - er).abs() <= 1e-13 * scale,
                "re at {re}+{im}i: {lr} vs {er}"
            );
            assert!(
                (li - ei).abs() <= 1e-13 * scale,
                "im at {re}+{im}i: {li} vs {ei}"
            );
        }
    }

    #[test]
    fn complex_ln_gamma_on_the_real_line_matches_libm_lgamma() {
        for &x in &[0.3, 1.0, 2.0, 4.5, 17.25, 300.0] {
            let (re, im) = ln_gamma_complex(x, 0.0);
            assert!((re - libm::lgamma(x)).abs() <= 1e-13 * libm::lgamma(x).abs().max(1.0));
            assert_eq!(im, 0.0);
        }
        assert!(ln_gamma_complex(0.0, 1.0).0.is_nan());
    }

    #[test]
    fn polygamma_matches_scipy() {
        // Reference: scipy.special.digamma and polygamma(1, x).
        for row in fixtures()["polygamma"].as_array().unwrap() {
            let x = row["x"].as_f64().unwrap();
            let d = row["digamma"].as_f64().unwrap();
            let t = row["trigamma"].as_f64().unwrap();
            assert!((digamma(x) - d).abs() <= 1e-14 * d.abs().max(1.0), "ψ({x})");
            assert!(
                (trigamma(x) - t).abs() <= 1e-14 * t.abs().max(1.0),
                "ψ′({x})"
            );
        }
    }
}
