//! Ridge-regularised least-squares problems (MATH.md §0, §1.1, §5.2).
//!
//! A problem is a design matrix A ∈ ℝ^{n×d} with rows a_i and a response b ∈ ℝ^n; the
//! objective is f(x) = (1/2n)|Ax − b|² + (δ/2)|x|², δ in project units (MATH.md §0).
//!
//! Data sets:
//! - [`Problem::synthetic`], 𝒳 (MATH.md §5.2): entries of A i.i.d. N(0, 1),
//!   x₀ ~ 3·N(0, I_d), b = A x₀ + 3·N(0, I_n), then A is min-max normalised over the
//!   whole matrix (after b is drawn, so b is planted on the raw A).
//! - [`Problem::synthetic_numpy`]: 𝒳 exactly as the authors drew it with numpy's legacy
//!   stream, where A is min-max normalised first and b planted on the normalised A.
//! - [`Problem::with_spectrum`]: A = U diag(λ) Vᵀ with Haar-random orthonormal U (n×r),
//!   V (d×r), r = min(n, d), and a prescribed spectrum (power law or geometric).
//! - [`Problem::digits`], 𝒴: the scikit-learn digits (`www/data/digits.csv.gz`: bundled,
//!   or given by [`load_digits`]), global min-max of the 64 pixel columns, b = 0.1·label.
//! - [`Problem::digits_random_features`], 𝒵: min-max(σ(𝒴W/√64)) with a shifted ReLU σ;
//!   [`Problem::digits_random_features_numpy`] draws W from numpy's legacy stream.
//! - [`Problem::from_csv`]: a user's table, with optional preprocessing.

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::rng;
use crate::rng::numpy::NumpyLegacy;

mod digits_rows;

pub use digits_rows::digits_rows;
use digits_rows::DIGITS_COLUMNS;

/// The digits data (MATH.md §5.2; `www/data/digits.csv.gz`, decoded by `build.rs`), with
/// the `bundled-digits` feature: 1797 rows of 65 bytes, the 64 pixel counts 0..16 then the
/// label 0..9. Without it (the page's wasm, 46 KB smaller for every page that does not
/// use them) they come from [`load_digits`].
#[cfg(feature = "bundled-digits")]
const BUNDLED_DIGITS: Option<&[u8]> = Some(include_bytes!(concat!(env!("OUT_DIR"), "/digits.bin")));
#[cfg(not(feature = "bundled-digits"))]
const BUNDLED_DIGITS: Option<&[u8]> = None;

/// The digits data given by [`load_digits`].
static LOADED_DIGITS: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();

/// Rows n and columns d of the digits' design matrix, known without the data (the page's
/// cost estimate); a test checks them against the data.
pub const DIGITS_SHAPE: (usize, usize) = (1797, 64);

/// Whether [`Problem::digits`] has its data: bundled, or loaded.
pub fn digits_available() -> bool {
    BUNDLED_DIGITS.is_some() || LOADED_DIGITS.get().is_some()
}

/// Gives the library the digits data when they are not bundled: the text of
/// `www/data/digits.csv.gz`, decompressed (the page's workers fetch it).
///
/// # Errors
/// Text that is not the digits' [`DIGITS_SHAPE`] rows, about the `data` field.
pub fn load_digits(text: &str) -> Result<()> {
    let bytes =
        digits_rows(text).map_err(|e| Error::new("data", format!("the digits data: {e}")))?;
    if bytes.len() != DIGITS_SHAPE.0 * DIGITS_COLUMNS {
        return Err(Error::new(
            "data",
            format!(
                "the digits data have {} rows, not {}",
                bytes.len() / DIGITS_COLUMNS,
                DIGITS_SHAPE.0
            ),
        ));
    }
    // Already loaded, the data stay: they are the same file.
    let _ = LOADED_DIGITS.set(bytes);
    Ok(())
}

/// Largest n·d accepted for a design matrix (memory budget, stated in the UI and CLI).
pub const MAX_MATRIX_ENTRIES: usize = 4_000_000;
/// Largest d accepted: the SVD's V, an orthonormal basis of all of Rᵈ that the decoupling
/// needs, has d² entries, within the same budget as the matrix.
pub const MAX_FEATURES: usize = 2_000;

