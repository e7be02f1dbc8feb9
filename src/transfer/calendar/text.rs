//! The file's text as the parser reads it: content lines unfolded (RFC 5545 §3.1), each
//! remembering the line of the file it started on, so that every problem can name it.

/// Unfolded content lines joined by `\n`, with where each starts and which file line it
/// came from.
pub(super) struct Unfolded {
    pub text: String,
    /// Byte offset in `text` of each unfolded line.
    starts: Vec<usize>,
    /// The 1-based file line each unfolded line began on.
    origins: Vec<u64>,
}

impl Unfolded {
    /// Unfolds `input`: a line starting with a space or a tab continues the one before.
    /// Blank lines are dropped; a UTF-8 byte-order mark is ignored; CRLF and LF both end
    /// lines.
    pub fn new(input: &str) -> Unfolded {
        let input = input.strip_prefix('\u{feff}').unwrap_or(input);
        let mut text = String::with_capacity(input.len() + 1);
        let mut starts = Vec::new();
        let mut origins = Vec::new();
        for (i, raw) in input.split('\n').enumerate() {
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            let continues = line.starts_with([' ', '\t']) && !starts.is_empty();
            if continues {
                // Drop the newline that ended the previous line, then its continuation.
                text.pop();
                text.push_str(&line[1..]);
                text.push('\n');
            } else if !line.trim().is_empty() {
                starts.push(text.len());
                origins.push(i as u64 + 1);
                text.push_str(line);
                text.push('\n');
            }
        }
        Unfolded {
            text,
            starts,
            origins,
        }
    }

    /// The file line of the content line holding byte `offset` of `text`.
    pub fn line_at(&self, offset: usize) -> u64 {
        let idx = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(0) => 0,
            Err(i) => i - 1,
        };
        self.origins.get(idx).copied().unwrap_or(1)
    }

    /// The file line of `part`, when it is a slice of `text` (the parser borrows names and
    /// most values from it).
    pub fn line_of(&self, part: &str) -> Option<u64> {
        let base = self.text.as_ptr() as usize;
        let at = part.as_ptr() as usize;
        (at >= base && at <= base + self.text.len()).then(|| self.line_at(at - base))
    }

    /// The unfolded content line holding byte `offset`, for messages.
    pub fn content_at(&self, offset: usize) -> &str {
        let start = self.text[..offset.min(self.text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        self.text[start..].lines().next().unwrap_or("")
    }
}
