//! What bookbridge keeps in a Reservio booking's free-text `note`.
//!
//! Reservio has no field for another system's id, a voucher code or an idempotency key, but
//! every booking has a `note` that staff see and rarely touch. bookbridge appends one line of
//! whitespace-separated markers to it — `termino:<id>`, `voucher:<code>`, `bbkey:<key>` — and
//! reads them back from anywhere in the note, so text staff add around them does no harm.

/// The markers bookbridge reads from and writes into a booking note.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NoteMarkers {
    /// The Termino reservation id of the same appointment.
    pub termino_id: Option<String>,
    /// The Slevomat voucher code.
    pub voucher_code: Option<String>,
    /// The idempotency key of the create call that made the booking.
    pub idempotency_key: Option<String>,
}

const TERMINO: &str = "termino:";
const VOUCHER: &str = "voucher:";
const KEY: &str = "bbkey:";

/// The line's prefix, so staff can tell where the markers come from.
const LINE_PREFIX: &str = "[bookbridge]";

impl NoteMarkers {
    /// Reads the markers from a note; the first occurrence of each wins.
    pub fn parse(note: &str) -> NoteMarkers {
        let mut markers = NoteMarkers::default();
        for token in note.split_whitespace() {
            let slot_and_value = if let Some(v) = token.strip_prefix(TERMINO) {
                Some((&mut markers.termino_id, v))
            } else if let Some(v) = token.strip_prefix(VOUCHER) {
                Some((&mut markers.voucher_code, v))
            } else if let Some(v) = token.strip_prefix(KEY) {
                Some((&mut markers.idempotency_key, v))
            } else {
                None
            };
            if let Some((slot, value)) = slot_and_value {
                if slot.is_none() && !value.is_empty() {
                    *slot = Some(value.to_string());
                }
            }
        }
        markers
    }

    /// The marker line to put in a new booking's note, or why a value cannot be a marker
    /// (whitespace would split it, and the read-back would find a different value).
    pub fn render(&self) -> Result<String, String> {
        let mut line = String::from(LINE_PREFIX);
        for (prefix, value) in [
            (VOUCHER, &self.voucher_code),
            (TERMINO, &self.termino_id),
            (KEY, &self.idempotency_key),
        ] {
            if let Some(value) = value {
                if value.is_empty() || value.chars().any(char::is_whitespace) {
                    return Err(format!(
                        "{prefix} value {value:?} is empty or contains whitespace"
                    ));
                }
                line.push(' ');
                line.push_str(prefix);
                line.push_str(value);
            }
        }
        Ok(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_round_trip_through_a_note() {
        let markers = NoteMarkers {
            termino_id: Some("T-42".into()),
            voucher_code: Some("SLV-123".into()),
            idempotency_key: Some("op-7-create".into()),
        };
        let note = markers.render().expect("plain values render");
        assert_eq!(NoteMarkers::parse(&note), markers);
    }

    #[test]
    fn markers_are_found_among_text_staff_added() {
        let note =
            "Customer prefers Jana.\n[bookbridge] voucher:ABC termino:T-1\nparking at the back";
        let markers = NoteMarkers::parse(note);
        assert_eq!(markers.voucher_code.as_deref(), Some("ABC"));
        assert_eq!(markers.termino_id.as_deref(), Some("T-1"));
        assert_eq!(markers.idempotency_key, None);
    }

    #[test]
    fn the_first_marker_of_a_kind_wins_and_empty_ones_are_ignored() {
        let markers = NoteMarkers::parse("voucher: voucher:A voucher:B");
        assert_eq!(markers.voucher_code.as_deref(), Some("A"));
    }

    #[test]
    fn a_value_with_whitespace_cannot_become_a_marker() {
        let markers = NoteMarkers {
            voucher_code: Some("A B".into()),
            ..NoteMarkers::default()
        };
        assert!(markers.render().is_err());
    }
}
