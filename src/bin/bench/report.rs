//! The table the benchmark prints: one row per figure, with its target and verdict, then the
//! machine, the command and any notes.

/// Whether a figure met its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
    /// Context for another figure; has no target of its own.
    Info,
}

impl Verdict {
    pub fn of(met: bool) -> Verdict {
        if met { Verdict::Pass } else { Verdict::Fail }
    }

    fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "FAIL",
            Verdict::Info => "",
        }
    }
}

/// The figures collected so far.
pub struct Table {
    machine: String,
    command: String,
    rows: Vec<[String; 4]>,
    notes: Vec<String>,
}

impl Table {
    pub fn new(machine: String, command: String) -> Table {
        Table {
            machine,
            command,
            rows: vec![],
            notes: vec![],
        }
    }

    pub fn row(
        &mut self,
        metric: impl Into<String>,
        value: impl Into<String>,
        target: impl Into<String>,
        verdict: Verdict,
    ) {
        self.rows.push([
            metric.into(),
            value.into(),
            target.into(),
            verdict.as_str().into(),
        ]);
    }

    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    /// A plain-text table, Markdown-compatible so it can be pasted into a note as it is.
    pub fn render(&self) -> String {
        let header = ["metric", "value", "target", "result"].map(String::from);
        let mut widths = header.clone().map(|h| h.chars().count());
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |cells: &[String; 4]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(widths)
                .map(|(cell, width)| format!("{cell}{}", " ".repeat(width - cell.chars().count())))
                .collect();
            format!("| {} |", padded.join(" | "))
        };
        let rule = format!(
            "|{}|",
            widths
                .iter()
                .map(|w| "-".repeat(w + 2))
                .collect::<Vec<_>>()
                .join("|")
        );
        let mut out = vec![line(&header), rule];
        out.extend(self.rows.iter().map(line));
        out.push(String::new());
        out.push(format!("machine: {}", self.machine));
        out.push(format!("command: {}", self.command));
        out.extend(self.notes.iter().map(|n| format!("note: {n}")));
        out.join("\n")
    }
}
