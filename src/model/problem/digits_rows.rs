// The digits' CSV as rows of bytes. `build.rs` includes this file too (to bundle the data
// into the library at build time), so it names nothing from the crate.

/// Bytes per row of the digits data: the 64 pixel counts 0..16, then the label 0..9.
pub const DIGITS_COLUMNS: usize = 65;

/// The rows of the digits' CSV text (`www/data/digits.csv.gz`, decompressed), each the 65
/// numbers of one line as bytes, one row after another; blank lines are skipped.
///
/// # Errors
/// A line without 65 fields, or a field that is not a whole number 0..255, as a message
/// naming its line.
pub fn digits_rows(text: &str) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::with_capacity(text.len() / 2);
    for (line, row) in text
        .lines()
        .enumerate()
        .filter(|(_, row)| !row.trim().is_empty())
    {
        let fields = row.split(',');
        let before = bytes.len();
        for field in fields {
            let value: u8 = field
                .trim()
                .parse()
                .map_err(|e| format!("line {}: {field:?}: {e}", line + 1))?;
            bytes.push(value);
        }
        if bytes.len() - before != DIGITS_COLUMNS {
            return Err(format!(
                "line {}: {} fields, not {DIGITS_COLUMNS}",
                line + 1,
                bytes.len() - before
            ));
        }
    }
    Ok(bytes)
}
