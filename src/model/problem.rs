//! Ridge-regularised least-squares problems (MATH.md §0, §1.1, §5.2).
//!
//! A problem is a design matrix A ∈ ℝ^{n×d} with rows a_i and a response b ∈ ℝ^n; the
//! objective is f(x) = (1/2n)|Ax − b|² + (δ/2)|x|², δ in project units (MATH.md §0).
//!
//! Data sets:
//! - [`Problem::synthetic`], 𝒳 (MATH.md §5.2), as in the authors' code: entries of A
//!   i.i.d. N(0, 1), x₀ ~ 3·N(0, I_d), b = A x₀ + 3·N(0, I_n), then A is min-max
//!   normalised over the whole matrix (after b is drawn).
//! - [`Problem::with_spectrum`]: A = U diag(λ) Vᵀ with Haar-random orthonormal U (n×r),
//!   V (d×r), r = min(n, d), and a prescribed spectrum (power law or geometric).
//! - [`Problem::digits`], 𝒴: the bundled scikit-learn digits, global min-max of the 64
//!   pixel columns, b = 0.1·label.
//! - [`Problem::digits_random_features`], 𝒵: min-max(σ(𝒴W/√64)) with a shifted ReLU σ.
//! - [`Problem::from_csv`]: a user's table, with optional preprocessing.

use std::io::Read;

use nalgebra::{DMatrix, DVector};

use crate::error::{Error, Result};
use crate::report::config::{Preprocess, SpectrumShape, MAX_MATRIX_ENTRIES};
use crate::rng;

