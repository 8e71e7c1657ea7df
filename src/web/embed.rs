//! The embedded view: with `embed=1` in the URL ([`Config::embed`]) the page is
//! a compact figure for an iframe in a blog post or a course page: no header or long
//! texts, only the γ slider and box, the batch size, Run, and the main plots
//! ([`EMBED_PLOTS`], or those `panels=` names, in its order), with a small link that opens the full page on the same settings.
//! The styles are in `www/style.css` under `body.embed`; which controls stay is decided
//! with the other controls' relevance, on the live side of the form.

use wasm_bindgen::JsCast;
use web_sys::{Document, HtmlElement};

use crate::report::config::Config;

/// The plots the embedded view keeps (ids of [`super::plots::PLOTS`]).
pub const EMBED_PLOTS: &[&str] = &["histogram", "tail"];

/// The plots the embedded view shows, in order: `panels=` ([`Config::panels`]), else
/// [`EMBED_PLOTS`].
pub fn shown_plots(config: &Config) -> Vec<&str> {
    if config.panels.is_empty() {
        EMBED_PLOTS.to_vec()
    } else {
        config.panels.names().iter().map(String::as_str).collect()
    }
}

/// Marks the page as embedded (or not) and adds the "open in hsgd" link; call once the
/// controls and plots exist.
pub fn build(document: &Document, config: &Config) {
    let Some(body) = document.body() else {
        return;
    };
    let _ = body.class_list().toggle_with_force("embed", config.embed);
    if !config.embed {
        return;
    }
    if let Some(actions) = document.query_selector("#controls .actions").ok().flatten() {
        let _ = actions.insert_adjacent_html(
            "beforeend",
            r#"<a id="open-full" class="open-full" target="_blank" rel="noopener" title="the full page with every control, on these settings">open in hsgd ↗</a>"#,
        );
    }
    let shown = shown_plots(config);
    for plot in super::plots::PLOTS {
        let figure = document
            .get_element_by_id(&format!("plot-{}", plot.id))
            .and_then(|e| e.closest("figure").ok().flatten())
            .and_then(|e| e.dyn_into::<HtmlElement>().ok());
        if let Some(figure) = figure {
            let place = shown.iter().position(|&id| id == plot.id);
            figure.set_hidden(place.is_none());
            if let Some(place) = place {
                // The grid lays the figures out in the order `panels=` gives.
                let _ = figure.set_attribute("style", &format!("order: {place}"));
            }
        }
    }
    update(document, config);
}

/// Points the "open in hsgd" link at the full page with the current settings.
pub fn update(document: &Document, config: &Config) {
    let Some(link) = document.get_element_by_id("open-full") else {
        return;
    };
    let mut full = config.clone();
    full.embed = false;
    let _ = link.set_attribute("href", &format!("?{}", full.to_query()));
}
