//! The standardised S0 law S(α, β; 0) (σ = 1, δ₀ = 0): the density, distribution function
//! and quantile behind [`super::Stable`], from Nolan's integrals ([`super::nolan`]), the
//! tail series ([`super::series`]) or a closed form (MATH.md §4.2; the method is the
//! parent module's "Density and distribution function").

use super::nolan::{Kernel, Nolan, QUAD_RELATIVE_TOLERANCE};
use super::series::tail_series;
use crate::{Error, Result};
use std::f64::consts::{FRAC_PI_2, PI};

/// Below this distance of α from 1 the S0 law is evaluated at α = 1.
const ALPHA_ONE_TOLERANCE: f64 = 1e-7;
/// Below this |β| the α = 1 law is evaluated as Cauchy.
const BETA_ZERO_AT_ONE: f64 = 1e-12;

/// Which formula evaluates the law.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Kind {
    Gaussian,
    Cauchy,
    AlphaOne,
    General,
}

/// The standardised S0 law S(α, β; 0) (σ = 1, δ₀ = 0): exact (quadrature / series)
/// density, distribution function and quantile.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StandardStable {
    pub(super) alpha: f64,
    beta: f64,
    pub(super) kind: Kind,
    /// ζ = −β tan(πα/2) (0 for α = 1, 2).
    pub(super) zeta: f64,
}

impl StandardStable {
    /// S(α, β; 0) standardised.
    ///
    /// # Errors
    ///
    /// `alpha` outside (0, 2] or `beta` outside [−1, 1].
    pub fn new(alpha: f64, beta: f64) -> Result<StandardStable> {
        if !(alpha > 0.0 && alpha <= 2.0) {
            return Err(Error::new(
                "alpha",
                format!("the stability index alpha must be in (0, 2], got {alpha}"),
            ));
        }
        if !((-1.0..=1.0).contains(&beta)) {
            return Err(Error::new(
                "beta",
                format!("the stable skewness beta must be in [-1, 1], got {beta}"),
            ));
        }
        let kind = if alpha == 2.0 {
            Kind::Gaussian
        } else if (alpha - 1.0).abs() < ALPHA_ONE_TOLERANCE {
            if beta.abs() < BETA_ZERO_AT_ONE {
                Kind::Cauchy
            } else {
                Kind::AlphaOne
            }
        } else {
            Kind::General
        };
        let zeta = if kind == Kind::General {
            -beta * libm::tan(FRAC_PI_2 * alpha)
        } else {
            0.0
        };
        Ok(StandardStable {
            alpha,
            beta,
            kind,
            zeta,
        })
    }

    /// α.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// β.
    pub fn beta(&self) -> f64 {
        self.beta
    }

    /// ln f(z), −∞ outside the support.
    pub fn ln_pdf(&self, z: f64) -> f64 {
        self.ln_pdf_with_tolerance(z, QUAD_RELATIVE_TOLERANCE)
    }

    /// ln f(z) with the quadrature's relative tolerance `tol`.
    pub(super) fn ln_pdf_with_tolerance(&self, z: f64, tol: f64) -> f64 {
        if z.is_nan() {
            return f64::NAN;
        }
        match self.kind {
            Kind::Gaussian => -0.25 * z * z - libm::log(2.0 * PI.sqrt()),
            Kind::Cauchy => -libm::log(PI) - libm::log1p(z * z),
            Kind::AlphaOne => {
                if z.is_infinite() {
                    return f64::NEG_INFINITY;
                }
                if self.beta > 0.0 {
                    Nolan::alpha_one(self.beta, z).ln_pdf(tol)
                } else {
                    Nolan::alpha_one(-self.beta, -z).ln_pdf(tol)
                }
            }
            Kind::General => {
                if z.is_infinite() {
                    return f64::NEG_INFINITY;
                }
                let x1 = z - self.zeta;
                if x1.abs() > 2.0 {
                    let (b, x) = if x1 > 0.0 {
                        (self.beta, x1)
                    } else {
                        (-self.beta, -x1)
                    };
                    if let Some(v) = tail_series(self.alpha, b, x, false) {
                        return libm::log(v);
                    }
                }
                if z > self.zeta {
                    Nolan::general(self.alpha, self.beta, z).ln_pdf(tol)
                } else if z < self.zeta {
                    Nolan::general(self.alpha, -self.beta, -z).ln_pdf(tol)
                } else {
                    // Nolan (1997), Theorem 1(a): f(ζ) = Γ(1 + 1/α) cos θ₀ / (π (1 + ζ²)^{1/(2α)}).
                    let theta0 = libm::atan(-self.zeta) / self.alpha;
                    libm::lgamma(1.0 + 1.0 / self.alpha) + libm::log(libm::cos(theta0))
                        - libm::log(PI)
                        - libm::log1p(self.zeta * self.zeta) / (2.0 * self.alpha)
                }
            }
        }
    }

    /// f(z).
    pub fn pdf(&self, z: f64) -> f64 {
        libm::exp(self.ln_pdf(z))
    }

    /// F(z), accurate in relative terms where F is small.
    pub fn cdf(&self, z: f64) -> f64 {
        lower_tail(self.alpha, self.beta, self.kind, z)
    }

    /// 1 − F(z), accurate in relative terms where it is small.
    pub fn sf(&self, z: f64) -> f64 {
        lower_tail(self.alpha, -self.beta, self.kind, -z)
    }

