//! The derivative-free optimisers of the fits (hand-written: two short, well-known
//! algorithms; argmin would add a dependency and its trait machinery for ~100 lines).
//!
//! - [`brent_minimize`]: Brent's (1973) minimiser on an interval — golden-section steps
//!   with parabolic interpolation (Numerical Recipes §10.3, `brent`).
//! - [`nelder_mead`]: the Nelder–Mead simplex with the standard coefficients (reflection 1,
//!   expansion 2, contraction ½, shrink ½), restarted from the best point until a restart
//!   no longer improves (which guards against the simplex collapsing early) unless told
//!   otherwise; its stopping rule and rounding are a [`NelderMead`] value. The Pearson IV
//!   fit uses the defaults; the α-stable fit, whose objective keeps a warm start between
//!   calls, a single run stopped on f alone with [`Rounding::SumScaled`].

// `!(gain > tol)` is meant: a NaN gain ends the restarts too.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use crate::stats::sample::sorted_indices;

/// Minimises `f` on [lo, hi] to an absolute tolerance `tol` in x; returns (x, f(x)).
pub fn brent_minimize(f: impl Fn(f64) -> f64, lo: f64, hi: f64, tol: f64) -> (f64, f64) {
    const GOLDEN: f64 = 0.381_966_011_250_105_1;
    let (mut a, mut b) = (lo, hi);
    let mut x = a + GOLDEN * (b - a);
    let (mut w, mut v) = (x, x);
    let mut fx = f(x);
    let (mut fw, mut fv) = (fx, fx);
    let mut d: f64 = 0.0;
    let mut e: f64 = 0.0;
    for _ in 0..200 {
        let mid = 0.5 * (a + b);
        let tol1 = tol + 1e-12 * x.abs();
        let tol2 = 2.0 * tol1;
        if (x - mid).abs() <= tol2 - 0.5 * (b - a) {
            break;
        }
        let mut golden = true;
        if e.abs() > tol1 {
            // Parabola through (v, fv), (w, fw), (x, fx).
            let r = (x - w) * (fx - fv);
            let mut q = (x - v) * (fx - fw);
            let mut p = (x - v) * q - (x - w) * r;
            q = 2.0 * (q - r);
            if q > 0.0 {
                p = -p;
            }
            q = q.abs();
            if p.abs() < (0.5 * q * e).abs() && p > q * (a - x) && p < q * (b - x) {
                e = d;
                d = p / q;
                let u = x + d;
                if u - a < tol2 || b - u < tol2 {
                    d = if mid >= x { tol1 } else { -tol1 };
                }
                golden = false;
            }
        }
        if golden {
            e = if x >= mid { a - x } else { b - x };
            d = GOLDEN * e;
        }
        let u = if d.abs() >= tol1 {
            x + d
        } else {
            x + tol1.copysign(d)
        };
        let fu = f(u);
        if fu <= fx {
            if u >= x {
                a = x;
            } else {
                b = x;
            }
            (v, fv) = (w, fw);
            (w, fw) = (x, fx);
            (x, fx) = (u, fu);
        } else {
            if u < x {
                a = u;
            } else {
                b = u;
            }
            if fu <= fw || w == x {
                (v, fv) = (w, fw);
                (w, fw) = (u, fu);
            } else if fu <= fv || v == x || v == w {
                (v, fv) = (u, fu);
            }
        }
    }
    (x, fx)
}

/// The two roundings [`nelder_mead`] offers of the same simplex moves. In exact arithmetic
/// they are one algorithm; each fit keeps the rounding its pinned numbers were made with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    /// Centroid c = Σ (x_i/n); the outside contraction c + ½(r − c) moves toward the
    /// reflected point r, and a contraction is kept when it beats the point it moved toward.
    TermsScaled,
    /// Centroid c = (Σ x_i)/n; the outside contraction c − ½(w − c) moves away from the
    /// worst point w, and a contraction is kept when it beats min(f(w), f(r)) (the same
    /// test unless f(w) is NaN).
    SumScaled,
}

/// The stopping rule of [`nelder_mead`] and its variant: built by [`NelderMead::new`],
/// adjusted by [`NelderMead::without_restarts`] and [`NelderMead::rounding`].
#[derive(Clone, Copy, Debug, PartialEq)]
#[must_use]
pub struct NelderMead {
    f_tol: f64,
    x_tol: f64,
    max_evals: usize,
    restart: bool,
    rounding: Rounding,
}

