//! Seeded random streams and the few variates the core draws (DESIGN.md, Randomness).
//!
//! One user seed; run `i` draws from its own stream [`stream`]`(seed, i)`, so a result is
//! the same whether the runs execute in one thread, in several Web Workers, natively or in
//! wasm. The generator is Xoshiro256++ (64-bit operations only, fast in wasm), seeded by
//! SplitMix64 from a hash of `(seed, i)`.
//!
//! Normal variates use the Marsaglia polar method with `libm::log`, whose result is
//! bit-identical on every target (std's `ln` calls the platform libm natively).
//!
//! Hot loops (hSGD draws one normal per coordinate update) use [`Ziggurat`] instead:
//! Marsaglia & Tsang's ziggurat (J. Stat. Softw. 5(8), 2000) with 256 layers, which in
//! ~99% of draws costs one 64-bit word, one multiplication and one comparison. Its tables
//! are built once with `libm` and its rare wedge and tail branches use `libm::exp`/`log`,
//! so it too is bit-identical natively and in wasm. (rand_distr's ziggurat calls std's
//! `exp`/`ln`, which are not.)

use std::sync::OnceLock;

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

pub mod numpy;

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

/// A uniform index in 0..n (Lemire's multiply-shift ⌊x·n/2⁶⁴⌋ of a 64-bit word x; the
/// bias for n ≪ 2⁶⁴ is < n/2⁶⁴).
#[inline]
pub fn index<R: Rng + ?Sized>(rng: &mut R, n: usize) -> usize {
    let x = rng.next_u64();
    match u32::try_from(n) {
        // For n < 2³², ⌊x·n/2⁶⁴⌋ from two 32 × 32-bit products, exactly: with
        // x = h·2³² + l it is ⌊(h·n + ⌊l·n/2³²⌋)/2³²⌋, and no term overflows 64 bits.
        // wasm has no 64 × 64 → 128-bit multiply; the u128 product is a library call
        // there, once per SGD step.
        Ok(n) => {
            let n = u64::from(n);
            (((x >> 32) * n + (((x & 0xffff_ffff) * n) >> 32)) >> 32) as usize
        }
        Err(_) => ((u128::from(x) * n as u128) >> 64) as usize,
    }
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

/// Layers of the ziggurat.
const ZIGGURAT_LAYERS: usize = 256;
/// Right edge r of the base layer for 256 layers (Marsaglia & Tsang 2000, `dn`).
const ZIGGURAT_R: f64 = 3.654_152_885_361_009;
/// Common area v of each layer under the unnormalised density e^{−x²/2} (ibid., `vn`).
const ZIGGURAT_AREA: f64 = 0.004_928_673_233_99;

/// Standard normal sampler by the ziggurat method (Marsaglia & Tsang 2000), for hot loops.
///
/// The density e^{−x²/2} (unnormalised) is covered by 256 horizontal layers of equal area v:
/// layer i is the rectangle [0, x_i] × [f(x_i), f(x_{i+1})], with x_1 = r, x_{256} = 0 and,
/// for the base layer, x_0 = v/f(r) (its part beyond r stands for the tail). A draw picks a
/// layer and a point z = u·x_i; if z < x_{i+1} it lies under the curve (≈ 99% of draws);
/// otherwise a wedge test against f(z), or for the base layer Marsaglia's exact tail
/// sampler beyond r.
#[derive(Clone, Debug)]
pub struct Ziggurat {
    /// Layer edges x_0 > x_1 = r > … > x_{255} > x_{256} = 0.
    x: [f64; ZIGGURAT_LAYERS + 1],
    /// f(x_i) = e^{−x_i²/2}, increasing to f(x_{256}) = 1.
    f: [f64; ZIGGURAT_LAYERS + 1],
}

impl Ziggurat {
    fn build() -> Ziggurat {
        let density = |x: f64| libm::exp(-0.5 * x * x);
        let mut x = [0.0; ZIGGURAT_LAYERS + 1];
        x[0] = ZIGGURAT_AREA / density(ZIGGURAT_R);
        x[1] = ZIGGURAT_R;
        for i in 1..ZIGGURAT_LAYERS - 1 {
            // Layer i has area v: x_i (f(x_{i+1}) − f(x_i)) = v.
            x[i + 1] = (-2.0 * libm::log(ZIGGURAT_AREA / x[i] + density(x[i]))).sqrt();
        }
        x[ZIGGURAT_LAYERS] = 0.0;
        let mut f = [0.0; ZIGGURAT_LAYERS + 1];
        for (fi, &xi) in f.iter_mut().zip(&x) {
            *fi = density(xi);
        }
        Ziggurat { x, f }
    }

    /// One standard normal variate.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        loop {
            let bits = rng.next_u64();
            // Bits 0–7: layer; bit 8: sign; bits 11–63: the uniform (disjoint bits).
            let layer = (bits & 0xff) as usize;
            // The sign as a bit flip, not a branch (a random branch mispredicts half the
            // time); flipping the sign bit is exactly multiplying by −1.
            let sign = (bits & 0x100) << 55;
            let signed = |z: f64| f64::from_bits(z.to_bits() ^ sign);
            let u = (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
            let z = u * self.x[layer];
            if z < self.x[layer + 1] {
                return signed(z);
            }
            if layer == 0 {
                return signed(Self::tail(rng));
            }
            let height = self.f[layer] + uniform(rng) * (self.f[layer + 1] - self.f[layer]);
            if height < libm::exp(-0.5 * z * z) {
                return signed(z);
            }
        }
    }

    /// The normal tail beyond r (Marsaglia 1964): r + a with a = −ln U₁ / r, accepted when
    /// −2 ln U₂ > a².
    #[cold]
    fn tail<R: Rng + ?Sized>(rng: &mut R) -> f64 {
        loop {
            let a = -libm::log(uniform_open(rng)) / ZIGGURAT_R;
            let b = -libm::log(uniform_open(rng));
            if 2.0 * b > a * a {
                return ZIGGURAT_R + a;
            }
        }
    }

    /// Fills `out` with independent standard normal variates (the same as calling
    /// [`Ziggurat::sample`] for each, in order). The generator is copied into a local for
    /// the loop so its state stays in registers.
    pub fn fill<R: Rng + Clone>(&self, rng: &mut R, out: &mut [f64]) {
        let mut local = rng.clone();
        for z in out {
            *z = self.sample(&mut local);
        }
        *rng = local;
    }
}

