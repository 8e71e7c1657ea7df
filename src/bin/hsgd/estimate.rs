//! `hsgd estimate`: the tail-index estimators and fitted laws of a sample read from a file
//! (one number per line, or CSV columns), the tails measured from the chosen centre.

use std::path::PathBuf;

use serde_json::{json, Value};

use crate::input::read_columns;
use hsgd::report::analysis;
use hsgd::stats::estimators::Center;
use hsgd::Error;

/// `hsgd estimate`: every estimator and fit of one column (or `all`) of a file.
pub fn estimate(
    input: &PathBuf,
    column: Option<&str>,
    center: Center,
    k: Option<usize>,
    seed: u64,
) -> Result<Value, Error> {
    let (names, columns) = read_columns(input)?;
    let one = |name: &str, sample: &[f64]| -> Result<Value, Error> {
        let mut value = serde_json::to_value(analysis::analyse_sample(sample, center, k, seed)?)
            .expect("estimates serialise");
        if let Value::Object(map) = &mut value {
            map.insert("column".into(), json!(name));
        }
        Ok(value)
    };
    match column {
        Some("all") => {
            let results: Result<Vec<Value>, Error> =
                names.iter().zip(&columns).map(|(n, c)| one(n, c)).collect();
            Ok(json!({ "columns": results? }))
        }
        Some(wanted) => {
            let index = names
                .iter()
                .position(|n| n == wanted)
                .or_else(|| wanted.parse::<usize>().ok().filter(|&i| i < columns.len()))
                .ok_or_else(|| {
                    Error::new(
                        "column",
                        format!(
                            "no column '{wanted}': the file has {} columns ({})",
                            columns.len(),
                            names.join(", ")
                        ),
                    )
                })?;
            one(&names[index], &columns[index])
        }
        None => one(&names[0], &columns[0]),
    }
}