    /// The p-quantile: bracketing, then safeguarded Newton steps on F (on 1 − F for
    /// p > 1/2). NaN for p outside [0, 1].
    pub fn quantile(&self, p: f64) -> f64 {
        if !(0.0..=1.0).contains(&p) {
            return f64::NAN;
        }
        if self.kind == Kind::Gaussian {
            // Closed form through the inverse complementary error function is not in libm;
            // the generic search below is exact enough, but ±∞ at the ends is immediate.
            if p == 0.0 {
                return f64::NEG_INFINITY;
            }
            if p == 1.0 {
                return f64::INFINITY;
            }
        }
        if self.kind == Kind::Cauchy {
            return libm::tan(PI * (p - 0.5));
        }
        let upper = p > 0.5;
        // Search for the root of h(z) = target − G(z), G = F (lower) or 1 − F (upper),
        // working with the tail that is small so small probabilities stay accurate.
        let target = if upper { 1.0 - p } else { p };
        let prob = |z: f64| if upper { self.sf(z) } else { self.cdf(z) };
        // Ends of a bounded support (α < 1, β = ±1) or ±∞.
        if target == 0.0 {
            return if upper {
                self.support_end(true)
            } else {
                self.support_end(false)
            };
        }
        // Bracket: move away from the centre until the tail probability crosses target.
        let dir = if upper { 1.0 } else { -1.0 };
        let mut near = self.zeta.clamp(-1e6, 1e6);
        let mut far = near + dir;
        let mut step = 1.0;
        if prob(near) < target {
            // The centre is already beyond the quantile: search towards the other side.
            let mut other = near - dir;
            let mut s = 1.0;
            while prob(other) < target && s < 1e300 {
                s *= 2.0;
                other = near - dir * s;
            }
            far = near;
            near = other;
        } else {
            while prob(far) > target && step < 1e300 {
                near = far;
                step *= 2.0;
                far = near + dir * step;
            }
        }
        // Now prob(near) ≥ target ≥ prob(far); safeguarded Newton in the bracket.
        let (mut a, mut b) = (near, far);
        let mut z = 0.5 * (a + b);
        for _ in 0..200 {
            let g = prob(z) - target;
            if g == 0.0 {
                return z;
            }
            if g > 0.0 {
                a = z;
            } else {
                b = z;
            }
            // d prob/dz = −dir·f(z).
            let slope = -dir * self.pdf(z);
            let mut next = if slope != 0.0 {
                z - g / slope
            } else {
                f64::NAN
            };
            let (lo, hi) = if a < b { (a, b) } else { (b, a) };
            if !(next > lo && next < hi) {
                next = 0.5 * (a + b);
            }
            if (next - z).abs() <= 1e-14 * (1.0 + z.abs()) || (hi - lo) <= 1e-15 * (1.0 + z.abs()) {
                return next;
            }
            z = next;
        }
        z
    }

    /// The lower (`upper = false`) or upper end of the support.
    fn support_end(&self, upper: bool) -> f64 {
        if self.alpha < 1.0 && self.kind == Kind::General {
            if !upper && self.beta == 1.0 {
                return self.zeta;
            }
            if upper && self.beta == -1.0 {
                return self.zeta;
            }
        }
        if upper {
            f64::INFINITY
        } else {
            f64::NEG_INFINITY
        }
    }
}

/// F(z) of S(α, β; 0), computed so that it is accurate when small.
fn lower_tail(alpha: f64, beta: f64, kind: Kind, z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    if z == f64::NEG_INFINITY {
        return 0.0;
    }
    if z == f64::INFINITY {
        return 1.0;
    }
    match kind {
        Kind::Gaussian => 0.5 * libm::erfc(-0.5 * z),
        Kind::Cauchy => libm::atan2(1.0, -z) / PI,
        Kind::AlphaOne => {
            if beta > 0.0 {
                Nolan::alpha_one(beta, z).integral(Kernel::Exp) / PI
            } else {
                Nolan::alpha_one(-beta, -z).integral(Kernel::OneMinusExp) / PI
            }
        }
        Kind::General => {
            let zeta = -beta * libm::tan(FRAC_PI_2 * alpha);
            let x1 = z - zeta;
            if x1 < -2.0 {
                if let Some(v) = tail_series(alpha, -beta, -x1, true) {
                    return v;
                }
            } else if x1 > 2.0 {
                if let Some(v) = tail_series(alpha, beta, x1, true) {
                    return 1.0 - v;
                }
            }
            let theta0 = libm::atan(beta * libm::tan(FRAC_PI_2 * alpha)) / alpha;
            if z > zeta {
                let n = Nolan::general(alpha, beta, z);
                if alpha > 1.0 {
                    1.0 - n.integral(Kernel::Exp) / PI
                } else {
                    (FRAC_PI_2 - theta0) / PI + n.integral(Kernel::Exp) / PI
                }
            } else if z < zeta {
                // F(z; β) = 1 − F(−z; −β), computed directly as the upper tail of −z.
                let n = Nolan::general(alpha, -beta, -z);
                if alpha > 1.0 {
                    n.integral(Kernel::Exp) / PI
                } else {
                    n.integral(Kernel::OneMinusExp) / PI
                }
            } else {
                (FRAC_PI_2 - theta0) / PI
            }
        }
    }
}