/// The ziggurat tables, built on first use (a few microseconds) and shared.
pub fn ziggurat() -> &'static Ziggurat {
    static TABLES: OnceLock<Ziggurat> = OnceLock::new();
    TABLES.get_or_init(Ziggurat::build)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Yields the given words in turn, as a generator.
    struct Words(std::vec::IntoIter<u64>);

    impl rand::TryRng for Words {
        type Error = std::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            Ok(self.try_next_u64()? as u32)
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            Ok(self.0.next().expect("a word left"))
        }
        fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), Self::Error> {
            unimplemented!()
        }
    }

    #[test]
    fn index_is_the_high_word_of_the_128_bit_product() {
        let mut stream = stream(5, 0);
        let mut words: Vec<u64> = (0..2000).map(|_| stream.next_u64()).collect();
        words.extend([
            0,
            1,
            u64::MAX,
            u64::MAX - 1,
            1 << 32,
            (1 << 32) - 1,
            1 << 63,
        ]);
        let mut sizes = vec![1usize, 2, 3, 1797, 2000, 65_535, 1 << 31, usize::MAX];
        // 2³² and up take the 128-bit product (where usize has 64 bits).
        sizes.extend(usize::try_from(1u64 << 32).ok());
        sizes.push(u32::MAX as usize);
        for n in sizes {
            let mut rng = Words(words.clone().into_iter());
            for &x in &words {
                let exact = ((x as u128 * n as u128) >> 64) as usize;
                assert_eq!(index(&mut rng, n), exact, "x = {x}, n = {n}");
            }
        }
    }

    #[test]
    fn ziggurat_layers_close_with_equal_areas() {
        // The recursion from r with area v must end at the top: the last layer
        // [0, x_255] × [f(x_255), 1] has area v too (Marsaglia & Tsang's constants have 12
        // significant digits, so agreement to ~1e-9 is all one can ask).
        let z = ziggurat();
        let top = z.x[255] * (1.0 - z.f[255]);
        assert!(
            (top / ZIGGURAT_AREA - 1.0).abs() < 1e-8,
            "top layer area {top}"
        );
        // The base layer: rectangle r·f(r) plus the tail ∫_r^∞ e^{−x²/2} = √(π/2) erfc(r/√2).
        let tail = (std::f64::consts::PI / 2.0).sqrt()
            * statrs::function::erf::erfc(ZIGGURAT_R / std::f64::consts::SQRT_2);
        let base = ZIGGURAT_R * z.f[1] + tail;
        assert!(
            (base / ZIGGURAT_AREA - 1.0).abs() < 1e-9,
            "base area {base}"
        );
        assert!(z.x.windows(2).all(|w| w[0] > w[1]));
    }

    #[test]
    fn ziggurat_tail_and_wedges_have_the_right_mass() {
        // P(|Z| > r) = erfc(r/√2) ≈ 2.58e-4 exercises the tail sampler; P(|Z| > 2.5) the
        // outer wedges. N = 2M: binomial sds ≈ 11 and 110 counts; allow 4.5 sd.
        let zig = ziggurat();
        let mut rng = stream(12, 0);
        let n = 2_000_000;
        let (mut beyond_r, mut beyond_25) = (0usize, 0usize);
        for _ in 0..n {
            let z = zig.sample(&mut rng).abs();
            beyond_r += (z > ZIGGURAT_R) as usize;
            beyond_25 += (z > 2.5) as usize;
        }
        let sqrt2 = std::f64::consts::SQRT_2;
        for (count, edge) in [(beyond_r, ZIGGURAT_R), (beyond_25, 2.5)] {
            let p = statrs::function::erf::erfc(edge / sqrt2);
            let expected = p * n as f64;
            let sd = (expected * (1.0 - p)).sqrt();
            assert!(
                (count as f64 - expected).abs() < 4.5 * sd,
                "P(|Z| > {edge}): {count} vs {expected:.0} ± {sd:.0}"
            );
        }
    }

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
