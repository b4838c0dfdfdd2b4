//! The user's query language, parsed by hand (tantivy's QueryParser turns an
//! unspaced Japanese query into one phrase, tantivy#718).
//!
//! - spaces (also 「　」) separate terms, all of which are required;
//! - `"…"` is a phrase;
//! - `-term` excludes;
//! - `OR` between terms makes them alternatives.

use crate::analysis::normalize::normalize_inline;
use crate::error::{QueryError, Result};

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// Most terms accepted in one query.
pub const MAX_TERMS: usize = 32;

/// One searchable unit typed by the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Atom {
    /// An unquoted word: analyzed, its words required, proximity boosted.
    Word(String),
    /// A quoted phrase: must occur as written (modulo particles dropped).
    Phrase(String),
}

impl Atom {
    pub fn text(&self) -> &str {
        match self {
            Atom::Word(s) | Atom::Phrase(s) => s,
        }
    }
}

/// A parsed query: every group is required; inside a group any alternative
/// matches; excluded atoms must not match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    pub groups: Vec<Vec<Atom>>,
    pub excluded: Vec<Atom>,
}

impl ParsedQuery {
    /// Every positive atom, in order.
    pub fn atoms(&self) -> impl Iterator<Item = &Atom> {
        self.groups.iter().flatten()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

#[derive(Debug, PartialEq)]
enum Lexeme {
    Atom(Atom, bool),
    Or,
}

/// Parses the user's query. Errors say what to change.
pub fn parse(input: &str) -> Result<ParsedQuery> {
    if input.chars().count() > MAX_QUERY_CHARS {
        return Err(QueryError::ValueTooLong {
            parameter: "q",
            max_chars: MAX_QUERY_CHARS,
        }
        .into());
    }
    let text = normalize_inline(input);
    let lexemes = lex(&text);
    let mut query = ParsedQuery::default();
    let mut pending_or = false;
    for lexeme in lexemes {
        match lexeme {
            Lexeme::Or => pending_or = !query.groups.is_empty(),
            Lexeme::Atom(atom, true) => {
                query.excluded.push(atom);
                pending_or = false;
            }
            Lexeme::Atom(atom, false) => {
                match query.groups.last_mut() {
                    Some(group) if pending_or => group.push(atom),
                    _ => query.groups.push(vec![atom]),
                }
                pending_or = false;
            }
        }
    }
    let terms = query.groups.iter().map(Vec::len).sum::<usize>() + query.excluded.len();
    if terms > MAX_TERMS {
        return Err(QueryError::TooManyTerms {
            terms,
            max: MAX_TERMS,
        }
        .into());
    }
    if query.groups.is_empty() {
        return Err(if query.excluded.is_empty() {
            QueryError::Empty
        } else {
            QueryError::OnlyExcludes
        }
        .into());
    }
    Ok(query)
}

fn lex(text: &str) -> Vec<Lexeme> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let negated = c == '-' && {
            let mut look = chars.clone();
            look.next();
            matches!(look.peek(), Some(n) if !n.is_whitespace())
        };
        if negated {
            chars.next();
        } else if c == '-' {
            // A lone dash excludes nothing and searches nothing.
            chars.next();
            continue;
        }
        if chars.peek() == Some(&'"') {
            chars.next();
            let phrase: String = chars.by_ref().take_while(|&c| c != '"').collect();
            let phrase = phrase.trim().to_string();
            if !phrase.is_empty() {
                out.push(Lexeme::Atom(Atom::Phrase(phrase), negated));
            }
            continue;
        }
        let mut word = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() || (c == '"' && !word.is_empty()) {
                break;
            }
            word.push(c);
            chars.next();
        }
        let word = word.trim_matches('"').to_string();
        if word.is_empty() {
            continue;
        }
        if word == "OR" && !negated {
            out.push(Lexeme::Or);
        } else {
            out.push(Lexeme::Atom(Atom::Word(word), negated));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Atom {
        Atom::Word(s.to_string())
    }

    #[test]
    fn spaces_separate_required_terms_full_width_too() {
        let q = parse("待機児童　解消 対策").unwrap();
        assert_eq!(
            q.groups,
            vec![vec![w("待機児童")], vec![w("解消")], vec![w("対策")]]
        );
    }

    #[test]
    fn phrases_exclusions_and_or() {
        let q = parse("\"公民 連携\" -PPP 防災 OR 減災").unwrap();
        assert_eq!(
            q.groups,
            vec![
                vec![Atom::Phrase("公民 連携".into())],
                vec![w("防災"), w("減災")]
            ]
        );
        assert_eq!(q.excluded, vec![w("PPP")]);
    }

    #[test]
    fn full_width_input_is_normalized() {
        let q = parse("ＤＸ　－ＲＰＡ").unwrap();
        assert_eq!(q.groups, vec![vec![w("DX")]]);
        assert_eq!(q.excluded, vec![w("RPA")]);
    }

    #[test]
    fn empty_and_exclusion_only_queries_are_errors() {
        assert!(parse("   ").is_err());
        assert!(parse("-防災").is_err());
        assert!(parse("\"\"").is_err());
        assert!(parse(&"あ".repeat(MAX_QUERY_CHARS + 1)).is_err());
    }

    #[test]
    fn lone_or_and_dash_are_words_or_ignored() {
        let q = parse("OR 防災 OR").unwrap();
        assert_eq!(q.groups, vec![vec![w("防災")]]);
        let q = parse("- 防災").unwrap();
        assert_eq!(q.groups, vec![vec![w("防災")]]);
    }

    #[test]
    fn unbalanced_quote_takes_the_rest() {
        let q = parse("\"避難所 停電").unwrap();
        assert_eq!(q.groups, vec![vec![Atom::Phrase("避難所 停電".into())]]);
    }
}
