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

/// The core's result type.
pub type Result<T> = std::result::Result<T, Error>;
