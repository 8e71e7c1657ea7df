//! Reading the user's files: a file's text, and a CSV's numeric columns by the page's own
//! parser; every error names the flag whose file it was.

use std::path::PathBuf;

use hsgd::model::problem;
use hsgd::Error;

/// The text of the file at `path`; a file that cannot be read is an error about `field`.
pub fn read_text(path: &PathBuf, field: &str) -> Result<String, Error> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::new(field, format!("cannot read {}: {e}", path.display())))
}

/// The columns of a CSV of numbers with their names (header, else 0-based index), read by
/// the same parser as the page's CSV data; errors name the row and column.
pub fn read_columns(path: &PathBuf) -> Result<(Vec<String>, Vec<Vec<f64>>), Error> {
    let text = read_text(path, "input")?;
    let table = problem::parse_csv(&text)
        .map_err(|e| Error::new("input", format!("{}: {}", path.display(), e.message)))?;
    let names = (0..table.columns).map(|j| table.column_name(j)).collect();
    let columns = (0..table.columns).map(|j| table.column(j)).collect();
    Ok((names, columns))
}
