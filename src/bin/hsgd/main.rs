//! `hsgd`: the command-line tool over the same core as the page.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!("hsgd");
}

#[cfg(target_arch = "wasm32")]
fn main() {}
