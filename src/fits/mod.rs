//! Fits (placeholder while the distributions land).
pub mod stable;
