//! Free text a person writes for other people: a resolution note, a case note, a problem report.

use super::account::Invalid;

/// The longest note kept; enough for a paragraph or two, not for pasted logs.
pub const NOTE_MAX_CHARS: usize = 2000;

/// A note with something in it: trimmed, not empty, not overlong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note(String);

impl Note {
    pub fn parse(raw: &str) -> Result<Note, Invalid> {
        let text = raw.trim();
        if text.is_empty() {
            Err(Invalid("error-note-empty"))
        } else if text.chars().count() > NOTE_MAX_CHARS {
            Err(Invalid("error-note-long"))
        } else {
            Ok(Note(text.replace("\r\n", "\n")))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_trimmed_and_keeps_its_lines() {
        assert_eq!(
            Note::parse("  Called the salon.\r\nThey keep it.  ").map(|n| n.0),
            Ok("Called the salon.\nThey keep it.".into())
        );
    }

    #[test]
    fn an_empty_or_blank_note_is_refused() {
        for blank in ["", "   ", "\n\t"] {
            assert_eq!(Note::parse(blank), Err(Invalid("error-note-empty")));
        }
    }

    #[test]
    fn an_overlong_note_is_refused() {
        assert!(Note::parse(&"x".repeat(NOTE_MAX_CHARS)).is_ok());
        assert_eq!(
            Note::parse(&"x".repeat(NOTE_MAX_CHARS + 1)),
            Err(Invalid("error-note-long"))
        );
    }
}
