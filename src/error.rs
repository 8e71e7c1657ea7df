//! One error type for the core, with messages a user can act on.
//!
//! Every error names the parameter (or input field) it concerns, so the CLI can print it on
//! one line and the page can show it next to the control it belongs to (DESIGN.md, Errors).

use std::fmt;

/// An error of the core: which field is wrong and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The parameter or input this error concerns (`"gamma"`, `"batch"`, `"csv"`, …), as
    /// named in [`crate::report::config::Config`].
    pub field: String,
    /// A sentence for the user: what is wrong and, where possible, the valid range.
    pub message: String,
}

impl Error {
    /// An error about `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for Error {}

/// A number as a message shows it: as typed when that is short, else with five
/// significant digits in scientific form (1e308 would otherwise print 309 digits).
pub fn short(x: f64) -> String {
    let plain = format!("{x}");
    if plain.len() <= 12 {
        return plain;
    }
    let scientific = format!("{x:.4e}");
    match scientific.split_once('e') {
        Some((mantissa, exponent)) if mantissa.contains('.') => {
            let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
            format!("{mantissa}e{exponent}")
        }
        _ => scientific,
    }
}

/// As [`short`], but four decimals when the number is of everyday size (a threshold such
/// as γ₂ = 0.1332).
pub fn short_fixed(x: f64) -> String {
    if x.is_finite() && x != 0.0 && (1e-3..1e6).contains(&x.abs()) {
        format!("{x:.4}")
    } else {
        short(x)
    }
}

/// The core's result type.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    #[test]
    fn short_numbers() {
        assert_eq!(super::short(0.05), "0.05");
        assert_eq!(super::short(1e308), "1e308");
        assert_eq!(super::short(1.0 / 3.0), "3.3333e-1");
        assert_eq!(super::short(6.310571918625677e300), "6.3106e300");
        assert_eq!(super::short(-2e-300), "-2e-300");
        assert_eq!(super::short(f64::INFINITY), "inf");
        assert_eq!(super::short_fixed(0.13321), "0.1332");
        assert_eq!(super::short_fixed(3.3e303), "3.3e303");
    }
}
