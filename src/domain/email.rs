//! Confirmation e-mails to partners (FAQ rule 6: a notification confirms what the channel did).
//! Their life cycle: `pending → sent`, or `pending → failed` once retries run out; `held` is the
//! demo's (and an instance without SMTP's) state: kept for the Outbox page, never sent.

/// Where one e-mail stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EmailState {
    /// Waiting for the sender (or for its next try after a failure).
    Pending,
    /// The SMTP server accepted it.
    Sent,
    /// Refused for good, or still failing after the last try.
    Failed,
    /// No SMTP is configured: shown on the Outbox page instead of being sent.
    Held,
}

impl EmailState {
    pub const ALL: [EmailState; 4] = [
        EmailState::Pending,
        EmailState::Sent,
        EmailState::Failed,
        EmailState::Held,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EmailState::Pending => "pending",
            EmailState::Sent => "sent",
            EmailState::Failed => "failed",
            EmailState::Held => "held",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            EmailState::Pending => "email-state-pending",
            EmailState::Sent => "email-state-sent",
            EmailState::Failed => "email-state-failed",
            EmailState::Held => "email-state-held",
        }
    }

    /// The badge's colour class.
    pub fn css(self) -> &'static str {
        match self {
            EmailState::Pending => "warn",
            EmailState::Sent => "ok",
            EmailState::Failed => "bad",
            EmailState::Held => "",
        }
    }
}

stored_by_name!(EmailState, "e-mail state");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_from_its_stored_name_and_has_its_own_label() {
        for state in EmailState::ALL {
            assert_eq!(state.as_str().parse::<EmailState>(), Ok(state));
            assert!(state.label_key().ends_with(state.as_str()));
        }
        assert!("queued".parse::<EmailState>().is_err());
    }
}
