//! Nolan's (1997) integrals for the density and distribution function of the standardised
//! stable law (the parent module's "Density and distribution function"; MATH.md §4.2):
//! the peak of the integrand located by regula falsi, then adaptive Gauss–Kronrod
//! quadrature in t = ln d with breakpoints around the peak.

use crate::stats::quadrature::{integrate, Bookkeeping, ErrorEstimate, Options, Scale};
use std::f64::consts::{FRAC_PI_2, PI};

/// Relative accuracy asked of the adaptive quadrature.
pub(super) const QUAD_RELATIVE_TOLERANCE: f64 = 1e-11;
/// Maximal number of subintervals in one adaptive quadrature.
const QUAD_MAX_INTERVALS: usize = 300;
/// The integration variable t = ln d starts this far below the peak (e^{−50} of its scale).
const QUAD_BELOW_PEAK: f64 = 50.0;

/// Which end of the θ interval the integration variable d is measured from.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Side {
    /// d = θ − θ_min.
    Low,
    /// d = θ_max − θ.
    High,
}

/// The integrand of Nolan's formulas, as a function of g.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Kernel {
    /// g e^{−g} (density).
    Density,
    /// e^{−g} (distribution function).
    Exp,
    /// 1 − e^{−g} (distribution function, the complementary form).
    OneMinusExp,
}

/// ln sin(y) for y ∈ (0, π), given ln y too (accurate for y down to e^{−1000}).
#[inline]
fn ln_sin(y: f64, ln_y: f64) -> f64 {
    if y < 1e-4 {
        ln_y - y * y / 6.0
    } else {
        libm::log(libm::sin(y))
    }
}

/// Nolan's integral at one point x > ζ (α ≠ 1) or any x (α = 1, β > 0).
pub(super) struct Nolan {
    alpha_one: bool,
    /// Length of the θ interval.
    length: f64,
    /// g increases with θ.
    increasing: bool,
    /// Constant part of ln g.
    base: f64,
    /// ln of the density's prefactor.
    ln_prefactor: f64,
    alpha: f64,
    beta: f64,
    /// α/(α−1) and 1/(α−1).
    p1: f64,
    p2: f64,
    cos_theta0: f64,
    sin_theta0: f64,
    /// cos and sin of αθ₀ + (α−1)π/2.
    cos_a: f64,
    sin_a: f64,
    ln_alpha: f64,
}

impl Nolan {
    /// α ≠ 1, x > ζ.
    pub(super) fn general(alpha: f64, beta: f64, x: f64) -> Nolan {
        let tau = libm::tan(FRAC_PI_2 * alpha);
        let bt = beta * tau;
        let zeta = -bt;
        let atan_bt = libm::atan(bt);
        let theta0 = atan_bt / alpha;
        let p1 = alpha / (alpha - 1.0);
        let p2 = 1.0 / (alpha - 1.0);
        let xm = x - zeta;
        // ln cos(αθ₀) = −½ ln(1 + β²τ²).
        let base = p1 * libm::log(xm) - p2 * 0.5 * libm::log1p(bt * bt);
        let (mut cos_theta0, sin_theta0) = (libm::cos(theta0), libm::sin(theta0));
        let a = atan_bt + (alpha - 1.0) * FRAC_PI_2;
        let (mut cos_a, sin_a) = (libm::cos(a), libm::sin(a));
        // Exact zeros at the ends of one-sided laws (β = ±1), which rounding would miss.
        if alpha < 1.0 && beta == 1.0 {
            cos_theta0 = 0.0;
        }
        if alpha > 1.0 && beta == -1.0 {
            cos_a = 0.0;
        }
        Nolan {
            alpha_one: false,
            length: FRAC_PI_2 + theta0,
            increasing: alpha < 1.0,
            base,
            ln_prefactor: libm::log(alpha / (PI * (alpha - 1.0).abs())) - libm::log(xm),
            alpha,
            beta,
            p1,
            p2,
            cos_theta0,
            sin_theta0,
            cos_a,
            sin_a,
            ln_alpha: libm::log(alpha),
        }
    }

