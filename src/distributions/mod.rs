//! TODO: module distributions (see MATH.md).
