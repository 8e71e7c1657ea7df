//! The page and its Web Workers: one wasm binary, built by Trunk (see `index.html`).

#[cfg(target_arch = "wasm32")]
fn main() {
    hsgd::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
