//! The raw document, checked before it is parsed: size, tokens and bracket nesting.

use crate::config::LimitSettings;

use super::{Limit, MAX_NESTING, Refusal};

/// Checks the raw document before it is parsed: its size in bytes, its token count
/// (stopping as soon as the limit is passed) and how deep its brackets nest.
pub fn check_document(query: &str, limits: &LimitSettings) -> Result<(), Refusal> {
    if query.len() > limits.max_document_bytes {
        return Err(Refusal::new(
            Limit::DocumentBytes,
            limits.max_document_bytes,
            Some(query.len() as u64),
            format!(
                "the query document has {} bytes, more than the limit of {}",
                query.len(),
                limits.max_document_bytes
            ),
        ));
    }
    let mut lexer = Lexer::new(query);
    let mut tokens = 0usize;
    let mut nesting = 0usize;
    while let Some(token) = lexer.next_token() {
        tokens += 1;
        if tokens > limits.max_tokens {
            return Err(Refusal::new(
                Limit::Tokens,
                limits.max_tokens,
                None,
                format!(
                    "the query document has more than the limit of {} tokens",
                    limits.max_tokens
                ),
            ));
        }
        match token {
            Token::Open => {
                nesting += 1;
                if nesting > MAX_NESTING {
                    return Err(Refusal::new(
                        Limit::Nesting,
                        MAX_NESTING,
                        None,
                        format!("brackets in the query nest more than {MAX_NESTING} deep"),
                    ));
                }
            }
            Token::Close => nesting = nesting.saturating_sub(1),
            Token::Other => {}
        }
    }
    Ok(())
}

/// Counts the tokens of a document (names, numbers, strings, punctuators), for tests and
/// diagnostics.
pub fn count_tokens(query: &str) -> usize {
    let mut lexer = Lexer::new(query);
    let mut tokens = 0;
    while lexer.next_token().is_some() {
        tokens += 1;
    }
    tokens
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    Other,
}

/// A GraphQL lexer that only tells tokens apart from what the grammar ignores (white space,
/// commas, comments, a byte order mark). Anything it does not know is one token: the
/// parser will refuse it anyway.
struct Lexer<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Lexer<'a> {
    fn new(query: &'a str) -> Self {
        Self {
            bytes: query.as_bytes(),
            at: 0,
        }
    }

    fn peek(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.at + offset).copied()
    }

    fn next_token(&mut self) -> Option<Token> {
        self.skip_ignored();
        let first = self.peek(0)?;
        let token = match first {
            b'{' | b'(' | b'[' => {
                self.at += 1;
                Token::Open
            }
            b'}' | b')' | b']' => {
                self.at += 1;
                Token::Close
            }
            b'.' if self.peek(1) == Some(b'.') && self.peek(2) == Some(b'.') => {
                self.at += 3;
                Token::Other
            }
            b'"' if self.peek(1) == Some(b'"') && self.peek(2) == Some(b'"') => {
                self.block_string();
                Token::Other
            }
            b'"' => {
                self.string();
                Token::Other
            }
            b'_' | b'a'..=b'z' | b'A'..=b'Z' => {
                self.at += 1;
                while matches!(
                    self.peek(0),
                    Some(b'_' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
                ) {
                    self.at += 1;
                }
                Token::Other
            }
            b'-' | b'0'..=b'9' => {
                self.number();
                Token::Other
            }
            // Other punctuators (! $ & : = @ |) and anything unknown: one byte, one token
            // (a multi-byte character is skipped whole).
            _ => {
                self.at += 1;
                while self.peek(0).is_some_and(|b| b & 0xC0 == 0x80) {
                    self.at += 1;
                }
                Token::Other
            }
        };
        Some(token)
    }

    fn skip_ignored(&mut self) {
        while let Some(b) = self.peek(0) {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' | b',' => self.at += 1,
                b'#' => {
                    while !matches!(self.peek(0), None | Some(b'\n' | b'\r')) {
                        self.at += 1;
                    }
                }
                // U+FEFF, the byte order mark.
                0xEF if self.peek(1) == Some(0xBB) && self.peek(2) == Some(0xBF) => self.at += 3,
                _ => return,
            }
        }
    }

    /// `"…"` with backslash escapes; an unterminated string ends at the line's end.
    fn string(&mut self) {
        self.at += 1;
        while let Some(b) = self.peek(0) {
            self.at += 1;
            match b {
                b'\\' => self.at += 1,
                b'"' | b'\n' | b'\r' => return,
                _ => {}
            }
        }
    }

    /// `"""…"""`, where `\"""` does not end the string.
    fn block_string(&mut self) {
        self.at += 3;
        while self.at < self.bytes.len() {
            if self.bytes[self.at..].starts_with(b"\\\"\"\"") {
                self.at += 4;
            } else if self.bytes[self.at..].starts_with(b"\"\"\"") {
                self.at += 3;
                return;
            } else {
                self.at += 1;
            }
        }
    }

    /// An int or float: sign, digits, fraction, exponent (with its own sign).
    fn number(&mut self) {
        self.at += 1;
        while let Some(b) = self.peek(0) {
            let exponent_sign = matches!(b, b'+' | b'-')
                && matches!(self.bytes.get(self.at - 1), Some(b'e' | b'E'));
            if b.is_ascii_alphanumeric() || b == b'.' || exponent_sign {
                self.at += 1;
            } else {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lexer_counts_tokens_and_skips_what_the_grammar_ignores() {
        assert_eq!(count_tokens("{ a(b: 1.5e+3, c: \"x\\\"y\") }"), 11);
        assert_eq!(count_tokens("# a comment\n\u{feff}{ ...F }"), 4);
        assert_eq!(count_tokens("{ a(s: \"\"\"x \\\"\"\" \"y\"\"\") @d }"), 10);
        assert_eq!(count_tokens("query Q($v: [Int!]! = [-1]) { x }"), 19);
    }

    #[test]
    fn documents_over_the_token_size_or_nesting_limits_are_refused() {
        let limits = LimitSettings::default();
        let under = "{ __typename }".to_string() + &" a".repeat(limits.max_tokens - 3);
        assert!(check_document(&under, &limits).is_ok());
        let over = under.clone() + " a";
        assert_eq!(
            check_document(&over, &limits).unwrap_err().limit,
            Limit::Tokens
        );
        let big = " ".repeat(limits.max_document_bytes + 1);
        assert_eq!(
            check_document(&big, &limits).unwrap_err().limit,
            Limit::DocumentBytes
        );
        let deep = "{".repeat(MAX_NESTING + 1);
        assert_eq!(
            check_document(&deep, &limits).unwrap_err().limit,
            Limit::Nesting
        );
    }
}