    /// α = 1, β > 0.
    pub(super) fn alpha_one(beta: f64, x: f64) -> Nolan {
        Nolan {
            alpha_one: true,
            length: PI,
            increasing: true,
            base: -PI * x / (2.0 * beta) + libm::log(2.0 / PI),
            ln_prefactor: -libm::log(2.0 * beta),
            alpha: 1.0,
            beta,
            p1: 0.0,
            p2: 0.0,
            cos_theta0: 0.0,
            sin_theta0: 0.0,
            cos_a: 0.0,
            sin_a: 0.0,
            ln_alpha: 0.0,
        }
    }

    /// ln g at distance d = e^{ln_d} from the given end.
    fn ln_g(&self, side: Side, d: f64, ln_d: f64) -> f64 {
        let far = self.length - d;
        if self.alpha_one {
            let b = self.beta;
            // cos θ = sin(d) from either end; sin θ = ∓cos d; π/2 + βθ from the nearer end.
            let ln_cos = ln_sin(d, ln_d);
            let (sin_t, a) = match side {
                Side::Low => (-libm::cos(d), FRAC_PI_2 * (1.0 - b) + b * d),
                Side::High => (libm::cos(d), FRAC_PI_2 * (1.0 + b) - b * d),
            };
            if a <= 0.0 {
                return f64::NEG_INFINITY;
            }
            let sin_d = if d < 1e-4 {
                d * (1.0 - d * d / 6.0)
            } else {
                libm::sin(d)
            };
            let tan_t = sin_t / sin_d;
            self.base + libm::log(a) - ln_cos + a * tan_t / b
        } else {
            let am1 = self.alpha - 1.0;
            let (u, ln_cos_theta, c) = match side {
                Side::Low => {
                    // ln cos θ from the low end: cos(u − θ₀) = cos θ₀ cos u + sin θ₀ sin u
                    // (when θ₀ = π/2, i.e. β = 1, α < 1, cos θ vanishes at both ends).
                    let (sin_u, cos_u) = libm::sincos(d);
                    let ln_cos_theta = if self.cos_theta0 == 0.0 {
                        ln_sin(d, ln_d)
                    } else {
                        libm::log(self.cos_theta0 * cos_u + self.sin_theta0 * sin_u)
                    };
                    let (s1, c1) = libm::sincos(am1 * d);
                    (d, ln_cos_theta, self.cos_theta0 * c1 - self.sin_theta0 * s1)
                }
                Side::High => {
                    let (s1, c1) = libm::sincos(am1 * d);
                    (far, ln_sin(d, ln_d), self.cos_a * c1 + self.sin_a * s1)
                }
            };
            if c.is_nan() || c <= 0.0 {
                return f64::NEG_INFINITY;
            }
            let au = self.alpha * u;
            let ln_sin_au = if au < 1e-4 {
                let ln_u = if side == Side::Low {
                    ln_d
                } else {
                    libm::log(far)
                };
                self.ln_alpha + ln_u - au * au / 6.0
            } else {
                libm::log(libm::sin(au))
            };
            self.base + self.p2 * ln_cos_theta - self.p1 * ln_sin_au + libm::log(c)
        }
    }

    /// The side whose end the peak (g = 1) is nearer to, and t* = ln d there.
    fn peak(&self) -> (Side, f64) {
        let half = 0.5 * self.length;
        let ln_half = libm::log(half);
        let mid = self.ln_g(Side::Low, half, ln_half);
        if mid == 0.0 || mid.is_nan() {
            return (Side::Low, ln_half);
        }
        let side = if (mid > 0.0) == self.increasing {
            Side::Low
        } else {
            Side::High
        };
        let f = |t: f64| self.ln_g(side, libm::exp(t), t);
        let (mut t_hi, mut f_hi) = (ln_half, mid);
        let mut step = 1.0;
        let mut t_lo = t_hi - step;
        let mut f_lo = f(t_lo);
        while f_lo.signum() == f_hi.signum() && f_lo.is_finite() {
            if t_lo < -3000.0 {
                return (side, t_lo);
            }
            t_hi = t_lo;
            f_hi = f_lo;
            step *= 2.0;
            t_lo = t_hi - step;
            f_lo = f(t_lo);
        }
        // Illinois regula falsi on [t_lo, t_hi] (ln g is nearly linear in t).
        let mut keep = 0;
        for _ in 0..100 {
            let t = if f_lo.is_finite() && f_hi.is_finite() {
                (t_lo * f_hi - t_hi * f_lo) / (f_hi - f_lo)
            } else {
                0.5 * (t_lo + t_hi)
            };
            let ft = f(t);
            if ft.abs() < 1e-9 || (t_hi - t_lo) < 1e-12 * (1.0 + t.abs()) {
                return (side, t);
            }
            if ft.signum() == f_lo.signum() {
                t_lo = t;
                f_lo = ft;
                if keep == -1 {
                    f_hi *= 0.5;
                }
                keep = -1;
            } else {
                t_hi = t;
                f_hi = ft;
                if keep == 1 {
                    f_lo *= 0.5;
                }
                keep = 1;
            }
        }
        (side, 0.5 * (t_lo + t_hi))
    }

