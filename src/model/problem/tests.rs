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
fn digits_rows_read_65_small_numbers_a_line_and_name_the_bad_line() {
    let row = |label: u8| {
        let mut fields = vec!["16".to_string(); 64];
        fields.push(label.to_string());
        fields.join(",")
    };
    let text = format!("{}\n\n{}\r\n", row(3), row(7));
    let bytes = digits_rows(&text).unwrap();
    assert_eq!(bytes.len(), 130);
    assert_eq!((bytes[0], bytes[64], bytes[129]), (16, 3, 7));
    let short = format!("{}\n1,2,3\n", row(1));
    assert_eq!(digits_rows(&short).unwrap_err(), "line 2: 3 fields, not 65");
    let bad = format!("{}\n{},x\n", row(1), vec!["0"; 64].join(","));
    assert!(digits_rows(&bad).unwrap_err().starts_with("line 2: \"x\""));
    assert!(digits_rows(&format!("{},256", vec!["0"; 64].join(","))).is_err());
    // The library takes only the whole data set.
    let error = load_digits(&text).unwrap_err();
    assert_eq!(error.field, "data");
    assert!(error.message.contains("2 rows, not 1797"), "{error}");
    assert_eq!(load_digits("1,2\n").unwrap_err().field, "data");
    assert!(digits_available());
}

#[test]
fn the_digits_plain_reader_agrees_with_the_checked_one() {
    use super::digits_rows::{checked_digits_rows, plain_digits_rows};
    // The bundled file's form, written back from the bundled bytes: the one-pass reader
    // takes all of it.
    let table = BUNDLED_DIGITS.expect("native tests bundle the digits");
    let text: String = table
        .chunks(DIGITS_COLUMNS)
        .map(|row| {
            let fields: Vec<String> = row.iter().map(u8::to_string).collect();
            fields.join(",") + "\n"
        })
        .collect();
    assert_eq!(plain_digits_rows(text.as_bytes()).as_deref(), Some(table));
    let row = |last: &str| format!("{},{last}", vec!["7"; 64].join(","));
    let inputs = [
        format!("{}\r\n\n{}", row("3"), row("255")),
        format!("\n{}\n\r\n{}\n\n", row("0"), row("9")),
        format!("{}\n", row("007")),
        String::new(),
        // Not the plain form: the checked reader takes these or names the line.
        format!("{}\n", row(" 3")),
        format!("{}\n", row("+3")),
        format!("{}\n", row("256")),
        format!("{}\n", row("3,")),
        format!("{}\r5\n", row("3")),
        format!("{}\n1,2\n", row("3")),
        format!("{}\n  \n", row("3")),
        format!("{}\n", row("x")),
        ",1\n".to_string(),
    ];
    for text in &inputs {
        let plain = plain_digits_rows(text.as_bytes());
        let checked = checked_digits_rows(text);
        if let Some(bytes) = &plain {
            assert_eq!(Ok(bytes), checked.as_ref(), "{text:?}");
        }
        assert_eq!(digits_rows(text), checked, "{text:?}");
    }
    let plain_ones = inputs
        .iter()
        .filter(|t| plain_digits_rows(t.as_bytes()).is_some())
        .count();
    assert_eq!(plain_ones, 4);
}

#[test]
fn digits_are_the_bundled_table() {
    let p = Problem::digits().unwrap();
    assert_eq!((p.n(), p.d()), (1797, 64));
    assert_eq!((p.n(), p.d()), DIGITS_SHAPE);
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
    let p = Problem::from_csv("1,10,0\n2,10,0\n3,40,1\n", None, Preprocess::Standardize).unwrap();
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
    let err = Problem::from_csv("1,0,7\n2,1,7\n", Some(1), Preprocess::Standardize).unwrap_err();
    assert!(
        err.message.starts_with("column 3 is constant"),
        "{}",
        err.message
    );
}

#[test]
fn csv_quoted_fields_are_read() {
    let p = Problem::from_csv("\"x, first\",y\n\"1\",2\n3,4\n", None, Preprocess::None).unwrap();
    assert_eq!(p.b.as_slice(), &[2.0, 4.0]);
}

#[test]
fn more_features_than_the_basis_budget_are_refused() {
    // n = 2, d = 2,000,000 is within n·d ≤ 4·10⁶, but V (d × d) would need 4·10¹² entries:
    // the worker would run out of memory instead of saying why.
    let err = Problem::synthetic(2, 2_000_000, 1).unwrap_err();
    assert_eq!(err.field, "d");
    assert!(err.message.contains("at most d = 2000"), "{}", err.message);
    assert!(Problem::synthetic(2, MAX_FEATURES, 1).is_ok());
    let row = |v: f64| vec![v.to_string(); MAX_FEATURES + 2].join(",");
    let csv = format!("{}\n{}\n", row(1.0), row(2.0));
    let err = Problem::from_csv(&csv, None, Preprocess::None).unwrap_err();
    assert_eq!(err.field, "csv");
    assert!(err.message.contains("d = 2001"), "{}", err.message);
}

