//! The alpha-stable law (written by the stable helper).
