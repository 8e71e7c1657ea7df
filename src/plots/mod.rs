//! TODO: module plots (see MATH.md).