impl NelderMead {
    /// Stops when the simplex's spread in f is ≤ `f_tol` and its extent is ≤ `x_tol` in
    /// every coordinate (`x_tol` = ∞: the spread in f alone decides), or after `max_evals`
    /// evaluations; then restarts from the best point until a restart gains < `f_tol`.
    /// Rounding [`Rounding::TermsScaled`].
    pub fn new(f_tol: f64, x_tol: f64, max_evals: usize) -> NelderMead {
        NelderMead {
            f_tol,
            x_tol,
            max_evals,
            restart: true,
            rounding: Rounding::TermsScaled,
        }
    }

    /// One simplex run from the start, no restarts (and no evaluation of the start other
    /// than the simplex's own, which matters to an objective that keeps state).
    pub fn without_restarts(self) -> NelderMead {
        NelderMead {
            restart: false,
            ..self
        }
    }

    /// The same rule with rounding `rounding`.
    pub fn rounding(self, rounding: Rounding) -> NelderMead {
        NelderMead { rounding, ..self }
    }
}

/// Minimises `f` from `start` with initial simplex steps `steps` (one per coordinate),
/// stopping and restarting as `rule` says. Returns (best point, best value). `f` may
/// return +∞ to forbid a point, and may keep state (it is called in a fixed order).
pub fn nelder_mead(
    mut f: impl FnMut(&[f64]) -> f64,
    start: &[f64],
    steps: &[f64],
    rule: NelderMead,
) -> (Vec<f64>, f64) {
    if !rule.restart {
        let (x, fx, _) = nelder_mead_once(&mut f, start, steps, &rule, rule.max_evals);
        return (x, fx);
    }
    let n = start.len();
    let mut best = start.to_vec();
    let mut best_f = f(&best);
    let mut evals = 1;
    loop {
        let before = best_f;
        let budget = rule.max_evals - evals.min(rule.max_evals);
        let (x, fx, used) = nelder_mead_once(&mut f, &best, steps, &rule, budget);
        evals += used;
        if fx < best_f {
            best = x;
            best_f = fx;
        }
        if !(before - best_f > rule.f_tol) || evals >= rule.max_evals || n == 0 {
            return (best, best_f);
        }
    }
}

