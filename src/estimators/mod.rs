//! TODO: module estimators (see MATH.md).
