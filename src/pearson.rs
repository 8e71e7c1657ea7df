//! TODO: module pearson (see MATH.md).
