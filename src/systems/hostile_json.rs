//! What a broken or hostile server might answer, as `proptest` strategies shared by both
//! clients' fuzz-style tests: random JSON trees, near misses of a valid payload (a field
//! missing, of the wrong type, a huge number, an odd string, an impossible date) and raw bytes
//! that may not be JSON at all.

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Number, Value};

/// The field names of both APIs, so random objects often look almost right.
const FIELD_NAMES: &[&str] = &[
    // Reservio's JSON:API
    "data",
    "included",
    "meta",
    "totalCount",
    "type",
    "id",
    "attributes",
    "relationships",
    "state",
    "note",
    "bookedClientName",
    "updatedAt",
    "event",
    "client",
    "service",
    "start",
    "end",
    "name",
    "email",
    "phone",
    "duration",
    // Termino's API
    "voucher_code",
    "offer_id",
    "customer",
    "status",
    "self_rescheduled",
    "reservio_booking_id",
    "version",
    "updated_at",
    "reservations",
    "next_cursor",
    "has_more",
    "offers",
    "duration_minutes",
    "cancelled",
    "new_voucher_code",
    "error",
    "code",
    "message",
    "partner_id",
    "reservation_id",
];

/// Date-times a parser might trip over: impossible days, leap seconds, the ends of the
/// four-digit years with extreme offsets, absurd fractions, signs, other digits, trailing junk.
const ODD_DATES: &[&str] = &[
    "2026-02-30T00:00:00Z",
    "2026-06-30T23:59:60Z",
    "2026-11-26T24:00:00Z",
    "0000-01-01T00:00:00+23:59",
    "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59-23:59",
    "9999-12-31T23:59:59.999999999Z",
    "2026-11-26T09:30:00.00000000000000000000000000000000000001Z",
    "+2026-11-26T09:30:00Z",
    "-0001-01-01T00:00:00Z",
    "2026-11-26T09:30:00+99:99",
    "2026-11-26T09:30:00Z\u{0}",
    "２０２６-11-26T09:30:00Z",
    "2026-11-26T09:30:00",
    "2026-11-26",
    "1970-01-01T00:00:00Z",
    "2026-11-26T09:30:00.Z",
    "2026-11-26T09:30:00+01",
];

/// Strings that have broken parsers elsewhere.
const ODD_STRINGS: &[&str] = &[
    "",
    " ",
    "\u{0}",
    "\u{feff}confirmed",
    "\u{202e}demrifnoc",
    "CONFIRMED",
    "confirmed ",
    "cancelled",
    "canceled",
    "declined",
    "🙂🙂",
    "a\r\nb",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "%00%ff",
    "voucher: termino: bbkey:",
    "termino:T-1 voucher:SV-1 bbkey:k termino:T-2",
    "18446744073709551616",
    "-1",
    "NaN",
    "null",
];

/// An odd string: from the lists above, any Unicode, something date-shaped, or very long.
pub fn odd_string() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(ODD_STRINGS).prop_map(str::to_string),
        3 => proptest::sample::select(ODD_DATES).prop_map(str::to_string),
        3 => any::<String>(),
        2 => "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,12})?([Zz]|[+-][0-9]{2}:[0-9]{2})?",
        1 => (1usize..100_000).prop_map(|n| "x".repeat(n)),
    ]
}

/// A number of any size JSON can carry without `arbitrary_precision`.
pub fn odd_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::from(i64::MIN)),
        Just(Value::from(u64::MAX)),
        Just(Value::from(-1)),
        Just(Value::from(0)),
        Just(Value::from(1e308)),
        Just(Value::from(-0.0)),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        // Not NaN or infinite: JSON cannot hold those.
        any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(FIELD_NAMES).prop_map(str::to_string),
        1 => odd_string(),
    ]
}

/// Any JSON value, a few levels deep, with objects keyed mostly by the APIs' own field names.
pub fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        odd_number(),
        odd_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((key(), inner), 0..6)
                .prop_map(|fields| Value::Object(fields.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// One way to break a payload at one place in it.
#[derive(Clone, Debug)]
enum Break {
    Remove,
    Replace(Value),
}

/// `good` broken at one to three places: a field removed, or replaced by null, a value of
/// another type, a huge number, an odd string or an impossible date. The places are any
/// member or element at any depth, so nested resources break too.
pub fn near_miss(good: Value) -> impl Strategy<Value = Value> {
    let breaks = proptest::collection::vec(
        (
            any::<Index>(),
            prop_oneof![
                2 => Just(Break::Remove),
                1 => Just(Break::Replace(Value::Null)),
                3 => odd_string().prop_map(|s| Break::Replace(Value::String(s))),
                2 => odd_number().prop_map(Break::Replace),
                2 => any_json().prop_map(Break::Replace),
            ],
        ),
        1..4,
    );
    breaks.prop_map(move |breaks| {
        let mut value = good.clone();
        for (at, how) in breaks {
            let places = pointers(&value);
            if places.is_empty() {
                break;
            }
            let place = &places[at.index(places.len())];
            break_at(&mut value, place, how);
        }
        value
    })
}

/// Every JSON pointer below the root.
fn pointers(value: &Value) -> Vec<String> {
    fn walk(value: &Value, at: &str, into: &mut Vec<String>) {
        let children: Vec<(String, &Value)> = match value {
            Value::Object(map) => map
                .iter()
                .map(|(k, v)| (k.replace('~', "~0").replace('/', "~1"), v))
                .collect(),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            _ => Vec::new(),
        };
        for (name, child) in children {
            let pointer = format!("{at}/{name}");
            walk(child, &pointer, into);
            into.push(pointer);
        }
    }
    let mut into = Vec::new();
    walk(value, "", &mut into);
    into
}

fn break_at(value: &mut Value, pointer: &str, how: Break) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let last = last.replace("~1", "/").replace("~0", "~");
    let Some(container) = value.pointer_mut(parent) else {
        return;
    };
    match (container, how) {
        (Value::Object(map), Break::Remove) => {
            map.remove(&last);
        }
        (Value::Object(map), Break::Replace(new)) => {
            map.insert(last, new);
        }
        (Value::Array(items), how) => {
            if let Ok(i) = last.parse::<usize>() {
                if i < items.len() {
                    match how {
                        Break::Remove => {
                            items.remove(i);
                        }
                        Break::Replace(new) => items[i] = new,
                    }
                }
            }
        }
        _ => {}
    }
}

/// A body as bytes: random bytes, random JSON cut off anywhere, or whole random JSON.
pub fn any_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..256),
        (any_json(), any::<Index>()).prop_map(|(value, cut)| {
            let text = value.to_string().into_bytes();
            text[..cut.index(text.len() + 1)].to_vec()
        }),
        any_json().prop_map(|value| value.to_string().into_bytes()),
    ]
}
