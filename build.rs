//! Decodes the bundled digits data (`www/data/digits.csv.gz`, MATH.md §5.2) once, at build
//! time, into `$OUT_DIR/digits.bin`: 1797 rows of 65 bytes (the 64 pixel counts 0..16,
//! then the label 0..9). The library reads those bytes directly
//! (`model::problem::Problem::digits`), so neither a gzip decoder nor a CSV parse is in
//! the page's wasm or on a fresh page's way to its first plots.

use std::io::Read;

const SOURCE: &str = "www/data/digits.csv.gz";
const COLUMNS: usize = 65;

fn main() {
    println!("cargo::rerun-if-changed={SOURCE}");
    let file = std::fs::File::open(SOURCE).unwrap_or_else(|e| panic!("{SOURCE}: {e}"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("{SOURCE}: {e}"));
    let mut bytes = Vec::new();
    for (line, row) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let fields: Vec<&str> = row.split(',').collect();
        assert_eq!(fields.len(), COLUMNS, "{SOURCE} line {}", line + 1);
        for field in fields {
            let value: u8 = field
                .trim()
                .parse()
                .unwrap_or_else(|e| panic!("{SOURCE} line {}: {field:?}: {e}", line + 1));
            bytes.push(value);
        }
    }
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("digits.bin");
    std::fs::write(&out, bytes).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}
