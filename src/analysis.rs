//! TODO: module analysis (see MATH.md).