    /// ∫ kernel(g(θ)) dθ over the whole interval, times e^{shift}: returns (value, shift).
    fn scaled_integral(&self, kernel: Kernel, tol: f64) -> (f64, f64) {
        if self.length.is_nan() || self.length <= 0.0 {
            return (0.0, 0.0);
        }
        let (side, t_star) = self.peak();
        let d_star = libm::exp(t_star);
        let lg_star = self.ln_g(side, d_star, t_star);
        // When g > 1 everywhere (far light tails) scale by e^{g*} to avoid underflow.
        let shift = match kernel {
            Kernel::OneMinusExp => 0.0,
            _ => {
                let g = libm::exp(lg_star);
                if g > 1.0 && g.is_finite() {
                    g
                } else {
                    0.0
                }
            }
        };
        let integrand = |t: f64| -> f64 {
            let d = libm::exp(t);
            let lg = self.ln_g(side, d, t);
            let g = libm::exp(lg);
            let k = match kernel {
                Kernel::Density => {
                    if lg == f64::NEG_INFINITY {
                        0.0
                    } else {
                        libm::exp(lg - g + shift + t)
                    }
                }
                Kernel::Exp => libm::exp(-g + shift + t),
                Kernel::OneMinusExp => -libm::expm1(-g) * d,
            };
            if k.is_nan() {
                0.0
            } else {
                k
            }
        };
        let t_end = libm::log(self.length);
        // The peak's width in t is about 1/|d ln g/dt|, which is huge near α = 1 and far
        // out at α = 1: put breakpoints on that scale so no GK rule straddles it blindly.
        let delta = 1e-7 * (1.0 + t_star.abs());
        let slope = ((self.ln_g(side, libm::exp(t_star + delta), t_star + delta)
            - self.ln_g(side, libm::exp(t_star - delta), t_star - delta))
            / (2.0 * delta))
            .abs();
        let width = if slope > 1.0 { 1.0 / slope } else { 1.0 };
        let t_start = t_star - QUAD_BELOW_PEAK;
        let mut breakpoints = Vec::with_capacity(7);
        let mut last = t_start;
        for off in [-40.0, -12.0, -3.0, 0.0, 3.0, 12.0, 40.0] {
            let t = t_star + off * width;
            if t < t_end && t > last {
                breakpoints.push(t);
                last = t;
            }
        }
        // The integrand has one sign and a sharp peak: QUADPACK's sharper error estimate,
        // a tolerance relative to the integral itself, no absolute floor.
        let options = Options::relative(tol)
            .absolute(f64::NEG_INFINITY)
            .breakpoints(&breakpoints)
            .error_estimate(ErrorEstimate::Quadpack)
            .relative_to(Scale::AbsOfIntegral)
            .bookkeeping(Bookkeeping::List)
            .max_panels(QUAD_MAX_INTERVALS);
        let value = integrate(integrand, t_start, t_end, options);
        (value, shift)
    }

    /// ∫ kernel(g) dθ (unscaled).
    pub(super) fn integral(&self, kernel: Kernel) -> f64 {
        let (v, shift) = self.scaled_integral(kernel, QUAD_RELATIVE_TOLERANCE);
        if shift == 0.0 {
            v
        } else {
            libm::exp(libm::log(v) - shift)
        }
    }

    /// ln f at this point.
    pub(super) fn ln_pdf(&self, tol: f64) -> f64 {
        let (v, shift) = self.scaled_integral(Kernel::Density, tol);
        if v.is_nan() || v <= 0.0 {
            return f64::NEG_INFINITY;
        }
        self.ln_prefactor + libm::log(v) - shift
    }
}
