//! TODO: module discrete (see MATH.md).
