//! A connection's life (FAQ: "connection set-up") and the connection ID a partner sends to its
//! sales rep.
//!
//! `requested → mapped → verifying → active`, plus `rejected`, `suspended` and `disconnected`.
//! Only the partner may take a connection live: the channel maps and confirms, the partner
//! checks that bookings and availability copy over, and then says "everything matches".

use std::fmt;

use rand::Rng;

use super::account::Invalid;

/// Where a connection stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConnectionState {
    /// The partner generated a connection ID; the channel has not mapped services yet.
    Requested,
    /// The sales rep mapped the partner's services to the channel's offers.
    Mapped,
    /// The sales rep confirmed the mapping; the partner checks that bookings copy over. Sync
    /// already runs, so there is something to check.
    Verifying,
    /// Live: the partner found everything matching.
    Active,
    /// The channel declined the connection.
    Rejected,
    /// Paused by the channel; nothing syncs.
    Suspended,
    /// Ended for good; its data stays.
    Disconnected,
}

/// A state change the connection life cycle does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a connection cannot go from {from} to {to}")]
pub struct IllegalConnectionTransition {
    pub from: ConnectionState,
    pub to: ConnectionState,
}

impl ConnectionState {
    /// Every state, in life-cycle order.
    pub const ALL: [ConnectionState; 7] = [
        ConnectionState::Requested,
        ConnectionState::Mapped,
        ConnectionState::Verifying,
        ConnectionState::Active,
        ConnectionState::Rejected,
        ConnectionState::Suspended,
        ConnectionState::Disconnected,
    ];

    /// The name stored in the database; also the stem of its `*_at`/`*_by` columns.
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionState::Requested => "requested",
            ConnectionState::Mapped => "mapped",
            ConnectionState::Verifying => "verifying",
            ConnectionState::Active => "active",
            ConnectionState::Rejected => "rejected",
            ConnectionState::Suspended => "suspended",
            ConnectionState::Disconnected => "disconnected",
        }
    }

    /// The catalogue key of the state's name, spelled out so the catalogue check finds it.
    pub fn label_key(self) -> &'static str {
        match self {
            ConnectionState::Requested => "connection-state-requested",
            ConnectionState::Mapped => "connection-state-mapped",
            ConnectionState::Verifying => "connection-state-verifying",
            ConnectionState::Active => "connection-state-active",
            ConnectionState::Rejected => "connection-state-rejected",
            ConnectionState::Suspended => "connection-state-suspended",
            ConnectionState::Disconnected => "connection-state-disconnected",
        }
    }

    /// The badge colour of the state: live is good, ended is bad, the rest is on its way.
    pub fn css(self) -> &'static str {
        match self {
            ConnectionState::Active => "ok",
            ConnectionState::Rejected
            | ConnectionState::Suspended
            | ConnectionState::Disconnected => "bad",
            _ => "warn",
        }
    }

    /// Whether the sales rep may still change the service mapping: before the partner has
    /// started checking it.
    pub fn mapping_editable(self) -> bool {
        matches!(self, ConnectionState::Requested | ConnectionState::Mapped)
    }

    /// Whether bookbridge keeps the connection's bookings in step and can act in its systems:
    /// only then can a guided procedure on one of its bookings go on.
    pub fn syncs(self) -> bool {
        matches!(self, ConnectionState::Verifying | ConnectionState::Active)
    }

    /// Whether the connection is still being set up (the partner should not open a second).
    pub fn in_setup(self) -> bool {
        matches!(
            self,
            ConnectionState::Requested | ConnectionState::Mapped | ConnectionState::Verifying
        )
    }

    /// Moves to `to` if the life cycle allows it. Staying put is refused, so a stale form or a
    /// double click shows an error instead of a second audit row.
    pub fn transition(
        self,
        to: ConnectionState,
    ) -> Result<ConnectionState, IllegalConnectionTransition> {
        use ConnectionState::*;
        let allowed = match (self, to) {
            (Requested, Mapped) | (Mapped, Verifying) | (Verifying, Active) => true,
            // A problem found while verifying sends the mapping back to the sales rep.
            (Verifying, Mapped) => true,
            (Requested | Mapped | Verifying, Rejected) => true,
            (Active, Suspended) | (Suspended, Active) => true,
            (from, Disconnected) => from != Disconnected,
            _ => false,
        };
        if allowed {
            Ok(to)
        } else {
            Err(IllegalConnectionTransition { from: self, to })
        }
    }
}

stored_by_name!(ConnectionState, "connection state");

/// Letters and digits nobody confuses when reading a code aloud or typing it: no 0/O, 1/I/L.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// How many symbols a generated code has: 31^10 ≈ 2^49.5, far too many to guess.
pub const CODE_LENGTH: usize = 10;

/// The longest code a form may send; demo codes are longer than generated ones.
const CODE_MAX_INPUT: usize = 40;

/// A connection ID: what the partner reads to its sales rep, e.g. `K7QM4-XW9PD`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ConnectionCode(String);