/// The error for d above [`MAX_FEATURES`], about `field`.
fn too_many_features(field: &str, d: usize) -> Error {
    Error::new(
        field,
        format!(
            "d = {d} features need a {d}×{d} orthonormal basis (the SVD's V, which the \
             decoupling uses); at most d = {MAX_FEATURES} fit the memory budget"
        ),
    )
}
/// How a prescribed spectrum decays (the data kind `spectrum` of [`crate::report::config::DataKind`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SpectrumShape {
    /// λ_i = λ_1 · i^(−decay).
    PowerLaw,
    /// λ_i geometric from λ_1 down to λ_1 / condition.
    Condition,
}

/// Which generator draws the random data (synthetic 𝒳 and the random-feature weights).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataRng {
    /// The crate's own stream ([`rng::stream`]`(seed, 0)`, Xoshiro256++).
    Xoshiro,
    /// numpy's legacy stream (`np.random.seed(seed)`; MATH.md §5.2), which reproduces
    /// the paper's matrices: λ_1 = 319.831317 (𝒳) and 93.485640 (𝒵) with seed 1.
    Numpy,
}

/// numpy's legacy seed is a 32-bit integer: the error for a larger `data_seed`.
fn numpy_seed(seed: u64) -> Result<u32> {
    u32::try_from(seed).map_err(|_| {
        Error::new(
            "data_seed",
            format!(
                "numpy's legacy generator takes a seed between 0 and {}; {seed} is too large",
                u32::MAX
            ),
        )
    })
}

/// Preprocessing of a user's CSV (digits always use the paper's global min-max).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Preprocess {
    /// Use the numbers as given.
    None,
    /// Global min-max over the whole design matrix: A ← (A − min A)/(max A − min A).
    Minmax,
    /// Per column: subtract the mean, divide by the standard deviation.
    Standardize,
}

/// A design matrix A (n × d, rows a_i) and a response b (length n).
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Design matrix, n × d.
    pub a: DMatrix<f64>,
    /// Response, length n.
    pub b: DVector<f64>,
    /// A short human-readable description ("synthetic 500×50, seed 1", "digits", …).
    pub name: String,
}

fn check_sizes(n: usize, d: usize) -> Result<()> {
    if n < 2 {
        return Err(Error::new("n", "n must be at least 2"));
    }
    if d < 1 {
        return Err(Error::new("d", "d must be at least 1"));
    }
    if d > MAX_FEATURES {
        return Err(too_many_features("d", d));
    }
    if n.saturating_mul(d) > MAX_MATRIX_ENTRIES {
        return Err(Error::new(
            "n",
            format!(
                "n·d = {} exceeds the memory budget of {MAX_MATRIX_ENTRIES} matrix entries",
                n.saturating_mul(d)
            ),
        ));
    }
    Ok(())
}

/// b = A x₀ + 3·ξ with x₀ ~ 3·N(0, I_d), ξ ~ N(0, I_n), drawn from `stream` (MATH.md §5.2).
fn planted_response(a: &DMatrix<f64>, stream: &mut rng::Stream) -> DVector<f64> {
    let (n, d) = a.shape();
    let mut x0 = vec![0.0; d];
    rng::fill_standard_normal(stream, &mut x0);
    let x0 = DVector::from_vec(x0) * 3.0;
    let mut noise = vec![0.0; n];
    rng::fill_standard_normal(stream, &mut noise);
    a * &x0 + DVector::from_vec(noise) * 3.0
}

/// A Haar-distributed matrix with orthonormal columns (rows × cols, cols ≤ rows): the Q of
/// the QR decomposition of a Gaussian matrix, with the signs of R's diagonal moved into Q
/// (without this sign fix the law is not Haar; Mezzadri 2007).
fn random_orthonormal(rows: usize, cols: usize, stream: &mut rng::Stream) -> DMatrix<f64> {
    let mut entries = vec![0.0; rows * cols];
    rng::fill_standard_normal(stream, &mut entries);
    let qr = DMatrix::from_row_slice(rows, cols, &entries).qr();
    let r = qr.r();
    let mut q = qr.q();
    for j in 0..cols {
        if r[(j, j)] < 0.0 {
            q.column_mut(j).neg_mut();
        }
    }
    q
}

fn check_features(features: usize) -> Result<()> {
    if (1..=MAX_FEATURES).contains(&features) {
        Ok(())
    } else {
        Err(Error::new(
            "features",
            format!("the number of random features must be between 1 and {MAX_FEATURES}"),
        ))
    }
}

