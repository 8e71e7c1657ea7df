//! Decodes the bundled digits data (`www/data/digits.csv.gz`, MATH.md §5.2) once, at build
//! time, into `$OUT_DIR/digits.bin`: 1797 rows of 65 bytes (the 64 pixel counts 0..16,
//! then the label 0..9). With the `bundled-digits` feature (the default) the library
//! includes those bytes (`model::problem::Problem::digits`), so neither a gzip decoder nor
//! a CSV parse is on the way to the first numbers; the page's wasm is built without it and
//! its workers fetch the file when a run needs it.

use std::io::Read;

include!("src/model/problem/digits_rows.rs");

const SOURCE: &str = "www/data/digits.csv.gz";

fn main() {
    println!("cargo::rerun-if-changed={SOURCE}");
    println!("cargo::rerun-if-changed=src/model/problem/digits_rows.rs");
    let file = std::fs::File::open(SOURCE).unwrap_or_else(|e| panic!("{SOURCE}: {e}"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("{SOURCE}: {e}"));
    let bytes = digits_rows(&text).unwrap_or_else(|e| panic!("{SOURCE} {e}"));
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("digits.bin");
    std::fs::write(&out, bytes).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}
