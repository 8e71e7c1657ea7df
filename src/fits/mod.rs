//! TODO: module fits (see MATH.md).