/// 𝒵 = min-max(σ(D·W/8)) for the weights `w` (64 × `features`, row by row) on the digits'
/// pixels (MATH.md §5.2), b = 0.1·label.
fn random_features(w: &[f64], features: usize, name: String) -> Result<Problem> {
    let (pixels, b) = digits_table()?;
    let w = DMatrix::from_row_slice(64, features, w) / 8.0;
    let mut a = pixels * w;
    a.apply(|z| *z = shifted_relu(*z));
    minmax_in_place(&mut a);
    Ok(Problem { a, b, name })
}

/// The shifted, rescaled ReLU of the random-features data (MATH.md §5.2, [C]):
/// σ(z) = (max(z, 0) − 1/(2π)) / (½ − 1/(2π)).
fn shifted_relu(z: f64) -> f64 {
    let c = 1.0 / (2.0 * std::f64::consts::PI);
    (z.max(0.0) - c) / (0.5 - c)
}

impl Problem {
    /// Number of rows n.
    pub fn n(&self) -> usize {
        self.a.nrows()
    }

    /// Number of columns d.
    pub fn d(&self) -> usize {
        self.a.ncols()
    }

    /// The paper's synthetic Gaussian problem 𝒳 (MATH.md §5.2) with `n` rows, `d`
    /// columns, drawn from the stream of `seed`.
    ///
    /// # Errors
    /// `n` < 2, `d` < 1, or n·d above [`MAX_MATRIX_ENTRIES`].
    pub fn synthetic(n: usize, d: usize, seed: u64) -> Result<Problem> {
        check_sizes(n, d)?;
        let mut stream = rng::stream(seed, 0);
        let mut entries = vec![0.0; n * d];
        rng::fill_standard_normal(&mut stream, &mut entries);
        let mut a = DMatrix::from_row_slice(n, d, &entries);
        let b = planted_response(&a, &mut stream);
        minmax_in_place(&mut a);
        Ok(Problem {
            a,
            b,
            name: format!("synthetic {n}×{d}, seed {seed}"),
        })
    }

    /// The synthetic problem 𝒳 exactly as the authors' code draws it (MATH.md §5.2):
    /// `np.random.seed(seed)`; A = randn(n, d) filled row by row; A ← (A − min A)/(max A
    /// − min A); x₀ = 3·randn(d); b = A x₀ + 3·randn(n). With n = 2000, d = 200, seed 1
    /// this is the paper's matrix, λ_1 = 319.831317.
    ///
    /// # Errors
    /// Bad sizes (as [`Problem::synthetic`]); a seed of 2³² or more (field `data_seed`).
    pub fn synthetic_numpy(n: usize, d: usize, seed: u64) -> Result<Problem> {
        check_sizes(n, d)?;
        let mut rng = NumpyLegacy::new(numpy_seed(seed)?);
        let mut a = DMatrix::from_row_slice(n, d, &rng.normals(n * d));
        minmax_in_place(&mut a);
        let x0 = DVector::from_vec(rng.normals(d)) * 3.0;
        let noise = DVector::from_vec(rng.normals(n)) * 3.0;
        let b = &a * x0 + noise;
        Ok(Problem {
            a,
            b,
            name: format!("synthetic {n}×{d}, numpy seed {seed}"),
        })
    }