/// The bundled digits data (MATH.md §5.2; `www/data/README.md`): 1797 rows, 64 pixel
/// counts 0..16, then the label 0..9; no header.
const DIGITS_CSV_GZ: &[u8] = include_bytes!("../../www/data/digits.csv.gz");

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

    /// The digits data 𝒴 (MATH.md §5.2): the bundled scikit-learn digits (1797 rows),
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
    /// (seed 1), which this crate does not reproduce.
    ///
    /// # Errors
    /// `features` outside 1..=2000 (field `features`).
    pub fn digits_random_features(features: usize, seed: u64) -> Result<Problem> {
        if !(1..=2000).contains(&features) {
            return Err(Error::new(
                "features",
                "the number of random features must be between 1 and 2000",
            ));
        }
        let (pixels, b) = digits_table()?;
        let mut stream = rng::stream(seed, 0);
        let mut w = vec![0.0; 64 * features];
        rng::fill_standard_normal(&mut stream, &mut w);
        let w = DMatrix::from_row_slice(64, features, &w) / 8.0;
        let mut a = pixels * w;
        a.apply(|z| *z = shifted_relu(*z));
        minmax_in_place(&mut a);
        Ok(Problem {
            a,
            b,
            name: format!("digits random features (1797×{features}, seed {seed})"),
        })
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

/// Reads a CSV of numbers (the one reader of the page, the CLI and the bundled digits):
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
    let mut text = String::new();
    flate2::read::GzDecoder::new(DIGITS_CSV_GZ)
        .read_to_string(&mut text)
        .map_err(|e| {
            Error::new(
                "data",
                format!("the bundled digits data cannot be read: {e}"),
            )
        })?;
    let table = parse_csv(&text)?;
    if table.columns != 65 || table.header.is_some() {
        return Err(Error::new(
            "data",
            "the bundled digits data do not have 64 pixel columns and a label",
        ));
    }
    let n = table.rows.len();
    let mut a = DMatrix::from_fn(n, 64, |i, j| table.rows[i][j]);
    let b = DVector::from_fn(n, |i, _| 0.1 * table.rows[i][64]);
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
mod tests {
    use super::*;

    fn csv_error(text: &str) -> Error {
        Problem::from_csv(text, None, Preprocess::None).unwrap_err()
    }

    #[test]
    fn synthetic_is_reproducible_and_normalised() {
        let p = Problem::synthetic(40, 5, 3).unwrap();
        let q = Problem::synthetic(40, 5, 3).unwrap();
        assert_eq!(p, q);
        assert_ne!(p, Problem::synthetic(40, 5, 4).unwrap());
        let min = p.a.min();
        let max = p.a.max();
        assert_eq!((min, max), (0.0, 1.0));
        // b = A x0 + 3 N(0,1) with raw A ~ N(0,1), x0 ~ 3 N(0, I_5): Var b_i = 9·|x0|²/… > 9.
        let var_b = p.b.iter().map(|x| x * x).sum::<f64>() / 40.0;
        assert!(var_b > 9.0 * 0.3, "{var_b}");
    }

    #[test]
    fn bad_sizes_are_errors() {
        assert_eq!(Problem::synthetic(1, 5, 0).unwrap_err().field, "n");
        assert_eq!(Problem::synthetic(5, 0, 0).unwrap_err().field, "d");
        assert_eq!(Problem::synthetic(100_000, 100, 0).unwrap_err().field, "n");
    }

    fn sorted_singular_values(a: &DMatrix<f64>) -> Vec<f64> {
        let mut s: Vec<f64> = a.singular_values().iter().copied().collect();
        s.sort_by(|x, y| y.total_cmp(x));
        s
    }

    #[test]
    fn prescribed_power_law_spectrum_is_realised() {
        // n = 60, d = 12: λ_1 = ½√720, λ_i = λ_1 i^(−1.5); the SVD must return exactly these.
        let p = Problem::with_spectrum(60, 12, 7, SpectrumShape::PowerLaw, 1.5).unwrap();
        let s = sorted_singular_values(&p.a);
        let top = 0.5 * 720f64.sqrt();
        for (i, v) in s.iter().enumerate() {
            let expected = top * libm::pow((i + 1) as f64, -1.5);
            assert!(
                (v - expected).abs() < 1e-11 * top,
                "λ_{} = {v}, expected {expected}",
                i + 1
            );
        }
        assert_eq!(
            p,
            Problem::with_spectrum(60, 12, 7, SpectrumShape::PowerLaw, 1.5).unwrap()
        );
        assert_eq!(p.b.len(), 60);
    }

    #[test]
    fn prescribed_condition_number_is_realised_for_wide_matrices() {
        // n = 8 < d = 20: r = 8, λ from ½√160 down to ½√160/50, geometric.
        let p = Problem::with_spectrum(8, 20, 1, SpectrumShape::Condition, 50.0).unwrap();
        let s = sorted_singular_values(&p.a);
        let top = 0.5 * 160f64.sqrt();
        assert!((s[0] - top).abs() < 1e-11 * top);
        assert!((s[7] - top / 50.0).abs() < 1e-11 * top, "{}", s[7]);
        // Geometric: equal ratios λ_i/λ_{i+1} = 50^(1/7).
        let ratio = libm::pow(50.0, 1.0 / 7.0);
        for i in 0..7 {
            assert!((s[i] / s[i + 1] - ratio).abs() < 1e-9);
        }
        // Orthonormal factors: the rows of A span an 8-dimensional space; AAᵀ is
        // U diag(λ²) Uᵀ, so its trace is Σλ².
        let trace: f64 = (&p.a * p.a.transpose()).trace();
        let sum_sq: f64 = s.iter().map(|x| x * x).sum();
        assert!((trace - sum_sq).abs() < 1e-9 * sum_sq);
    }

    #[test]
    fn prescribed_spectrum_rejects_bad_shape_parameters() {
        let err = Problem::with_spectrum(10, 3, 1, SpectrumShape::PowerLaw, -1.0).unwrap_err();
        assert_eq!(err.field, "decay");
        let err = Problem::with_spectrum(10, 3, 1, SpectrumShape::PowerLaw, f64::NAN).unwrap_err();
        assert_eq!(err.field, "decay");
        let err = Problem::with_spectrum(10, 3, 1, SpectrumShape::Condition, 0.5).unwrap_err();
        assert_eq!(err.field, "condition");
        let err =
            Problem::with_spectrum(10, 3, 1, SpectrumShape::Condition, f64::INFINITY).unwrap_err();
        assert_eq!(err.field, "condition");
        assert_eq!(
            Problem::with_spectrum(1, 3, 1, SpectrumShape::PowerLaw, 1.0)
                .unwrap_err()
                .field,
            "n"
        );
    }

    #[test]
    fn digits_are_the_bundled_table() {
        let p = Problem::digits().unwrap();
        assert_eq!((p.n(), p.d()), (1797, 64));
        assert_eq!((p.a.min(), p.a.max()), (0.0, 1.0));
        // First line of digits.csv.gz: 0,0,5,13,9,1,0,0,…, label 0; min 0 and max 16 over
        // the table, so A = pixels/16.
        assert_eq!(p.a[(0, 2)], 5.0 / 16.0);
        assert_eq!(p.a[(0, 3)], 13.0 / 16.0);
        assert_eq!(p.b[0], 0.0);
        // Second line ends in label 1, third in 2.
        assert!((p.b[1] - 0.1).abs() < 1e-15 && (p.b[2] - 0.2).abs() < 1e-15);
        // Labels 0..9 each occur about 180 times (sklearn: 178, 182, 177, 183, 181, 182,
        // 181, 179, 174, 180).
        let zeros = p.b.iter().filter(|&&x| x == 0.0).count();
        assert_eq!(zeros, 178);
        assert!(p.b.iter().all(|&x| (0.0..=0.9 + 1e-12).contains(&x)));
    }

    #[test]
    fn random_features_have_the_structure_of_the_paper() {
        let p = Problem::digits_random_features(50, 1).unwrap();
        assert_eq!((p.n(), p.d()), (1797, 50));
        assert_eq!((p.a.min(), p.a.max()), (0.0, 1.0));
        assert_eq!(p.b, Problem::digits().unwrap().b);
        assert_eq!(p, Problem::digits_random_features(50, 1).unwrap());
        assert_ne!(p.a, Problem::digits_random_features(50, 2).unwrap().a);
        // σ(z) = −1/(π − 1) for every z ≤ 0 is the matrix minimum, so min-max maps those
        // entries to exactly 0; about half the pre-activations are negative.
        let zeros = p.a.iter().filter(|&&x| x == 0.0).count() as f64 / p.a.len() as f64;
        assert!(zeros > 0.2 && zeros < 0.8, "{zeros}");
        assert!(Problem::digits_random_features(0, 1).is_err());
        assert_eq!(
            Problem::digits_random_features(2001, 1).unwrap_err().field,
            "features"
        );
    }

    #[test]
    fn random_features_scale_resembles_the_papers() {
        // The paper's numpy W (seed 1, 200 features) gives λ_1 = 93.49 (MATH.md §5.3);
        // over numpy seeds 0..39 λ_1 ranged 57.4..100.9 (tests/fixtures/theory/
        // reference.py prints it), because the min-max scale depends on the extremes.
        let p = Problem::digits_random_features(200, 1).unwrap();
        let top = sorted_singular_values(&p.a)[0];
        assert!((45.0..130.0).contains(&top), "λ_1 = {top}");
    }

    #[test]
    fn csv_without_header_uses_the_last_column_as_response() {
        let p = Problem::from_csv("1,2,3\n4,5,6\n7,8.5,-9\n", None, Preprocess::None).unwrap();
        assert_eq!((p.n(), p.d()), (3, 2));
        assert_eq!(
            p.a,
            DMatrix::from_row_slice(3, 2, &[1.0, 2.0, 4.0, 5.0, 7.0, 8.5])
        );
        assert_eq!(p.b.as_slice(), &[3.0, 6.0, -9.0]);
    }

    #[test]
    fn csv_header_is_detected_and_response_can_be_chosen() {
        let text = "y, x1 ,x2\n1,2,3\n4,5,6\n";
        let p = Problem::from_csv(text, Some(0), Preprocess::None).unwrap();
        assert_eq!((p.n(), p.d()), (2, 2));
        assert_eq!(p.b.as_slice(), &[1.0, 4.0]);
        assert_eq!(p.a, DMatrix::from_row_slice(2, 2, &[2.0, 3.0, 5.0, 6.0]));
        // Middle column as response; spaces, scientific notation and blank lines are fine.
        let p = Problem::from_csv(" 1 , 2e1 ,3\n\n4,5,  6 \n", Some(1), Preprocess::None).unwrap();
        assert_eq!(p.b.as_slice(), &[20.0, 5.0]);
        assert_eq!(p.a, DMatrix::from_row_slice(2, 2, &[1.0, 3.0, 4.0, 6.0]));
    }

    #[test]
    fn csv_response_out_of_range_is_an_error() {
        let err = Problem::from_csv("1,2\n3,4\n", Some(2), Preprocess::None).unwrap_err();
        assert_eq!(err.field, "response");
        assert!(err.message.contains("between 0 and 1"), "{}", err.message);
    }

    #[test]
    fn csv_non_number_names_row_and_column() {
        let err = csv_error("a,b,c\n1,2,3\n4,abc,6\n");
        assert_eq!(err.field, "csv");
        assert_eq!(err.message, "row 3, column 2: 'abc' is not a number");
        // Without a header the first row is row 1.
        let err = csv_error("1,2,3\n1,2,x\n");
        assert_eq!(err.message, "row 2, column 3: 'x' is not a number");
    }

    #[test]
    fn csv_non_finite_and_empty_fields_are_errors() {
        let err = csv_error("1,2\n3,NaN\n");
        assert_eq!(err.message, "row 2, column 2: 'NaN' is not a finite number");
        let err = csv_error("1,2\ninf,3\n");
        assert_eq!(err.message, "row 2, column 1: 'inf' is not a finite number");
        let err = csv_error("1,2,3\n4,,6\n");
        assert_eq!(err.message, "row 2, column 2: the field is empty");
        let err = csv_error("1,2\n1e400,3\n");
        assert!(
            err.message.starts_with("row 2, column 1:"),
            "{}",
            err.message
        );
    }

    #[test]
    fn csv_ragged_rows_are_errors() {
        let err = csv_error("x,y,z\n1,2,3\n4,5\n");
        assert_eq!(err.field, "csv");
        assert!(
            err.message
                .starts_with("row 3 has 2 fields, but row 1 has 3"),
            "{}",
            err.message
        );
        let err = csv_error("1,2\n3,4,5\n");
        assert!(
            err.message.starts_with("row 2 has 3 fields"),
            "{}",
            err.message
        );
    }

    #[test]
    fn csv_too_small_tables_are_errors() {
        assert!(csv_error("1,2\n").message.contains("at least 2 data rows"));
        assert!(csv_error("x,y\n1,2\n")
            .message
            .contains("at least 2 data rows"));
        assert!(csv_error("").message.contains("at least 2 columns"));
        assert!(csv_error("1\n2\n3\n")
            .message
            .contains("at least 2 columns"));
    }

    #[test]
    fn parse_csv_reads_one_column_samples_with_comments_and_names() {
        let table = parse_csv("# a sample\nq1\n1.5\n\n-2\n").unwrap();
        assert_eq!(table.columns, 1);
        assert_eq!(table.column(0), vec![1.5, -2.0]);
        assert_eq!(table.column_name(0), "q1");
        let bare = parse_csv("1,2\n3,4\n").unwrap();
        assert_eq!(bare.column_name(1), "1");
        assert_eq!(bare.column(1), vec![2.0, 4.0]);
        assert!(parse_csv("# nothing\n")
            .unwrap_err()
            .message
            .contains("no rows"));
        let err = parse_csv("1\nx\n").unwrap_err();
        assert!(err.message.contains("row 2, column 1"), "{}", err.message);
    }

    #[test]
    fn csv_zero_design_matrix_is_an_error() {
        let err = csv_error("0,1\n0,2\n0,3\n");
        assert!(err.message.contains("all zeros"), "{}", err.message);
        // A constant design matrix becomes zero under global min-max.
        let err = Problem::from_csv("5,1\n5,2\n", None, Preprocess::Minmax).unwrap_err();
        assert!(err.message.contains("all zeros"), "{}", err.message);
    }

    #[test]
    fn csv_minmax_is_global_over_the_design_matrix() {
        // Features (2, 4) and (6, 10): min 2, max 10 over A ⇒ (0, 0.25), (0.5, 1); b untouched.
        let p = Problem::from_csv("2,4,100\n6,10,-100\n", None, Preprocess::Minmax).unwrap();
        assert_eq!(p.a, DMatrix::from_row_slice(2, 2, &[0.0, 0.25, 0.5, 1.0]));
        assert_eq!(p.b.as_slice(), &[100.0, -100.0]);
    }

    #[test]
    fn csv_standardize_is_per_column() {
        // Column 1: 1, 2, 3 → mean 2, population sd √(2/3); column 2: 10, 10, 40 → mean 20,
        // sd √200.
        let p =
            Problem::from_csv("1,10,0\n2,10,0\n3,40,1\n", None, Preprocess::Standardize).unwrap();
        let s1 = (2.0f64 / 3.0).sqrt();
        let s2 = 200f64.sqrt();
        let expected = [-1.0 / s1, 0.0, 1.0 / s1, -10.0 / s2, -10.0 / s2, 20.0 / s2];
        for (x, e) in p.a.iter().zip(expected) {
            assert!((x - e).abs() < 1e-14, "{x} vs {e}");
        }
    }

    #[test]
    fn csv_standardize_rejects_a_constant_column_by_name() {
        let err =
            Problem::from_csv("a,b,y\n1,7,0\n2,7,1\n", None, Preprocess::Standardize).unwrap_err();
        assert_eq!(err.field, "csv");
        assert!(
            err.message.starts_with("column 2 ('b') is constant"),
            "{}",
            err.message
        );
        // Without a header the column is named by number; the response column is skipped
        // when counting, so column 3 here is A's second column.
        let err =
            Problem::from_csv("1,0,7\n2,1,7\n", Some(1), Preprocess::Standardize).unwrap_err();
        assert!(
            err.message.starts_with("column 3 is constant"),
            "{}",
            err.message
        );
    }

    #[test]
    fn csv_quoted_fields_are_read() {
        let p =
            Problem::from_csv("\"x, first\",y\n\"1\",2\n3,4\n", None, Preprocess::None).unwrap();
        assert_eq!(p.b.as_slice(), &[2.0, 4.0]);
    }
}