/// One data set of `tests/fixtures/numpy_legacy.json` (numpy drawing the data as the
/// authors' notebooks do; `tests/fixtures/numpy_legacy.py`) against `problem`: the first
/// and last entries of A and b exactly up to rounding, λ_1 and Σλ_i² to 1e-11.
fn assert_matches_numpy(problem: &Problem, expected: &serde_json::Value) {
    let numbers = |key: &str| -> Vec<f64> {
        expected[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect()
    };
    let (n, d) = (problem.n(), problem.d());
    assert_eq!(
        (n as u64, d as u64),
        (
            expected["n"].as_u64().unwrap(),
            expected["d"].as_u64().unwrap()
        )
    );
    let close = |got: f64, want: f64, what: &str| {
        assert!(
            (got - want).abs() <= 1e-12 * want.abs().max(1.0),
            "{}: {what} {got} vs numpy {want}",
            problem.name
        );
    };
    for (j, want) in numbers("a_first_row").into_iter().enumerate() {
        close(problem.a[(0, j)], want, "A[0, j]");
    }
    for (j, want) in numbers("a_last_row").into_iter().enumerate() {
        close(problem.a[(n - 1, d - 5 + j)], want, "A[n−1, j]");
    }
    for (i, want) in numbers("b_first").into_iter().enumerate() {
        close(problem.b[i], want, "b_i");
    }
    for (i, want) in numbers("b_last").into_iter().enumerate() {
        close(problem.b[n - 5 + i], want, "b_{n−5+i}");
    }
    let s = sorted_singular_values(&problem.a);
    let lambda_1 = expected["lambda_1"].as_f64().unwrap();
    let sum_sq = expected["sum_lambda_sq"].as_f64().unwrap();
    assert!(
        (s[0] / lambda_1 - 1.0).abs() < 1e-11,
        "λ_1 {} vs {lambda_1}",
        s[0]
    );
    let got_sum_sq: f64 = s.iter().map(|x| x * x).sum();
    assert!((got_sum_sq / sum_sq - 1.0).abs() < 1e-11);
}

fn numpy_fixture() -> serde_json::Value {
    serde_json::from_str(include_str!("../../../tests/fixtures/numpy_legacy.json")).unwrap()
}

#[test]
fn synthetic_numpy_is_the_authors_matrix() {
    let fixture = numpy_fixture();
    for case in fixture["synthetic"].as_array().unwrap() {
        let (n, d) = (case["n"].as_u64().unwrap(), case["d"].as_u64().unwrap());
        let seed = case["seed"].as_u64().unwrap();
        let p = Problem::synthetic_numpy(n as usize, d as usize, seed).unwrap();
        assert_matches_numpy(&p, case);
    }
    // The paper's 𝒳 (MATH.md §5.2): λ_1 = 319.831317 to the stated digits.
    let p = Problem::synthetic_numpy(2000, 200, 1).unwrap();
    let top = sorted_singular_values(&p.a)[0];
    assert_eq!(format!("{top:.6}"), "319.831317");
}

#[test]
fn random_features_numpy_are_the_authors_matrix() {
    let fixture = numpy_fixture();
    for case in fixture["random_features"].as_array().unwrap() {
        let features = case["d"].as_u64().unwrap() as usize;
        let seed = case["seed"].as_u64().unwrap();
        let p = Problem::digits_random_features_numpy(features, seed).unwrap();
        assert_matches_numpy(&p, case);
        assert_eq!(p.b, Problem::digits().unwrap().b);
    }
    // The paper's 𝒵 (MATH.md §5.2): λ_1 = 93.485640 to the stated digits.
    let p = Problem::digits_random_features_numpy(200, 1).unwrap();
    let top = sorted_singular_values(&p.a)[0];
    assert_eq!(format!("{top:.6}"), "93.485640");
}

#[test]
fn numpy_seeds_beyond_32_bits_name_the_data_seed() {
    let too_big = 1u64 << 32;
    assert_eq!(
        Problem::synthetic_numpy(10, 2, too_big).unwrap_err().field,
        "data_seed"
    );
    assert_eq!(
        Problem::digits_random_features_numpy(10, too_big)
            .unwrap_err()
            .field,
        "data_seed"
    );
    assert!(Problem::synthetic_numpy(10, 2, too_big - 1).is_ok());
    assert_eq!(
        Problem::digits_random_features_numpy(0, 1)
            .unwrap_err()
            .field,
        "features"
    );
}