    /// Synthetic data with a prescribed spectrum: A = U diag(λ) Vᵀ, U (n×r) and V (d×r)
    /// Haar-random with orthonormal columns (QR of Gaussian matrices), r = min(n, d), and
    ///
    /// - [`SpectrumShape::PowerLaw`]: λ_i = λ_1 · i^(−decay) (`decay_or_condition` = decay ≥ 0);
    /// - [`SpectrumShape::Condition`]: λ_i = λ_1 · κ^(−(i−1)/(r−1)), geometric from λ_1 down
    ///   to λ_1/κ (`decay_or_condition` = κ ≥ 1).
    ///
    /// Scale: λ_1 = ½√(nd). Min-max normalised data such as 𝒳 have entries of mean ≈ ½,
    /// so their top singular value is the mean spike ≈ ½√(nd) (𝒳 at 2000×200: λ_1 = 319.8
    /// against ½√(nd) = 316.2); with this λ_1 the learning rates that are interesting for
    /// 𝒳 (γ·h_1 = γλ_1²/n = γd/4 of order one) are interesting here too. The response is
    /// planted as for 𝒳: b = A x₀ + 3ξ, x₀ ~ 3·N(0, I_d), ξ ~ N(0, I_n).
    ///
    /// # Errors
    /// Bad sizes (as [`Problem::synthetic`]); a decay that is negative or not finite
    /// (field `decay`); a condition number below 1 or not finite (field `condition`).
    pub fn with_spectrum(
        n: usize,
        d: usize,
        seed: u64,
        shape: SpectrumShape,
        decay_or_condition: f64,
    ) -> Result<Problem> {
        check_sizes(n, d)?;
        let r = n.min(d);
        let top = 0.5 * ((n * d) as f64).sqrt();
        let singular_values: Vec<f64> = match shape {
            SpectrumShape::PowerLaw => {
                let decay = decay_or_condition;
                if !(decay.is_finite() && decay >= 0.0) {
                    return Err(Error::new(
                        "decay",
                        "the power-law decay must be a finite number ≥ 0",
                    ));
                }
                (1..=r).map(|i| top * libm::pow(i as f64, -decay)).collect()
            }
            SpectrumShape::Condition => {
                let condition = decay_or_condition;
                if !(condition.is_finite() && condition >= 1.0) {
                    return Err(Error::new(
                        "condition",
                        "the condition number must be a finite number ≥ 1",
                    ));
                }
                (0..r)
                    .map(|i| {
                        let fraction = if r > 1 {
                            i as f64 / (r - 1) as f64
                        } else {
                            0.0
                        };
                        top * libm::pow(condition, -fraction)
                    })
                    .collect()
            }
        };
        let mut stream = rng::stream(seed, 0);
        let u = random_orthonormal(n, r, &mut stream);
        let v = random_orthonormal(d, r, &mut stream);
        let mut scaled_u = u;
        for (j, s) in singular_values.iter().enumerate() {
            scaled_u.column_mut(j).scale_mut(*s);
        }
        let a = scaled_u * v.transpose();
        let b = planted_response(&a, &mut stream);
        let name = match shape {
            SpectrumShape::PowerLaw => {
                format!("spectrum {n}×{d}, power law i^−{decay_or_condition}, seed {seed}")
            }
            SpectrumShape::Condition => {
                format!("spectrum {n}×{d}, condition {decay_or_condition}, seed {seed}")
            }
        };
        Ok(Problem { a, b, name })
    }

    /// The digits data 𝒴 (MATH.md §5.2): the scikit-learn digits (1797 rows; an error
    /// about `data` when they are neither bundled nor loaded, [`digits_available`]),
    /// the 64 pixel columns min-max normalised over the whole matrix (pixels 0..16, so
    /// A = X/16), and b = 0.1·label. Reference values (MATH.md §0): λ_1 = 137.0700,
    /// Σλ_i² = 26980.52, rank 61.
    pub fn digits() -> Result<Problem> {
        let (a, b) = digits_table()?;
        Ok(Problem {
            a,
            b,
            name: "digits (1797×64, global min-max, b = 0.1·label)".into(),
        })
    }

    /// The random-features data 𝒵 (MATH.md §5.2): Z = σ(𝒴W/√64) with W ~ N(0,1)^{64×features}
    /// drawn from [`rng::stream`]`(seed, 0)` (row by row), σ the shifted ReLU
    /// σ(z) = (max(z,0) − 1/(2π))/(½ − 1/(2π)), then — as in the authors' code [C] — Z is
    /// min-max normalised over the whole matrix; b = 0.1·label.
    ///
    /// The authors apply W to the raw pixels (0..16) rather than to 𝒴 = pixels/16; since σ
    /// is positively homogeneous up to an affine map and the final min-max removes affine
    /// maps, both give the same matrix. MATH.md §5.3's λ_1 = 93.49 comes from numpy's W
    /// (seed 1): [`Problem::digits_random_features_numpy`] draws that one.
    ///
    /// # Errors
    /// `features` outside 1..=2000 (field `features`).
    pub fn digits_random_features(features: usize, seed: u64) -> Result<Problem> {
        check_features(features)?;
        let mut stream = rng::stream(seed, 0);
        let mut w = vec![0.0; 64 * features];
        rng::fill_standard_normal(&mut stream, &mut w);
        random_features(
            &w,
            features,
            format!("digits random features (1797×{features}, seed {seed})"),
        )
    }

    /// The random-features data 𝒵 with W drawn as the authors' code draws it (MATH.md
    /// §5.2): `np.random.seed(seed)`; W = randn(64, features) filled row by row; then as
    /// [`Problem::digits_random_features`]. With 200 features and seed 1 this is the
    /// paper's matrix, λ_1 = 93.485640.
    ///
    /// # Errors
    /// `features` outside 1..=2000 (field `features`); a seed of 2³² or more (field
    /// `data_seed`).
    pub fn digits_random_features_numpy(features: usize, seed: u64) -> Result<Problem> {
        check_features(features)?;
        let w = NumpyLegacy::new(numpy_seed(seed)?).normals(64 * features);
        random_features(
            &w,
            features,
            format!("digits random features (1797×{features}, numpy seed {seed})"),
        )
    }

