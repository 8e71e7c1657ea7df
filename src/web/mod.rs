//! TODO: module web (see MATH.md).
