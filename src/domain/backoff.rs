//! How long to wait before trying again: one rule for the push outbox, the partner e-mails and
//! the procedures' steps, so that none of them borrows it from another.

/// The delay before attempt `attempts + 1`: exponential, capped, with ±50 % jitter so that
/// many failed pushes do not all retry in the same second.
pub fn secs(attempts: i64, base: i64, max: i64, jitter: f64) -> i64 {
    let exp = base.saturating_mul(1_i64 << attempts.clamp(0, 20));
    let capped = exp.min(max).max(1) as f64;
    let factor = 0.5 + jitter.clamp(0.0, 1.0);
    ((capped * factor).round() as i64).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        assert_eq!(secs(0, 2, 300, 0.5), 2);
        assert_eq!(secs(1, 2, 300, 0.5), 4);
        assert_eq!(secs(3, 2, 300, 0.5), 16);
        assert_eq!(secs(30, 2, 300, 0.5), 300);
    }

    #[test]
    fn jitter_spreads_retries_between_half_and_one_and_a_half_times() {
        assert_eq!(secs(2, 2, 300, 0.0), 4);
        assert_eq!(secs(2, 2, 300, 1.0), 12);
        assert!(secs(0, 0, 300, 0.0) >= 1);
    }
}
