//! TODO: module sgd (see MATH.md).