impl ConnectionCode {
    /// A fresh random code, grouped in two halves for reading aloud.
    pub fn generate(rng: &mut impl Rng) -> ConnectionCode {
        let symbols: String = (0..CODE_LENGTH)
            .map(|_| char::from(CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())]))
            .collect();
        ConnectionCode(group(&symbols))
    }

    /// A code as someone typed it: any case, with or without the dash, spaces anywhere.
    pub fn parse(raw: &str) -> Result<ConnectionCode, Invalid> {
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        if compact.is_empty() {
            return Err(Invalid("error-code-empty"));
        }
        let well_formed = compact.chars().count() <= CODE_MAX_INPUT
            && compact
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
        if !well_formed {
            return Err(Invalid("error-code-invalid"));
        }
        // A generated code typed without its dash still finds the connection.
        let generated_shape =
            compact.len() == CODE_LENGTH && compact.bytes().all(|b| CODE_ALPHABET.contains(&b));
        Ok(ConnectionCode(if generated_shape {
            group(&compact)
        } else {
            compact
        }))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `ABCDEFGHJK` → `ABCDE-FGHJK`.
fn group(symbols: &str) -> String {
    let (head, tail) = symbols.split_at(symbols.len() / 2);
    format!("{head}-{tail}")
}

impl fmt::Display for ConnectionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::ConnectionState::*;
    use super::*;

    #[test]
    fn the_set_up_goes_requested_mapped_verifying_active() {
        assert_eq!(Requested.transition(Mapped), Ok(Mapped));
        assert_eq!(Mapped.transition(Verifying), Ok(Verifying));
        assert_eq!(Verifying.transition(Active), Ok(Active));
    }

    #[test]
    fn no_step_of_the_set_up_can_be_skipped_or_repeated() {
        for (from, to) in [
            (Requested, Verifying),
            (Requested, Active),
            (Mapped, Active),
            (Mapped, Mapped),
            (Verifying, Verifying),
            (Active, Active),
            (Active, Verifying),
            (Rejected, Mapped),
            (Disconnected, Active),
            (Disconnected, Disconnected),
        ] {
            assert_eq!(
                from.transition(to),
                Err(IllegalConnectionTransition { from, to }),
                "{from} → {to}"
            );
        }
    }

    #[test]
    fn a_problem_found_while_verifying_goes_back_to_mapping() {
        assert_eq!(Verifying.transition(Mapped), Ok(Mapped));
        assert!(!Verifying.mapping_editable());
        assert!(Mapped.mapping_editable());
    }

    #[test]
    fn every_state_but_disconnected_may_be_disconnected() {
        for state in ConnectionState::ALL {
            assert_eq!(
                state.transition(Disconnected).is_ok(),
                state != Disconnected,
                "{state}"
            );
        }
    }

    #[test]
    fn states_round_trip_through_their_names() {
        for state in ConnectionState::ALL {
            assert_eq!(state.as_str().parse::<ConnectionState>(), Ok(state));
            assert!(state.label_key().ends_with(state.as_str()));
        }
        assert!("live".parse::<ConnectionState>().is_err());
    }

    #[test]
    fn generated_codes_use_the_unambiguous_alphabet_and_differ() {
        let mut rng = StdRng::seed_from_u64(7);
        let codes: HashSet<String> = (0..500)
            .map(|_| ConnectionCode::generate(&mut rng).0)
            .collect();
        assert_eq!(codes.len(), 500);
        for code in &codes {
            assert_eq!(code.len(), CODE_LENGTH + 1, "{code}");
            assert_eq!(code.as_bytes()[CODE_LENGTH / 2], b'-', "{code}");
            assert!(
                code.bytes()
                    .filter(|b| *b != b'-')
                    .all(|b| CODE_ALPHABET.contains(&b)),
                "{code}"
            );
        }
        for confusable in ["0", "O", "1", "I", "L"] {
            assert!(!codes.iter().any(|c| c.contains(confusable)));
        }
    }

    #[test]
    fn a_typed_code_is_found_however_it_was_written() {
        let want = ConnectionCode("K7QM4-XW9PD".into());
        for typed in ["K7QM4-XW9PD", "k7qm4-xw9pd", " k7qm4 xw9pd ", "K7QM4XW9PD"] {
            assert_eq!(ConnectionCode::parse(typed), Ok(want.clone()), "{typed:?}");
        }
        assert_eq!(
            ConnectionCode::parse("demo1-abc123").map(|c| c.0),
            Ok("DEMO1-ABC123".into())
        );
    }

    #[test]
    fn empty_and_garbled_codes_are_refused_with_a_reason() {
        assert_eq!(
            ConnectionCode::parse("  "),
            Err(Invalid("error-code-empty"))
        );
        for bad in ["K7QM4/XW9PD", "<script>", &"A".repeat(41), "ŽLUŤ"] {
            assert_eq!(
                ConnectionCode::parse(bad),
                Err(Invalid("error-code-invalid")),
                "{bad}"
            );
        }
    }
}
