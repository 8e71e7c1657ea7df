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
    plain_digits_rows(text.as_bytes()).map_or_else(|| checked_digits_rows(text), Ok)
}

/// The bundled file's own form, read in one pass over its bytes: lines of 65 fields of
/// ASCII digits (values 0..255) separated by commas, ending in `\n` or `\r\n`, blank lines
/// skipped. `None` for anything else, which [`checked_digits_rows`] then reads, or names
/// the line it cannot. (The general reader's splitting and trimming, run once in a fresh
/// worker, is slow compiled code there: tens of ms before the digits' first run.)
pub(crate) fn plain_digits_rows(text: &[u8]) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(text.len() / 2);
    let (mut value, mut digits, mut fields) = (0u32, 0usize, 0usize);
    let mut k = 0;
    while k < text.len() {
        match text[k] {
            c @ b'0'..=b'9' => {
                value = value * 10 + u32::from(c - b'0');
                digits += 1;
                if value > 255 {
                    return None;
                }
            }
            b',' if digits > 0 => {
                bytes.push(value as u8);
                (value, digits, fields) = (0, 0, fields + 1);
            }
            b'\r' if text.get(k + 1) == Some(&b'\n') => {}
            b'\n' if digits == 0 && fields == 0 => {}
            b'\n' if digits > 0 && fields + 1 == DIGITS_COLUMNS => {
                bytes.push(value as u8);
                (value, digits, fields) = (0, 0, 0);
            }
            _ => return None,
        }
        k += 1;
    }
    match (digits, fields) {
        (0, 0) => Some(bytes),
        (1.., f) if f + 1 == DIGITS_COLUMNS => {
            bytes.push(value as u8);
            Some(bytes)
        }
        _ => None,
    }
}

/// [`digits_rows`] for any text: lines split, fields trimmed and parsed one by one, and
/// the first bad line named.
pub(crate) fn checked_digits_rows(text: &str) -> Result<Vec<u8>, String> {
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
