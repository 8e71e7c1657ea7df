//! Seeded random streams and the few variates the core draws (DESIGN.md, Randomness).
//!
//! One user seed; run `i` draws from its own stream [`stream`]`(seed, i)`, so a result is
//! the same whether the runs execute in one thread, in several Web Workers, natively or in
//! wasm. The generator is Xoshiro256++ (64-bit operations only, fast in wasm), seeded by
//! SplitMix64 from a hash of `(seed, i)`.
//!
//! Normal variates use the Marsaglia polar method with `libm::log`, whose result is
//! bit-identical on every target (std's `ln` calls the platform libm natively).

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator used everywhere in the core.
pub type Stream = Xoshiro256PlusPlus;

/// SplitMix64's finaliser: a bijective 64-bit mix.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The independent stream of run `index` under the user's `seed`.
pub fn stream(seed: u64, index: u64) -> Stream {
    let key = mix64(seed ^ mix64(index.wrapping_add(0x9e37_79b9_7f4a_7c15)));
    Xoshiro256PlusPlus::seed_from_u64(key)
}

/// A uniform variate in [0, 1) with 53 random bits.
#[inline]
pub fn uniform<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A uniform variate in (0, 1), never 0 (safe under a logarithm).
#[inline]
pub fn uniform_open<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// A uniform index in 0..n (Lemire's multiply-shift; the bias for n ≪ 2⁶⁴ is < n/2⁶⁴).
#[inline]
pub fn index<R: Rng + ?Sized>(rng: &mut R, n: usize) -> usize {
    ((rng.next_u64() as u128 * n as u128) >> 64) as usize
}

/// A pair of independent standard normal variates (Marsaglia's polar method).
#[inline]
pub fn standard_normal_pair<R: Rng + ?Sized>(rng: &mut R) -> (f64, f64) {
    loop {
        let u = 2.0 * uniform(rng) - 1.0;
        let v = 2.0 * uniform(rng) - 1.0;
        let s = u * u + v * v;
        if s > 0.0 && s < 1.0 {
            let factor = (-2.0 * libm::log(s) / s).sqrt();
            return (u * factor, v * factor);
        }
    }
}

/// One standard normal variate.
#[inline]
pub fn standard_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    standard_normal_pair(rng).0
}

/// Fills `out` with independent standard normal variates (uses both of each pair).
pub fn fill_standard_normal<R: Rng + ?Sized>(rng: &mut R, out: &mut [f64]) {
    let mut chunks = out.chunks_exact_mut(2);
    for pair in &mut chunks {
        let (a, b) = standard_normal_pair(rng);
        pair[0] = a;
        pair[1] = b;
    }
    if let [last] = chunks.into_remainder() {
        *last = standard_normal(rng);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| stream(7, 3).next_u64()).collect();
        assert!(a.iter().all(|&x| x == a[0]));
        assert_ne!(stream(7, 3).next_u64(), stream(7, 4).next_u64());
        assert_ne!(stream(7, 3).next_u64(), stream(8, 3).next_u64());
    }

    #[test]
    fn normal_moments_match_the_standard_normal() {
        // 200k draws: standard errors of mean, variance, 4th moment ≈ 0.0022, 0.0032, 0.022.
        let mut rng = stream(1, 0);
        let mut z = vec![0.0; 200_000];
        fill_standard_normal(&mut rng, &mut z);
        let n = z.len() as f64;
        let mean = z.iter().sum::<f64>() / n;
        let var = z.iter().map(|x| x * x).sum::<f64>() / n;
        let m4 = z.iter().map(|x| x.powi(4)).sum::<f64>() / n;
        assert!(mean.abs() < 0.012, "mean {mean}");
        assert!((var - 1.0).abs() < 0.016, "var {var}");
        assert!((m4 - 3.0).abs() < 0.11, "m4 {m4}");
        // P(|Z| > 1.96) = 0.05; binomial sd ≈ 0.00049.
        let tail = z.iter().filter(|x| x.abs() > 1.959_963_985).count() as f64 / n;
        assert!((tail - 0.05).abs() < 0.0025, "tail {tail}");
    }

    #[test]
    fn uniform_index_is_in_range_and_balanced() {
        let mut rng = stream(2, 0);
        let mut counts = [0usize; 5];
        for _ in 0..50_000 {
            counts[index(&mut rng, 5)] += 1;
        }
        // Each count ~ Binomial(50000, 0.2): sd ≈ 89.
        assert!(
            counts.iter().all(|&c| (c as i64 - 10_000).abs() < 450),
            "{counts:?}"
        );
    }
}