fn nelder_mead_once(
    f: &mut impl FnMut(&[f64]) -> f64,
    start: &[f64],
    steps: &[f64],
    rule: &NelderMead,
    max_evals: usize,
) -> (Vec<f64>, f64, usize) {
    let n = start.len();
    let mut simplex: Vec<Vec<f64>> = vec![start.to_vec()];
    for i in 0..n {
        let mut p = start.to_vec();
        p[i] += steps[i];
        simplex.push(p);
    }
    let mut values: Vec<f64> = simplex.iter().map(|p| f(p)).collect();
    let mut evals = n + 1;
    let point = |centroid: &[f64], worst: &[f64], t: f64| -> Vec<f64> {
        centroid
            .iter()
            .zip(worst)
            .map(|(c, w)| c + t * (w - c))
            .collect()
    };
    while evals < max_evals {
        // Order: best first; ties keep their order.
        let order = sorted_indices(&values);
        simplex = order.iter().map(|&i| simplex[i].clone()).collect();
        values = order.iter().map(|&i| values[i]).collect();
        let spread = values[n] - values[0];
        let extent_ok = (0..n).all(|k| {
            simplex
                .iter()
                .map(|p| (p[k] - simplex[0][k]).abs())
                .fold(0.0, f64::max)
                <= rule.x_tol
        });
        if spread <= rule.f_tol && extent_ok {
            break;
        }
        let centroid: Vec<f64> = match rule.rounding {
            Rounding::TermsScaled => {
                let mut centroid = vec![0.0; n];
                for p in &simplex[..n] {
                    for (c, x) in centroid.iter_mut().zip(p) {
                        *c += x / n as f64;
                    }
                }
                centroid
            }
            Rounding::SumScaled => (0..n)
                .map(|k| simplex[..n].iter().map(|p| p[k]).sum::<f64>() / n as f64)
                .collect(),
        };
        let reflected = point(&centroid, &simplex[n], -1.0);
        let fr = f(&reflected);
        evals += 1;
        if fr < values[0] {
            let expanded = point(&centroid, &simplex[n], -2.0);
            let fe = f(&expanded);
            evals += 1;
            if fe < fr {
                simplex[n] = expanded;
                values[n] = fe;
            } else {
                simplex[n] = reflected;
                values[n] = fr;
            }
        } else if fr < values[n - 1] {
            simplex[n] = reflected;
            values[n] = fr;
        } else {
            // Contract: outside (toward the reflection) when it beats the worst point,
            // inside (toward the worst point) otherwise.
            let outside = fr < values[n];
            let (contracted, threshold) = match (rule.rounding, outside) {
                (Rounding::TermsScaled, true) => (point(&centroid, &reflected, 0.5), fr),
                (Rounding::TermsScaled, false) => (point(&centroid, &simplex[n], 0.5), values[n]),
                (Rounding::SumScaled, true) => {
                    (point(&centroid, &simplex[n], -0.5), values[n].min(fr))
                }
                (Rounding::SumScaled, false) => {
                    (point(&centroid, &simplex[n], 0.5), values[n].min(fr))
                }
            };
            let fc = f(&contracted);
            evals += 1;
            if fc < threshold {
                simplex[n] = contracted;
                values[n] = fc;
            } else {
                // Shrink toward the best point.
                for i in 1..=n {
                    let shrunk = point(&simplex[0], &simplex[i], 0.5);
                    values[i] = f(&shrunk);
                    simplex[i] = shrunk;
                }
                evals += n;
            }
        }
    }
    let best = (0..=n)
        .min_by(|&i, &j| values[i].total_cmp(&values[j]))
        .unwrap_or(0);
    (simplex[best].clone(), values[best], evals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brent_finds_a_known_minimum() {
        // (x − 2)² + 1 on [0, 5]: minimum 1 at x = 2; ln x − x on [0.1, 5] has its max at 1.
        let (x, fx) = brent_minimize(|x| (x - 2.0) * (x - 2.0) + 1.0, 0.0, 5.0, 1e-10);
        assert!((x - 2.0).abs() < 1e-8 && (fx - 1.0).abs() < 1e-15);
        let (x, _) = brent_minimize(|x| x - libm::log(x), 0.1, 5.0, 1e-10);
        assert!((x - 1.0).abs() < 1e-8, "{x}");
        // Minimum at an end point.
        let (x, _) = brent_minimize(|x| x, 1.0, 3.0, 1e-10);
        assert!((x - 1.0).abs() < 1e-8, "{x}");
    }

    #[test]
    fn nelder_mead_minimises_rosenbrock() {
        // Rosenbrock: minimum 0 at (1, 1).
        let rosen = |p: &[f64]| (1.0 - p[0]).powi(2) + 100.0 * (p[1] - p[0] * p[0]).powi(2);
        let (x, fx) = nelder_mead(
            rosen,
            &[-1.2, 1.0],
            &[0.5, 0.5],
            NelderMead::new(1e-14, 1e-9, 10_000),
        );
        assert!(
            fx < 1e-12 && (x[0] - 1.0).abs() < 1e-5 && (x[1] - 1.0).abs() < 1e-5,
            "{x:?} {fx}"
        );
        // One run stopped on f alone, the other rounding: the same minimum.
        let rule = NelderMead::new(1e-20, f64::INFINITY, 10_000)
            .without_restarts()
            .rounding(Rounding::SumScaled);
        let (x, fx) = nelder_mead(rosen, &[-1.2, 1.0], &[0.5, 0.5], rule);
        assert!(
            fx < 1e-12 && (x[0] - 1.0).abs() < 1e-5 && (x[1] - 1.0).abs() < 1e-5,
            "{x:?} {fx}"
        );
    }

    #[test]
    fn a_run_without_restarts_calls_f_only_from_the_simplex() {
        // The simplex's first n + 1 calls are its vertices: start, then start + step_k.
        let mut calls: Vec<Vec<f64>> = Vec::new();
        let f = |p: &[f64]| {
            calls.push(p.to_vec());
            p[0] * p[0] + p[1] * p[1]
        };
        let rule = NelderMead::new(1e-3, f64::INFINITY, 10).without_restarts();
        nelder_mead(f, &[1.0, 2.0], &[0.5, 0.25], rule);
        assert_eq!(
            calls[..3],
            [vec![1.0, 2.0], vec![1.5, 2.0], vec![1.0, 2.25]]
        );
        assert!(calls.len() <= 11);
    }
}
