//! Numbers, sizes and times as the page writes them, and HTML escaping: plain Rust (no
//! DOM), shared by the numbers panel, the explanation, the sweep table, the status line
//! and the input side's notes, and tested natively.

/// Four significant digits, without trailing zeros; scientific notation for very large or
/// small magnitudes.
pub fn format_value(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    if x == 0.0 {
        return "0".into();
    }
    let a = x.abs();
    if !(1e-3..1e6).contains(&a) {
        return format!("{x:.3e}");
    }
    let decimals = (3 - libm::floor(libm::log10(a)) as i32).max(0) as usize;
    trim_zeros(format!("{x:.decimals$}"))
}

/// Milliseconds as displayed: "812 ms", "1.23 s".
pub fn format_ms(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{} ms", libm::round(ms))
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}

/// A rough duration: "12 s", or "3 min" from 90 s on.
pub fn format_seconds(ms: f64) -> String {
    let s = ms / 1000.0;
    if s < 90.0 {
        format!("{s:.0} s")
    } else {
        format!("{:.0} min", s / 60.0)
    }
}

/// Escapes text for HTML (labels are static, but the data's name may come from a file).
// One pass, and never inlined: the panels call it dozens of times, and a chain of
// `str::replace` inlined at each call is kilobytes of wasm.
#[inline(never)]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// A number with thousands separators: 4000000 → "4,000,000".
pub fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.abs());
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if value < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

/// An integer in superscript digits: 11 → "¹¹".
pub fn superscript(value: i64) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let digits: String = value
        .unsigned_abs()
        .to_string()
        .chars()
        .map(|c| DIGITS[c.to_digit(10).unwrap_or(0) as usize])
        .collect();
    if value < 0 {
        format!("⁻{digits}")
    } else {
        digits
    }
}

/// A learning rate with three significant digits and no trailing zeros (0.0512, 0.05, 1.2).
pub fn format_gamma(gamma: f64) -> String {
    let digits = (2.0 - libm::floor(libm::log10(gamma))).clamp(0.0, 12.0) as usize;
    format_decimals(gamma, digits)
}

/// `value` with at most `decimals` decimals, trailing zeros dropped.
pub fn format_decimals(value: f64, decimals: usize) -> String {
    trim_zeros(format!("{value:.decimals$}"))
}

fn trim_zeros(text: String) -> String {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A file size for people: "812 B", "7.9 kB", "3.2 MB".
pub fn format_bytes(bytes: f64) -> String {
    if bytes < 1e3 {
        format!("{bytes:.0} B")
    } else if bytes < 1e6 {
        format!("{:.1} kB", bytes / 1e3)
    } else {
        format!("{:.1} MB", bytes / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_formatting() {
        assert_eq!(escape(r#"a<b & "c">"#), "a&lt;b &amp; &quot;c&quot;&gt;");
        assert_eq!(format_value(1234.5678), "1235");
        assert_eq!(format_value(0.012345), "0.01235");
        assert_eq!(format_value(-2.5), "-2.5");
        assert_eq!(format_value(1.5e7), "1.500e7");
        assert_eq!(format_ms(812.4), "812 ms");
        assert_eq!(format_ms(2250.0), "2.25 s");
    }

    #[test]
    fn numbers_for_people() {
        assert_eq!(format_gamma(0.05), "0.05");
        assert_eq!(format_gamma(12.345), "12.3");
        assert_eq!(format_decimals(2.0, 3), "2");
        assert_eq!(thousands(-1234567.0), "-1,234,567");
        assert_eq!(superscript(-11), "⁻¹¹");
        assert_eq!(format_seconds(12_400.0), "12 s");
        assert_eq!(format_seconds(180_000.0), "3 min");
        assert_eq!(format_bytes(3.2e6), "3.2 MB");
    }
}
