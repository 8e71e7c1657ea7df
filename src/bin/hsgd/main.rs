//! `hsgd`: the command-line tool over the same core as the page, so that every number on
//! the page can be reproduced in a terminal. Thin: it parses flags into the core's
//! [`Config`], calls the core and prints JSON. Errors: one line on stderr, exit status 2.

#[cfg(not(target_arch = "wasm32"))]
mod cli;
#[cfg(not(target_arch = "wasm32"))]
mod estimate;
#[cfg(not(target_arch = "wasm32"))]
mod input;
#[cfg(not(target_arch = "wasm32"))]
mod plot;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
