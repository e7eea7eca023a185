//! The three-way merge of one field (or one group of fields that change together).

use crate::domain::booking::System;

/// What to do with one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Merge<T> {
    /// Both sides show this value.
    Agreed(T),
    /// Only one side moved away from the base (or, without a base, the sides differ and the
    /// origin wins): set `value` in `to`.
    Propagate { to: System, value: T },
    /// Both sides moved away from the base, to different values: a person must choose.
    Conflict,
}

/// Merges one field against its base. Without a base the origin's value wins, because the
/// booking was created there and that is where rule 3 wants it edited.
pub(super) fn three_way<T: PartialEq + Clone>(
    base: Option<&T>,
    reservio: &T,
    termino: &T,
    origin: System,
) -> Merge<T> {
    if reservio == termino {
        return Merge::Agreed(reservio.clone());
    }
    match base {
        None => {
            let value = match origin {
                System::Reservio => reservio,
                System::Termino => termino,
            };
            Merge::Propagate {
                to: origin.other(),
                value: value.clone(),
            }
        }
        Some(base) if base == reservio => Merge::Propagate {
            to: System::Reservio,
            value: termino.clone(),
        },
        Some(base) if base == termino => Merge::Propagate {
            to: System::Termino,
            value: reservio.clone(),
        },
        Some(_) => Merge::Conflict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use System::{Reservio, Termino};

    fn propagate(to: System, value: &str) -> Merge<&str> {
        Merge::Propagate { to, value }
    }

    #[test]
    fn the_merge_table_holds_for_every_case() {
        // (base, reservio, termino, origin, expected)
        let table = [
            // nothing changed
            (Some("a"), "a", "a", Reservio, Merge::Agreed("a")),
            // both changed alike: agreed, whatever the base says
            (Some("a"), "b", "b", Termino, Merge::Agreed("b")),
            // one side changed: propagate to the other, whoever the origin is
            (Some("a"), "b", "a", Reservio, propagate(Termino, "b")),
            (Some("a"), "b", "a", Termino, propagate(Termino, "b")),
            (Some("a"), "a", "c", Reservio, propagate(Reservio, "c")),
            (Some("a"), "a", "c", Termino, propagate(Reservio, "c")),
            // both changed differently: conflict
            (Some("a"), "b", "c", Reservio, Merge::Conflict),
            (Some("a"), "b", "c", Termino, Merge::Conflict),
            // no base: agreement, or the origin wins
            (None, "a", "a", Termino, Merge::Agreed("a")),
            (None, "b", "c", Reservio, propagate(Termino, "b")),
            (None, "b", "c", Termino, propagate(Reservio, "c")),
        ];
        for (base, reservio, termino, origin, expected) in table {
            assert_eq!(
                three_way(base.as_ref(), &reservio, &termino, origin),
                expected,
                "base {base:?}, reservio {reservio}, termino {termino}, origin {origin}"
            );
        }
    }

    #[test]
    fn a_merge_never_propagates_a_value_the_target_already_has() {
        let values = ["a", "b", "c"];
        for base in [None, Some("a"), Some("b"), Some("c")] {
            for reservio in values {
                for termino in values {
                    for origin in System::BOTH {
                        let merged = three_way(base.as_ref(), &reservio, &termino, origin);
                        if let Merge::Propagate { to, value } = merged {
                            let target = if to == Reservio { reservio } else { termino };
                            let source = if to == Reservio { termino } else { reservio };
                            assert_ne!(value, target);
                            assert_eq!(value, source);
                        }
                    }
                }
            }
        }
    }
}
