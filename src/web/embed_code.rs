//! The "copy embed code" snippet: an `<iframe>` of the embedded view (`embed=1`,
//! [`crate::web::embed`] on the page) with the current settings, so a course page shows the
//! same experiment. Its address is the page's own (origin and path, so it works wherever
//! the page is served, a sub-path included) with the config's query; plain Rust, so it is
//! tested natively.

use super::format::escape;
use crate::report::config::Config;

/// The iframe's size in CSS pixels: the embedded view's two plots side by side with the
/// compact controls above them.
pub const EMBED_SIZE: (u32, u32) = (720, 520);

/// The address of the embedded view of `config` on the page at `page` (the page's
/// address; a query or fragment it has is replaced).
pub fn embed_url(page: &str, config: &Config) -> String {
    let base = page.split(['?', '#']).next().unwrap_or(page);
    let mut embedded = config.clone();
    embedded.embed = true;
    // The embedded view has no timeline to step back with: it shows the final iterates.
    embedded.frame = None;
    format!("{base}?{}", embedded.to_query())
}

/// The HTML to paste into a page: an iframe of [`embed_url`], [`EMBED_SIZE`], with a
/// title for screen readers.
pub fn embed_snippet(page: &str, config: &Config) -> String {
    let (width, height) = EMBED_SIZE;
    format!(
        r#"<iframe src="{src}" width="{width}" height="{height}" style="border:0;max-width:100%" loading="lazy" title="hsgd: heavy tails in stochastic gradient descent"></iframe>"#,
        src = escape(&embed_url(page, config)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::config::Names;

    #[test]
    fn the_snippet_opens_the_embedded_view_of_the_same_config() {
        let mut config = Config::from_query("gamma=0.5&batch=3&hide=batch&panels=tail,hill");
        let page = "https://example.org/course/hsgd/?gamma=0.1&embed=0#numbers";
        let url = embed_url(page, &config);
        let (base, query) = url.split_once('?').unwrap();
        assert_eq!(base, "https://example.org/course/hsgd/");
        config.embed = true;
        assert_eq!(Config::parse_query(query), (config.clone(), vec![]));
        assert_eq!(config.panels, Names::parse("tail,hill"));
        let snippet = embed_snippet(page, &config);
        assert!(snippet.starts_with(r#"<iframe src="https://example.org/course/hsgd/?"#));
        assert!(snippet.ends_with("></iframe>"));
        // The attribute holds the URL with its ampersands escaped, and nothing else.
        let src = snippet.split('"').nth(1).unwrap();
        assert!(!src.contains(['<', '>', ' ']));
        assert_eq!(src.replace("&amp;", "&"), url);
        assert!(snippet.contains(r#"width="720" height="520""#));
    }
}
