//! Query-time synonym expansion for municipal policy vocabulary.
//! A query term found in a group is expanded to the group's other members,
//! searched with a lower weight than the literal term.

use std::collections::HashMap;

use super::normalize::normalize_inline;
use super::variants::fold_term;

/// The synonym groups shipped with the project (one group per line,
/// members separated by commas; `#` starts a comment).
pub const BUILTIN: &str = include_str!("../../data/synonyms.txt");

/// Synonym groups indexed by their normalized members.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    groups: Vec<Vec<String>>,
    by_member: HashMap<String, Vec<usize>>,
}

/// Canonical key of a term: NFKC, folded variants, lowercase, no spaces.
pub fn key(term: &str) -> String {
    let n = normalize_inline(term);
    let n = fold_term(&n).unwrap_or(n);
    n.chars().filter(|c| !c.is_whitespace()).collect()
}

impl Synonyms {
    /// Parses groups from text. Returns an error naming the line for a
    /// group with fewer than two members.
    pub fn parse(text: &str) -> Result<Synonyms, String> {
        let mut s = Synonyms::default();
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let members: Vec<String> = line
                .split([',', '、'])
                .map(normalize_inline)
                .filter(|m| !m.is_empty())
                .collect();
            if members.len() < 2 {
                return Err(format!(
                    "line {}: a synonym group needs at least two members separated by commas",
                    i + 1
                ));
            }
            s.add_group(members);
        }
        Ok(s)
    }

    fn add_group(&mut self, members: Vec<String>) {
        let idx = self.groups.len();
        for m in &members {
            let entry = self.by_member.entry(key(m)).or_default();
            if !entry.contains(&idx) {
                entry.push(idx);
            }
        }
        self.groups.push(members);
    }

    /// Adds the groups of another set (user files on top of the builtin).
    pub fn extend(&mut self, other: Synonyms) {
        for g in other.groups {
            self.add_group(g);
        }
    }

    /// The builtin groups.
    pub fn builtin() -> Synonyms {
        Synonyms::parse(BUILTIN).expect("shipped synonyms are valid")
    }

    /// Every member of every group, as listed.
    pub fn members(&self) -> impl Iterator<Item = &str> {
        self.groups.iter().flatten().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The other members of every group `term` belongs to.
    pub fn expand(&self, term: &str) -> Vec<String> {
        let k = key(term);
        let mut out: Vec<String> = Vec::new();
        for &g in self.by_member.get(&k).into_iter().flatten() {
            for m in &self.groups[g] {
                if key(m) != k && !out.contains(m) {
                    out.push(m.clone());
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_to_other_members_after_normalization() {
        let s = Synonyms::parse(
            "公民連携, 官民連携, PPP\n# comment\nＤＸ,デジタルトランスフォーメーション",
        )
        .unwrap();
        assert_eq!(s.expand("官民連携"), vec!["公民連携", "PPP"]);
        assert_eq!(s.expand("dx"), vec!["デジタルトランスフォーメーション"]);
        assert!(s.expand("防災").is_empty());
    }

    #[test]
    fn one_member_group_is_an_error() {
        assert!(Synonyms::parse("防災").unwrap_err().contains("line 1"));
    }

    #[test]
    fn builtin_parses() {
        assert!(!Synonyms::builtin().is_empty());
    }
}
