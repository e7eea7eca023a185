//! The garbage the fuzz sends: hostile values, forms made of them, bodies that are not forms
//! at all, and query strings. Everything comes from one seeded generator.

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

pub const FORM: &str = "application/x-www-form-urlencoded";
/// The longest single value in a form: a few together pass the 1 MiB the CSRF check reads.
pub const LONG_FORM: usize = 300_000;
/// The longest single value in a query string (a URL must stay under 64 KiB).
pub const LONG_QUERY: usize = 6_000;

/// The generator of one test; the same seed sends the same requests every run.
pub fn seeded(stream: u64) -> StdRng {
    StdRng::seed_from_u64(0x5eed_f022 + stream)
}

/// Hostile values, already form-encoded: wrong types, numbers out of range, invalid escapes and
/// invalid UTF-8, NUL and other control characters, markup, odd dates, open redirects, and a
/// few words the handlers do understand so that some garbage gets further in.
pub const HOSTILE: &[&str] = &[
    "",
    "+",
    "-1",
    "0",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "1e309",
    "NaN",
    "0x10",
    "%ZZ",
    "%",
    "%F",
    "%FF%FE",
    "%C3%28",
    "%ED%A0%80",
    "%00",
    "a%00b",
    "%0D%0ALocation:%20/evil",
    "%E2%80%AE",
    "%F0%9F%99%82",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "'%20OR%201%3D1%20--",
    "2026-02-30",
    "9999-12-31",
    "0000-00-00",
    "-0001-01-01",
    "2026-11-26T10%3A00",
    "today",
    "%2F%2Fevil.example",
    "https%3A%2F%2Fevil.example%2F",
    "partner",
    "admin",
    "acknowledge",
    "assign",
    "me",
    "none",
    "cs",
    "yes",
    "on",
];

/// The values all known fields get at once, besides the random ones: NUL, a value far too
/// long, a negative number, invalid UTF-8.
pub fn every_field_once(long: usize) -> Vec<String> {
    vec![
        "a%00b".to_string(),
        "B".repeat(long),
        "-1".to_string(),
        "%FF%FE%C3%28".to_string(),
    ]
}

/// A hostile value; `long` caps the very long ones.
pub fn hostile(rng: &mut StdRng, world_ids: &[i64], long: usize) -> String {
    match rng.random_range(0..10) {
        0 => "A".repeat(rng.random_range(long / 10..long)),
        1 => world_ids
            .choose(rng)
            .map_or_else(String::new, i64::to_string),
        2 => {
            // Random bytes, each percent-encoded: mostly invalid UTF-8.
            let n = rng.random_range(1..40);
            (0..n)
                .map(|_| format!("%{:02X}", rng.random::<u8>()))
                .collect()
        }
        3 => rng.random::<i64>().to_string(),
        _ => HOSTILE.choose(rng).copied().unwrap_or_default().to_string(),
    }
}

fn field_name(rng: &mut StdRng, known: &[&str]) -> String {
    match (rng.random_range(0..8), known.choose(rng)) {
        (0, _) | (_, None) => HOSTILE.choose(rng).copied().unwrap_or("x").to_string(),
        (1, _) => "csrf_token".to_string(),
        (_, Some(name)) => encoded(name),
    }
}

fn encoded(name: &str) -> String {
    name.replace(':', "%3A")
}

/// `count` fields, names mostly the handler's own (often twice), values hostile.
pub fn fields(
    rng: &mut StdRng,
    known: &[&str],
    world_ids: &[i64],
    count: usize,
    long: usize,
) -> String {
    (0..count)
        .map(|_| {
            let name = field_name(rng, known);
            let value = hostile(rng, world_ids, long);
            format!("{name}={value}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Every known field set to `value`; with `twice`, each field comes twice.
pub fn all_fields(known: &[&str], value: &str, twice: bool) -> String {
    let times = if twice { 2 } else { 1 };
    known
        .iter()
        .flat_map(|name| std::iter::repeat_n(format!("{}={value}", encoded(name)), times))
        .collect::<Vec<_>>()
        .join("&")
}

/// A body that is not a form at all.
pub fn not_a_form(rng: &mut StdRng) -> Vec<u8> {
    match rng.random_range(0..4) {
        0 => (0..rng.random_range(1..200))
            .map(|_| rng.random())
            .collect(),
        1 => b"&&&===&=&%%%".to_vec(),
        2 => b"{\"email\": 1, \"ids\": [1, 2]}".to_vec(),
        _ => vec![0xff, 0xfe, b'=', 0x00, b'&', 0xc3, b'=', 0x28],
    }
}

/// What one POST sends: the body, and whether the token rides in the header or the form.
pub struct Attempt {
    pub body: Vec<u8>,
    pub content_type: &'static str,
    pub token_in_header: bool,
    pub htmx: bool,
}

/// An empty form, every field at each extreme, then `random` random attempts.
pub fn attempts(
    rng: &mut StdRng,
    known: &[&str],
    world_ids: &[i64],
    random: usize,
) -> Vec<Attempt> {
    let form = |body: String, token_in_header: bool, htmx: bool| Attempt {
        body: body.into_bytes(),
        content_type: FORM,
        token_in_header,
        htmx,
    };
    let mut all = vec![form(String::new(), true, false)];
    if !known.is_empty() {
        for value in every_field_once(LONG_FORM / 4) {
            all.push(form(all_fields(known, &value, false), true, false));
        }
        all.push(form(all_fields(known, "1", true), true, false));
    }
    for _ in 0..random {
        let count = rng.random_range(1..8);
        let htmx = rng.random_bool(0.3);
        all.push(match rng.random_range(0..8) {
            0 => Attempt {
                body: not_a_form(rng),
                content_type: FORM,
                token_in_header: true,
                htmx,
            },
            1 => Attempt {
                body: not_a_form(rng),
                content_type: "application/json",
                token_in_header: true,
                htmx,
            },
            // The token inside the garbage form, as a plain browser sends it.
            2 => form(fields(rng, known, world_ids, count, LONG_FORM), false, htmx),
            _ => form(fields(rng, known, world_ids, count, LONG_FORM), true, htmx),
        });
    }
    all
}

/// A query string: every known parameter at each extreme, or random ones from the route's own
/// parameters (often repeated) and `others`.
pub fn queries(
    rng: &mut StdRng,
    known: &[&str],
    others: &[&str],
    world_ids: &[i64],
    random: usize,
) -> Vec<String> {
    let mut all = Vec::new();
    if !known.is_empty() {
        for value in every_field_once(LONG_QUERY / 3) {
            all.push(all_fields(known, &value, false));
        }
        all.push(all_fields(known, "1", true));
    }
    for _ in 0..random {
        all.push(match rng.random_range(0..6) {
            0 => String::from_utf8_lossy(&not_a_form(rng))
                .chars()
                .filter(|c| c.is_ascii_graphic() && !matches!(c, '#' | '?'))
                .collect(),
            _ => {
                let count = rng.random_range(1..8);
                let own = fields(rng, known, world_ids, count / 2 + 1, LONG_QUERY);
                let any = fields(rng, others, world_ids, count / 2, LONG_QUERY);
                format!("{own}&{any}")
            }
        });
    }
    all
}

/// Lowercase hex of `bytes` random bytes.
pub fn hex_of(rng: &mut StdRng, bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02x}", rng.random::<u8>()))
        .collect()
}

/// A body for a log line: its start, and its size when cut.
pub fn shown(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.len() > 160 {
        let start: String = text.chars().take(160).collect();
        format!("{start}… ({} bytes)", body.len())
    } else {
        text.into_owned()
    }
}
