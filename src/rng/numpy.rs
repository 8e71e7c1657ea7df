//! numpy's legacy random stream (`np.random.seed`, `np.random.randn`), for drawing the
//! paper's data exactly as the authors did (MATH.md §5.2, "The paper's exact matrices").
//!
//! - The generator is MT19937 seeded by `init_genrand(seed)` (the `rand_mt` crate's
//!   [`rand_mt::Mt::new`]); numpy's `seed(s)` with an integer 0 ≤ s < 2³² does the same.
//! - A double is ((a ≫ 5)·2²⁶ + (b ≫ 6)) / 2⁵³ from two successive 32-bit outputs a, b.
//! - A normal is the polar method with a cache: repeat x₁ = 2u − 1, x₂ = 2u − 1 until
//!   0 < r² = x₁² + x₂² < 1; f = √(−2 ln r² / r²); return f·x₂ and keep f·x₁ for the next
//!   call. The logarithm is `libm::log`, the same on every target.
//!
//! With seed 1 the first normals are 1.6243453636632417, −0.6117564136500754,
//! −0.5281717522634557 (MATH.md §5.2); `tests/fixtures/numpy_legacy.py` writes more.

use rand_mt::Mt;

/// numpy's legacy `RandomState`: MT19937 and the cached second normal of a polar pair.
#[derive(Clone, Debug)]
pub struct NumpyLegacy {
    mt: Mt,
    cached_normal: Option<f64>,
}

impl NumpyLegacy {
    /// The state of `np.random.seed(seed)`.
    pub fn new(seed: u32) -> NumpyLegacy {
        NumpyLegacy {
            mt: Mt::new(seed),
            cached_normal: None,
        }
    }

    /// A uniform double in [0, 1) with 53 random bits (`np.random.random_sample`).
    pub fn uniform(&mut self) -> f64 {
        let a = u64::from(self.mt.next_u32() >> 5);
        let b = u64::from(self.mt.next_u32() >> 6);
        (a * 67_108_864 + b) as f64 / 9_007_199_254_740_992.0
    }

    /// One standard normal (`np.random.randn()`, the legacy polar method).
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.cached_normal.take() {
            return z;
        }
        loop {
            let x1 = 2.0 * self.uniform() - 1.0;
            let x2 = 2.0 * self.uniform() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                let f = (-2.0 * libm::log(r2) / r2).sqrt();
                self.cached_normal = Some(f * x1);
                return f * x2;
            }
        }
    }

    /// `count` standard normals in order (`np.random.randn(count)`; an array shape
    /// (rows, cols) is filled row by row, so this is also `randn(rows, cols)` row-major).
    pub fn normals(&mut self, count: usize) -> Vec<f64> {
        (0..count).map(|_| self.normal()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixture `tests/fixtures/numpy_legacy.json`, written by numpy itself
    /// (`tests/fixtures/numpy_legacy.py`).
    fn fixture() -> serde_json::Value {
        serde_json::from_str(include_str!("../../tests/fixtures/numpy_legacy.json"))
            .expect("the fixture is JSON")
    }

    fn numbers(value: &serde_json::Value) -> Vec<f64> {
        value
            .as_array()
            .expect("an array")
            .iter()
            .map(|v| v.as_f64().expect("a number"))
            .collect()
    }

    #[test]
    fn the_first_normals_of_seed_1_are_numpys() {
        let mut rng = NumpyLegacy::new(1);
        assert_eq!(
            rng.normals(3),
            [1.6243453636632417, -0.6117564136500754, -0.5281717522634557]
        );
    }

    #[test]
    fn uniforms_and_normals_match_numpy_for_several_seeds() {
        // The logarithm may differ from the C library's in the last bit, so the normals
        // are compared to 4 ulps (relative 1e-15); the uniforms involve no rounding.
        let fixture = fixture();
        for case in fixture["streams"].as_array().expect("streams") {
            let seed = case["seed"].as_u64().expect("seed") as u32;
            let mut rng = NumpyLegacy::new(seed);
            let uniforms: Vec<f64> = (0..8).map(|_| rng.uniform()).collect();
            assert_eq!(uniforms, numbers(&case["uniform"]), "seed {seed}");
            let mut rng = NumpyLegacy::new(seed);
            let expected = numbers(&case["randn"]);
            let got = rng.normals(expected.len());
            for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
                assert!(
                    (g - e).abs() <= 1e-15 * e.abs().max(1e-300),
                    "seed {seed}, normal {i}: {g} vs numpy {e}"
                );
            }
        }
    }
}
