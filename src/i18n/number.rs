//! Whole numbers as each language writes them: grouped thousands, with a no-break space where
//! Polish and Czech put one.

use super::lang::Lang;

/// The no-break space Polish and Czech write between groups of digits and in dates.
pub const NBSP: char = '\u{a0}';

/// A whole number with the language's digit grouping: en `12,345`, pl and cs `12 345` (with a
/// no-break space). Polish leaves four-digit numbers ungrouped (`1234`), as its typography does.
pub fn format_number(lang: Lang, n: i64) -> String {
    let (separator, min_grouping) = match lang {
        Lang::En => (',', 1),
        Lang::Pl => (NBSP, 2),
        Lang::Cs => (NBSP, 1),
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 2 + 1);
    if n < 0 {
        out.push('-');
    }
    if digits.len() < 3 + min_grouping {
        out.push_str(&digits);
        return out;
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(separator);
        }
        out.push(digit);
    }
    out
}
