//! TODO: module rng (see MATH.md).
