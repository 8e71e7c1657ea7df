//! The page's forms, built from the control table ([`crate::report::controls`]): the
//! markup of a field (a label around a text box or a list, a hint and an error slot), the
//! config's values written into the fields, and messages next to a field or in a form's
//! message line. The experiment's form and the sweep's share it.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, HtmlElement, HtmlInputElement, HtmlSelectElement};

use super::dom::{element, set_text};
use super::format::escape;
use crate::report::config::Config;
use crate::report::controls::{texts, Control, Kind};

/// Fills the element `container` with the fields of `controls`, showing `config`'s values.
///
/// # Errors
/// The page has no element `container`.
pub fn build<'a>(
    document: &Document,
    container: &str,
    controls: impl Iterator<Item = &'a Control> + Clone,
    config: &Config,
) -> Result<(), JsValue> {
    let fields = element(document, container).ok_or_else(|| format!("no element #{container}"))?;
    let html: String = controls.clone().map(control_html).collect();
    fields.set_inner_html(&html);
    fill(document, controls, config);
    Ok(())
}

/// `inputmode` of a text box: the keyboard a phone offers.
fn input_mode(kind: Kind) -> &'static str {
    match kind {
        Kind::Whole => "numeric",
        Kind::Number => "decimal",
        Kind::Choice(_) | Kind::Flag | Kind::Names => "",
    }
}

/// The markup of one field: a label around a text box or a list, a hint and an error
/// slot (`ctl-<key>`, `err-<key>`).
fn control_html(c: &Control) -> String {
    let input = if c.choices().is_empty() {
        format!(
            r#"<input id="ctl-{key}" name="{key}" type="text" inputmode="{mode}" autocomplete="off" spellcheck="false" aria-describedby="err-{key}">"#,
            key = c.key,
            mode = input_mode(c.kind),
        )
    } else {
        let options: String = c
            .choices()
            .iter()
            .map(|(value, label)| {
                format!(
                    r#"<option value="{}">{}</option>"#,
                    escape(value),
                    escape(label)
                )
            })
            .collect();
        format!(
            r#"<select id="ctl-{key}" name="{key}" aria-describedby="err-{key}">{options}</select>"#,
            key = c.key,
        )
    };
    format!(
        r#"<label class="field" for="ctl-{key}"><span class="label">{label}</span>{input}<span class="hint">{hint}</span><span class="field-error" id="err-{key}" role="alert"></span></label>"#,
        key = c.key,
        label = escape(c.label),
        hint = escape(c.hint),
    )
}

/// Shows `config`'s values in the fields of `controls`.
pub fn fill<'a>(document: &Document, controls: impl Iterator<Item = &'a Control>, config: &Config) {
    let values = texts(config);
    for c in controls {
        if let Some(text) = values.get(c.key).and_then(|v| v.as_str()) {
            write_control(document, c.key, text);
        }
    }
}

/// Puts `text` in the field `key` (a text box or a list).
pub fn write_control(document: &Document, key: &str, text: &str) {
    if let Some(e) = element(document, &format!("ctl-{key}")) {
        if let Some(input) = e.dyn_ref::<HtmlInputElement>() {
            input.set_value(text);
        } else if let Some(select) = e.dyn_ref::<HtmlSelectElement>() {
            select.set_value(text);
        }
    }
}

/// Shows `message` in the error slot of the field `key` and marks its input invalid; false
/// when the page has no such slot.
pub fn mark_field(document: &Document, key: &str, message: &str) -> bool {
    let Some(slot) = element(document, &format!("err-{key}")) else {
        return false;
    };
    slot.set_text_content(Some(message));
    if let Some(input) = element(document, &format!("ctl-{key}")) {
        let _ = input.set_attribute("aria-invalid", "true");
    }
    true
}

/// Empties the error slots of `controls` and the message line `line`.
pub fn clear<'a>(document: &Document, controls: impl Iterator<Item = &'a Control>, line: &str) {
    for c in controls {
        set_text(document, &format!("err-{}", c.key), "");
        if let Some(input) = element(document, &format!("ctl-{}", c.key)) {
            let _ = input.remove_attribute("aria-invalid");
        }
    }
    show_line(document, line, None);
}

/// Shows `message` in the message line `id` (a form's general error), or hides the line.
pub fn show_line(document: &Document, id: &str, message: Option<&str>) {
    if let Some(e) = element(document, id).and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        e.set_text_content(message);
        e.set_hidden(message.is_none());
    }
}
