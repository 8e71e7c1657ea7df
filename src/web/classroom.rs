//! Classroom and embed controls. `hide=` ([`Config::hide`]) hides controls (by key) and
//! panels (by the names of [`PANELS`]) for a class or a course page, as TensorFlow
//! Playground's hide flags do; a hidden control still applies its value from the URL.
//! The experiment's controls are hidden with the others that do not matter
//! ([`super::live::relevant`]); the rest (plots, panels, the sweep's controls, the
//! histogram's log y, the γ slider) here, once, before the page is shown, so nothing moves
//! after the first paint. `panels=` ([`Config::panels`]) is the embedded view's choice of
//! plots ([`super::embed`]).
//!
//! The "copy embed code" button writes the iframe snippet of the current settings
//! ([`super::embed_code`]) to the clipboard; where the browser has no clipboard for the
//! page (an insecure origin, a refused permission) the snippet appears in a selected text
//! field to copy by hand.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, HtmlElement, HtmlInputElement};

use super::dom::set_text;
use super::embed_code::embed_snippet;
use crate::report::config::{Config, PANELS, PLOT_PANELS};

/// Hides what `config.hide` names and, outside the embedded view, adds the "copy embed
/// code" button under Run (hidden too when `hide` names `embed-code`); returns whether it
/// added the button. Call once every control and panel exists and before the page is
/// shown.
pub fn build(document: &Document, config: &Config) -> bool {
    if !config.embed {
        if let Some(actions) = document.query_selector("#controls .actions").ok().flatten() {
            let _ = actions.insert_adjacent_html(
                "afterend",
                r#"<div id="embed-code" class="embed-code"><button type="button" id="copy-embed" title="an iframe of this experiment for a course page or a blog post">Copy embed code</button> <span id="embed-copied" class="embed-copied" role="status"></span><label id="embed-code-fallback" class="embed-fallback" hidden><span>The embed code: select it and copy</span><input id="embed-code-text" type="text" readonly spellcheck="false"></label></div>"#,
            );
        }
    }
    for name in config.hide.names() {
        for element in hidden_by(document, name) {
            element.set_hidden(true);
        }
    }
    !config.embed
}

/// What hiding `name` hides: a panel, or a control with what belongs to it.
fn hidden_by(document: &Document, name: &str) -> Vec<HtmlElement> {
    let by_id = |id: &str| document.get_element_by_id(id);
    let closest =
        |id: &str, selector: &str| by_id(id).and_then(|e| e.closest(selector).ok().flatten());
    let elements = match name {
        "numbers" => vec![document.query_selector(".numbers-panel").ok().flatten()],
        "explain" => vec![document.query_selector(".explain-panel").ok().flatten()],
        "sweep" => vec![by_id("sweep")],
        "timeline" => vec![by_id("timeline")],
        "embed-code" => vec![by_id("embed-code")],
        plot if PLOT_PANELS.contains(&plot) => vec![closest(&format!("plot-{plot}"), "figure")],
        "gamma" => vec![closest("ctl-gamma", ".field"), by_id("gamma-slider-row")],
        "log_y" => vec![closest("ctl-log_y", ".plot-option")],
        key => {
            debug_assert!(!PANELS.contains(&key), "panel {key} has no element");
            vec![closest(&format!("ctl-{key}"), ".field")]
        }
    };
    elements
        .into_iter()
        .flatten()
        .filter_map(|e| e.dyn_into::<HtmlElement>().ok())
        .collect()
}

/// The "copy embed code" button: the snippet of `config` on this page's address goes to
/// the clipboard, with a confirmation; without a clipboard, into the fallback field,
/// shown and selected.
pub fn copy_embed_code(document: &Document, config: &Config) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let page = window.location().href().unwrap_or_default();
    let snippet = embed_snippet(&page, config);
    if let Some(field) = document
        .get_element_by_id("embed-code-text")
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
    {
        field.set_value(&snippet);
    }
    match write_to_clipboard(&window, &snippet) {
        Some(promise) => {
            set_text(document, "embed-copied", "Copying…");
            let copied = Closure::<dyn FnMut(JsValue)>::new(|_: JsValue| on_copied(true));
            let refused = Closure::<dyn FnMut(JsValue)>::new(|_: JsValue| on_copied(false));
            let _ = promise.then2(&copied, &refused);
            // The promise settles once, calling one of them: two small closures a click.
            copied.forget();
            refused.forget();
        }
        None => on_copied(false),
    }
}

/// `navigator.clipboard.writeText(text)`, or `None` where the page has no clipboard.
fn write_to_clipboard(window: &web_sys::Window, text: &str) -> Option<js_sys::Promise> {
    let navigator = js_sys::Reflect::get(window, &"navigator".into()).ok()?;
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).ok()?;
    if clipboard.is_undefined() || clipboard.is_null() {
        return None;
    }
    let write = js_sys::Reflect::get(&clipboard, &"writeText".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    write
        .call1(&clipboard, &text.into())
        .ok()?
        .dyn_into::<js_sys::Promise>()
        .ok()
}

/// Says whether the snippet reached the clipboard; if not, shows it selected in the
/// fallback field.
fn on_copied(copied: bool) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let fallback = document
        .get_element_by_id("embed-code-fallback")
        .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    if let Some(fallback) = &fallback {
        fallback.set_hidden(copied);
    }
    if copied {
        set_text(
            &document,
            "embed-copied",
            "Copied: paste it into your page's HTML.",
        );
        return;
    }
    set_text(
        &document,
        "embed-copied",
        "No clipboard here: copy the code below.",
    );
    if let Some(field) = document
        .get_element_by_id("embed-code-text")
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
    {
        let _ = field.focus();
        field.select();
    }
}
