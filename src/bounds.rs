//! TODO: module bounds (see MATH.md).