    /// A problem from the text of a CSV file.
    ///
    /// - Separator `,`; surrounding spaces are ignored; blank lines are skipped.
    /// - Header: the first row is a header when at least one of its fields is not a number
    ///   (so a header may name columns by numbers as long as one name is not a number).
    /// - `response`: the 0-based column of b; `None` is the last column. All other columns
    ///   form A.
    /// - `preprocess` acts on A only: [`Preprocess::Minmax`] is global over A (as the
    ///   paper's); [`Preprocess::Standardize`] subtracts each column's mean and divides by
    ///   its population standard deviation (divisor n). A constant column cannot be
    ///   standardised and is an error naming it (rather than silently becoming a zero
    ///   column, which would change the user's problem without telling).
    ///
    /// # Errors
    /// Field `csv`, with the row (the line in the file, 1-based) and the column (1-based)
    /// where possible: unreadable CSV, ragged rows, empty or non-numeric or non-finite
    /// fields, fewer than 2 data rows or 2 columns, more than [`MAX_MATRIX_ENTRIES`]
    /// entries, a constant column under standardisation, an all-zero design matrix.
    /// Field `response`: the response column does not exist.
    pub fn from_csv(
        text: &str,
        response: Option<usize>,
        preprocess: Preprocess,
    ) -> Result<Problem> {
        let table = read_table(text)?;
        let columns = table.columns;
        if columns < 2 {
            return Err(Error::new(
                "csv",
                "the CSV needs at least 2 columns (one feature and the response)",
            ));
        }
        if table.rows.len() < 2 {
            return Err(Error::new(
                "csv",
                format!(
                    "the CSV needs at least 2 data rows, but has {}",
                    table.rows.len()
                ),
            ));
        }
        let response = response.unwrap_or(columns - 1);
        if response >= columns {
            return Err(Error::new(
                "response",
                format!(
                    "the response column index {response} is out of range: the CSV has {columns} columns, so it must be between 0 and {} (0-based)",
                    columns - 1
                ),
            ));
        }
        let n = table.rows.len();
        let d = columns - 1;
        if n.saturating_mul(d) > MAX_MATRIX_ENTRIES {
            return Err(Error::new(
                "csv",
                format!(
                    "the CSV has {n} rows and {d} feature columns: n·d = {} exceeds the memory budget of {MAX_MATRIX_ENTRIES} matrix entries",
                    n * d
                ),
            ));
        }
        if d > MAX_FEATURES {
            return Err(too_many_features("csv", d));
        }
        let feature_columns: Vec<usize> = (0..columns).filter(|&j| j != response).collect();
        let mut a = DMatrix::from_fn(n, d, |i, k| table.rows[i][feature_columns[k]]);
        let b = DVector::from_fn(n, |i, _| table.rows[i][response]);
        let describe = |k: usize| -> String {
            let j = feature_columns[k];
            match &table.header {
                Some(h) => format!("column {} ('{}')", j + 1, h[j]),
                None => format!("column {}", j + 1),
            }
        };
        match preprocess {
            Preprocess::None => {}
            Preprocess::Minmax => minmax_in_place(&mut a),
            Preprocess::Standardize => {
                for k in 0..d {
                    let mut column = a.column_mut(k);
                    let mean = column.sum() / n as f64;
                    let variance =
                        column.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
                    let sd = variance.sqrt();
                    let size = column.amax();
                    if sd <= 1e-12 * size {
                        return Err(Error::new(
                            "csv",
                            format!(
                                "{} is constant, so it cannot be standardised; remove it or choose another preprocessing",
                                describe(k)
                            ),
                        ));
                    }
                    column.apply(|x| *x = (*x - mean) / sd);
                }
            }
        }
        if a.iter().all(|&x| x == 0.0) {
            return Err(Error::new(
                "csv",
                "the design matrix (all columns except the response) is all zeros after preprocessing",
            ));
        }
        let header_note = if table.header.is_some() {
            ", with header"
        } else {
            ""
        };
        Ok(Problem {
            a,
            b,
            name: format!(
                "CSV {n}×{d}{header_note}, response column {}, preprocessing {preprocess:?}",
                response + 1
            ),
        })
    }
}

