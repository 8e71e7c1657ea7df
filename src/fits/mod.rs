//! TODO: module fits (see MATH.md).

pub mod stable;
