//! Mini-batch SGD on the ridge objective (MATH.md §0, §1.1).
//!
//! One step: x ← x − (γ/B) Σ_{i∈Ω} a_i(a_iᵀx − b_i) − γδx, with Ω a batch of B distinct
//! indices (the authors' code) or B indices drawn with replacement (the paper's analysis).
//! The initial point is x₀ ~ 0.5·N(0, I) [C]. Run `r` draws everything from
//! [`crate::rng::stream`]`(seed, r)`, so runs can be split across workers freely.

use crate::problem::Problem;
use crate::rng;

/// The parameters of one SGD simulation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SgdParams {
    /// Learning rate γ.
    pub gamma: f64,
    /// Batch size B (1 ≤ B ≤ n).
    pub batch: usize,
    /// Ridge coefficient δ (project units).
    pub delta: f64,
    /// Number of steps K.
    pub steps: usize,
    /// Draw batches with replacement.
    pub replacement: bool,
}

/// Runs SGD for run index `run` under `seed` and returns the final iterate x_K.
/// Returns `None` if the iterate overflowed (divergence).
pub fn run(problem: &Problem, params: &SgdParams, seed: u64, run: u64) -> Option<Vec<f64>> {
    let (n, d) = (problem.n(), problem.d());
    let mut stream = rng::stream(seed, run);
    // Row-major copy so a_i is contiguous.
    let rows: Vec<f64> = problem.a.transpose().as_slice().to_vec();
    let b = problem.b.as_slice();
    let mut x = vec![0.0; d];
    rng::fill_standard_normal(&mut stream, &mut x);
    x.iter_mut().for_each(|v| *v *= 0.5);
    let mut gradient = vec![0.0; d];
    let mut indices: Vec<usize> = (0..n).collect();
    let scale = params.gamma / params.batch as f64;
    let shrink = 1.0 - params.gamma * params.delta;
    for _ in 0..params.steps {
        gradient.iter_mut().for_each(|g| *g = 0.0);
        for j in 0..params.batch {
            let i = if params.replacement {
                rng::index(&mut stream, n)
            } else {
                let k = j + rng::index(&mut stream, n - j);
                indices.swap(j, k);
                indices[j]
            };
            let a_i = &rows[i * d..(i + 1) * d];
            let residual: f64 = a_i.iter().zip(&x).map(|(a, x)| a * x).sum::<f64>() - b[i];
            gradient
                .iter_mut()
                .zip(a_i)
                .for_each(|(g, a)| *g += residual * a);
        }
        x.iter_mut()
            .zip(&gradient)
            .for_each(|(x, g)| *x = shrink * *x - scale * g);
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}
