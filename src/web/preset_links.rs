//! The presets row of the page: one link per [`crate::report::presets::PRESETS`] entry,
//! styled as a button. A preset is nothing but a URL query, so its link is `?query`: a
//! click (or Enter on the focused link) opens the page on it, which runs it as any link
//! does. The preset the page was opened on is marked `aria-current`.
//!
//! Plain Rust (no DOM), so it is tested natively.

use super::format::escape;
use crate::report::config::Config;
use crate::report::presets::PRESETS;

/// The row's links for a page whose settings are `current`.
pub fn html(current: &Config) -> String {
    PRESETS
        .iter()
        .map(|p| {
            let here = if same_experiment(&p.config(), current) {
                r#" aria-current="page""#
            } else {
                ""
            };
            format!(
                r#"<a class="preset" href="?{query}" data-preset="{key}" title="{description}"{here}>{name}</a>"#,
                query = escape(p.query),
                key = p.key,
                description = escape(p.description),
                name = escape(p.name),
            )
        })
        .collect()
}

/// Whether `a` and `b` run the same experiment: equal but for the display-only settings
/// (the timeline's frame, log y, the classroom lists, the embedded view).
fn same_experiment(a: &Config, b: &Config) -> bool {
    let plain = |c: &Config| Config {
        frame: None,
        log_y: false,
        embed: false,
        hide: Default::default(),
        panels: Default::default(),
        ..c.clone()
    };
    plain(a) == plain(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::presets::preset;

    #[test]
    fn every_preset_is_a_link_to_its_query_and_the_open_one_is_marked() {
        let html = html(&Config::default());
        assert_eq!(html.matches("<a class=\"preset\"").count(), PRESETS.len());
        assert!(!html.contains("aria-current"), "{html}");
        // The link's query, read back from the HTML attribute, is the preset's.
        let x = preset("fig1-x").unwrap();
        let href = format!("href=\"?{}\"", x.query.replace('&', "&amp;"));
        assert!(html.contains(&href), "{html}");
        let marked = super::html(&x.config());
        assert_eq!(marked.matches("aria-current").count(), 1);
        assert!(marked.contains(r#"data-preset="fig1-x" title"#));
        let at = marked.find("aria-current").unwrap();
        let start = marked[..at].rfind("<a ").unwrap();
        assert!(
            marked[start..at].contains("data-preset=\"fig1-x\""),
            "{marked}"
        );
    }
}