/// Rows of numbers read from a CSV, with the header if there was one.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// The first line's fields, when any of them is not a number.
    pub header: Option<Vec<String>>,
    /// The data rows, each `columns` finite numbers.
    pub rows: Vec<Vec<f64>>,
    /// Fields per row.
    pub columns: usize,
}

impl Table {
    /// Column `j` as a vector.
    pub fn column(&self, j: usize) -> Vec<f64> {
        self.rows.iter().map(|row| row[j]).collect()
    }

    /// The name of column `j`: its header, or its 0-based index.
    pub fn column_name(&self, j: usize) -> String {
        match &self.header {
            Some(h) => h[j].clone(),
            None => j.to_string(),
        }
    }
}

/// Reads a CSV of numbers (the one reader of the page and the CLI):
/// an optional header line (any field not a number), `#` comment lines, blank lines
/// skipped, fields trimmed.
///
/// # Errors
/// Field `csv`, naming the row (the line in the file, 1-based) and the column (1-based):
/// unreadable CSV, ragged rows, empty, non-numeric or non-finite fields, no data rows.
pub fn parse_csv(text: &str) -> Result<Table> {
    let table = read_table(text)?;
    if table.rows.is_empty() {
        return Err(Error::new("csv", "the CSV holds no rows of numbers"));
    }
    Ok(table)
}

fn read_table(text: &str) -> Result<Table> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut header = None;
    let mut rows: Vec<Vec<f64>> = Vec::new();
    let mut columns = 0;
    let mut first_line = 0;
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            Error::new("csv", format!("row {line}: the CSV cannot be read ({e})"))
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        // A line holding only separators or spaces counts as blank.
        if record.iter().all(|f| f.is_empty()) {
            continue;
        }
        let is_first = header.is_none() && rows.is_empty();
        if is_first {
            columns = record.len();
            first_line = line;
            if record.iter().any(|f| f.parse::<f64>().is_err()) {
                header = Some(record.iter().map(str::to_string).collect());
                continue;
            }
        }
        if record.len() != columns {
            return Err(Error::new(
                "csv",
                format!(
                    "row {line} has {} fields, but row {first_line} has {columns}; every row needs the same number of fields",
                    record.len()
                ),
            ));
        }
        let mut row = Vec::with_capacity(columns);
        for (j, field) in record.iter().enumerate() {
            let column = j + 1;
            if field.is_empty() {
                return Err(Error::new(
                    "csv",
                    format!("row {line}, column {column}: the field is empty"),
                ));
            }
            let value: f64 = field.parse().map_err(|_| {
                Error::new(
                    "csv",
                    format!("row {line}, column {column}: '{field}' is not a number"),
                )
            })?;
            if !value.is_finite() {
                return Err(Error::new(
                    "csv",
                    format!("row {line}, column {column}: '{field}' is not a finite number"),
                ));
            }
            row.push(value);
        }
        rows.push(row);
    }
    Ok(Table {
        header,
        rows,
        columns,
    })
}

/// The digits pixels (1797 × 64, global min-max) and b = 0.1·label.
fn digits_table() -> Result<(DMatrix<f64>, DVector<f64>)> {
    let digits = BUNDLED_DIGITS
        .or(LOADED_DIGITS.get().map(Vec::as_slice))
        .ok_or_else(|| Error::new("data", "the digits data are not loaded"))?;
    if digits.is_empty() || !digits.len().is_multiple_of(DIGITS_COLUMNS) {
        return Err(Error::new(
            "data",
            "the digits data do not have 64 pixel columns and a label",
        ));
    }
    let n = digits.len() / DIGITS_COLUMNS;
    let value = |i: usize, j: usize| f64::from(digits[i * DIGITS_COLUMNS + j]);
    let mut a = DMatrix::from_fn(n, 64, value);
    let b = DVector::from_fn(n, |i, _| 0.1 * value(i, 64));
    minmax_in_place(&mut a);
    Ok((a, b))
}

/// Global min-max normalisation A ← (A − min A)/(max A − min A) (MATH.md §5.1). A constant
/// matrix is left at zero rather than divided by zero.
pub fn minmax_in_place(a: &mut DMatrix<f64>) {
    let (lo, hi) = a
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        });
    let range = hi - lo;
    if range > 0.0 {
        a.apply(|x| *x = (*x - lo) / range);
    } else {
        a.fill(0.0);
    }
}

#[cfg(test)]
mod tests;
