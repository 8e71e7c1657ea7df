//! MathML Core written as text: one function per element (`<mi>`, `<mn>`, `<mfrac>`, …),
//! each returning its markup, so a formula reads as nested calls. A report's number is a
//! [`value`]: displayed short, exact in `data-value`. Plain Rust (no DOM); the explanation
//! under the plots is written with it.

use super::format::{escape, format_value};

/// An identifier (italic when one letter): `<mi>`.
pub fn mi(name: &str) -> String {
    format!("<mi>{}</mi>", escape(name))
}

/// An upright identifier (d, T, ℝ): MathML Core supports only `mathvariant="normal"`.
pub fn mi_upright(name: &str) -> String {
    format!(r#"<mi mathvariant="normal">{}</mi>"#, escape(name))
}

/// A number as written: `<mn>`.
pub fn mn(text: &str) -> String {
    format!("<mn>{}</mn>", escape(text))
}

/// An operator or a fence: `<mo>`.
pub fn mo(op: &str) -> String {
    format!("<mo>{}</mo>", escape(op))
}

/// Parts grouped into one: `<mrow>`.
pub fn row(parts: &[String]) -> String {
    format!("<mrow>{}</mrow>", parts.concat())
}

/// A fraction: `<mfrac>`.
pub fn frac(numerator: String, denominator: String) -> String {
    format!("<mfrac>{numerator}{denominator}</mfrac>")
}

/// A power: `<msup>`.
pub fn sup(base: String, exponent: String) -> String {
    format!("<msup>{base}{exponent}</msup>")
}

/// A subscript: `<msub>`.
pub fn sub(base: String, index: String) -> String {
    format!("<msub>{base}{index}</msub>")
}

/// A subscript and a power: `<msubsup>`.
pub fn subsup(base: String, index: String, exponent: String) -> String {
    format!("<msubsup>{base}{index}{exponent}</msubsup>")
}

/// A square root: `<msqrt>`.
pub fn sqrt(x: String) -> String {
    format!("<msqrt>{x}</msqrt>")
}

/// Something under an operator (the index of a sum): `<munder>`.
pub fn under(base: String, below: String) -> String {
    format!("<munder>{base}{below}</munder>")
}

/// `inner` in parentheses.
pub fn paren(inner: &[String]) -> String {
    row(&[mo("("), row(inner), mo(")")])
}

/// |inner|².
pub fn norm_sq(inner: &[String]) -> String {
    sup(row(&[mo("|"), row(inner), mo("|")]), mn("2"))
}

/// A transposed vector or matrix with its index: `base_indexᵀ`.
pub fn transpose(base: String, index: String) -> String {
    subsup(base, index, mi_upright("T"))
}

/// A number of the report: displayed with [`format_value`], exact in `data-value`.
pub fn value(key: &str, v: f64) -> String {
    format!(
        r#"<mn data-key="{key}" data-value="{v}">{}</mn>"#,
        escape(&format_value(v))
    )
}

/// A displayed formula.
pub fn block(parts: &[String]) -> String {
    // In a box of its own that scrolls sideways when a formula is wider than a phone.
    format!(
        r#"<div class="eq"><math display="block">{}</math></div>"#,
        row(parts)
    )
}

/// A formula inside a sentence.
pub fn inline(parts: &[String]) -> String {
    format!("<math>{}</math>", row(parts))
}

/// The space after a function name (log): MathML Core leaves it to the author.
pub fn thin_space() -> String {
    r#"<mspace width="0.2em"></mspace>"#.into()
}

/// A wide space between two formulas on one line.
pub fn mspace() -> String {
    r#"<mspace width="1em"></mspace>"#.into()
}
