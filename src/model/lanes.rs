//! The dot product in a fixed summation order, shared by SGD's kernels
//! ([`crate::model::sgd`]) and the SVD ([`crate::model::spectrum`]).
//!
//! aᵀx is summed in [`LANES`] accumulators, lane l taking the terms j ≡ l (mod 8), then
//! the lanes are added in one fixed tree (`reduce`) and the terms past the last full
//! group of eight last. The order is the same on every target, so results are bit-
//! identical natively and in wasm (`tests/sim_determinism.rs`), while LLVM still keeps the
//! lanes in SIMD registers (two f64 wide with SSE2 or wasm's simd128).

/// Lanes of the dot-product accumulators: a fixed summation order (so results are
/// bit-identical on every target) that still lets LLVM use SIMD registers.
pub(crate) const LANES: usize = 8;

/// Adds the lanes in a fixed tree order: first vertically, as pairs (0,1) + (2,3) +
/// (4,5) + (6,7), which is what 2-wide SIMD registers do without shuffles, then the two
/// halves.
#[inline(always)]
fn reduce(acc: [f64; LANES], tail: f64) -> f64 {
    let even = (acc[0] + acc[2]) + (acc[4] + acc[6]);
    let odd = (acc[1] + acc[3]) + (acc[5] + acc[7]);
    (even + odd) + tail
}

/// aᵀx, summed in [`LANES`] lanes and then in `reduce`'s order.
// Indexed loops over slices cut to one length, not iterator adapters: the wasm build
// inlines little (.cargo/config.toml), and `Zip::new` left as a call in every step cost
// more than the step's arithmetic at small d.
#[inline(always)]
pub(crate) fn dot(a: &[f64], x: &[f64]) -> f64 {
    let n = a.len().min(x.len());
    let (a, x) = (&a[..n], &x[..n]);
    let body = n / LANES * LANES;
    let mut acc = [0.0; LANES];
    for k in (0..body).step_by(LANES) {
        let (a, x) = (&a[k..k + LANES], &x[k..k + LANES]);
        for l in 0..LANES {
            acc[l] += a[l] * x[l];
        }
    }
    let mut tail = 0.0;
    for j in body..n {
        tail += a[j] * x[j];
    }
    reduce(acc, tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_sums_in_the_stated_order() {
        // Terms of very different sizes, so that another order gives other bits.
        let n = 21;
        let a: Vec<f64> = (0..n)
            .map(|j| 10f64.powi(j % 7 * 3 - 9) * (1.0 + f64::from(j) / 7.0))
            .collect();
        let x: Vec<f64> = (0..n)
            .map(|j| if j % 2 == 0 { 1.0 } else { -1.0 } * (3.0 + j as f64).sqrt())
            .collect();
        let mut lanes = [0.0; LANES];
        for j in 0..16 {
            lanes[j % LANES] += a[j] * x[j];
        }
        let tail = a[16] * x[16] + a[17] * x[17] + a[18] * x[18] + a[19] * x[19] + a[20] * x[20];
        let even = (lanes[0] + lanes[2]) + (lanes[4] + lanes[6]);
        let odd = (lanes[1] + lanes[3]) + (lanes[5] + lanes[7]);
        assert_eq!(dot(&a, &x).to_bits(), ((even + odd) + tail).to_bits());
        // Only the common length counts.
        assert_eq!(dot(&a[..5], &x).to_bits(), dot(&a[..5], &x[..5]).to_bits());
    }
}
