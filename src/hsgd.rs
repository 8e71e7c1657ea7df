//! TODO: module hsgd (see MATH.md).
