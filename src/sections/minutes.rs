//! Council minutes: a document whose lines mark speeches
//! (`○議長(山田太郎) …`, `◆1番(鈴木花子議員) …`, `◎市長(田中一郎) …`)
//! is cut into one passage per speech (a long one windowed, every window
//! keeping its speech), each with its speaker, role, agenda item and order.
//!
//! The text reaching this module is NFKC-normalised (`(` not `（`, digits
//! and spaces half-width). Agenda items are mark lines that are not
//! speeches (`△日程第1 一般質問`, `◎日程第2 …`); procedural marks
//! (`△休憩`, `△再開`) do not change the item. In 一般質問 and 質疑 a
//! member's speech that executive speeches follow is a question, and those
//! speeches (up to the next member's) are its answers.

use std::sync::LazyLock;

use regex::Regex;

use super::classify::chars;
use super::window::{self, Unit};
use crate::archive::Block;

/// Fewer speaker lines than this: not minutes (a plan may quote one).
/// Speaker lines name a role an assembly knows, so a plan's marked
/// headings (`◎基本方針`, `○課題(人口減少)`) never count.
const MIN_SPEECHES: usize = 3;
/// Longest agenda item kept (chars, before '…'): a 日程 line may list
/// a dozen bills.
const AGENDA_CHARS: usize = 60;
/// Longest sub-item (`工藤英人議員`) appended to its agenda item.
const SUB_AGENDA_CHARS: usize = 30;

/// One speech of a meeting, on every passage cut from it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Speech {
    /// Speaker's name, spaces removed (`人見武男`); empty when the line
    /// names a role only.
    pub speaker: String,
    /// 議長, 副議長, 市長, 教育長, a department head's title (`都市整備部長`),
    /// or 議員 for a member (`12番`).
    pub role: String,
    /// The agenda item the speech falls under (`日程第1 一般質問 / 工藤英人議員`).
    pub agenda: Option<String>,
    /// Order in the meeting, from 1.
    pub no: u32,
    /// Question or answer of a 一般質問 / 質疑 exchange.
    pub qa: Option<Qa>,
}

impl Speech {
    /// `工藤英人（議員）`: who speaks, as titles show it and as a speech's
    /// title is searched (its sentence is the passage's text already).
    pub fn who(&self) -> String {
        match (self.speaker.is_empty(), self.role.is_empty()) {
            (false, false) => format!("{}（{}）", self.speaker, self.role),
            (false, true) => self.speaker.clone(),
            (true, _) => self.role.clone(),
        }
    }
}

/// A speech's place in a question and its answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Qa {
    pub kind: QaKind,
    /// `no` of the question (for a question, its own).
    pub thread: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QaKind {
    Question,
    Answer,
}

impl QaKind {
    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            QaKind::Question => "question",
            QaKind::Answer => "answer",
        }
    }
}

/// Who a role speaks for: the group filter `speaker_group` and the
/// question/answer roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Members (`12番`, committee chairs reporting).
    Member,
    /// The mayor and the administration answering to the assembly.
    Executive,
    /// Whoever chairs the sitting.
    Chair,
    /// Council staff and anything unrecognised.
    Other,
}

impl Group {
    /// The stored (and filtered) name.
    pub fn name(self) -> &'static str {
        match self {
            Group::Member => "議員",
            Group::Executive => "執行部",
            Group::Chair => "議長",
            Group::Other => "その他",
        }
    }

    /// Every stored name, for validating a filter value.
    pub const NAMES: [&'static str; 4] = ["議員", "執行部", "議長", "その他"];
}

/// A role a speaker line may name: a member, the chair, the
/// administration, or council staff (`事務局長`, `議事課長`).
fn is_speaker_role(role: &str) -> bool {
    group_of(role) != Group::Other
        || role.contains("事務局")
        || role.starts_with("議事")
        || role.starts_with("議会")
}

/// The group of a (normalised) role.
pub fn group_of(role: &str) -> Group {
    if role == "議員" {
        return Group::Member;
    }
    if matches!(role, "議長" | "副議長" | "臨時議長" | "仮議長" | "年長議員") {
        return Group::Chair;
    }
    // Council staff read reports and roll calls; they answer nothing.
    if role.contains("事務局") || role.starts_with("議事") || role.starts_with("議会") {
        return Group::Other;
    }
    // A committee chair reporting to the plenary is a member; the chairs
    // of the administrative committees (選挙管理委員会委員長) are not.
    if role.ends_with("委員長") && !role.contains("委員会") {
        return Group::Member;
    }
    if EXECUTIVE_ROLE.is_match(role) {
        return Group::Executive;
    }
    Group::Other
}

/// Titles of the administration: heads (`…長`), 助役, 収入役, 参事, 理事,
/// 会計管理者, 監査委員 ….
static EXECUTIVE_ROLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(長|役|参事|理事|管理者|委員|監|官|参与|主幹|次長|補佐|担当)$")
        .expect("static regex")
});

/// A speaker line: a mark, a role, the name in parentheses, the speech.
/// Also `○(氏名)議員 …`, `○(氏名)村長 …`: the role after the name.
static SPEAKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[○◯〇◎◆◇●]\s?([^\s()、。]{0,20}?)\s?\(([^()]{1,24})\)\s?([^\s()、。]{0,12}?(?:議員|君|委員|長))?(?:\s+|$)(.*)$",
    )
    .expect("static regex")
});
/// A speaker named without parentheses: `○山田太郎君 …`, `○山田議員 …`.
static NAMED_SPEAKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[○◯〇◎◆◇●]\s?([^\s()、。0-9]{1,10}?)(君|議員)\s+(\S.*)$").expect("static regex")
});
/// A member by seat: `12番`.
static SEAT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9]{1,3}番$").expect("static regex"));
/// Not a name: an item (`報告第3号`), a continuation mark (`続行`).
static NOT_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[0-9第号続、。・,]|続行|説明|報告").expect("static regex"));
/// An agenda or procedure line: a mark and text that is not a speech.
static AGENDA_MARK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[△▲□■◎◇◆○◯〇]\s?(\S.*)$").expect("static regex"));
/// Procedure that does not change the agenda item.
static PROCEDURAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(開議|開会|閉議|閉会|休憩|再開|散会|延会|発言の?訂正|発言の?取り?消し|会議時間の延長|会議録署名議員|日程の?追加|議事日程の追加|諸般の報告|黙祷|黙とう)|続行")
        .expect("static regex")
});
/// Stages of an item: a question-and-answer stage turns linking on, the
/// others off.
static STAGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(提案理由の説明|提案説明|質疑|一般質問|緊急質問|代表質問|個人質問|質問|討論|表決|採決|委員長報告|委員会付託|審査報告)")
        .expect("static regex")
});
/// An agenda item or stage where members question the administration.
static QA_STAGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"一般質問|質疑|代表質問|個人質問|緊急質問|市政に対する質問|質問")
        .expect("static regex")
});

/// A parsed speaker line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SpeakerLine {
    pub speaker: String,
    pub role: String,
    /// The speech's text on the line, after the speaker.
    pub rest: String,
}

/// Removes spaces (names are spaced out to align: `飯 島 英 規`) and
/// honorifics.
fn clean_name(raw: &str) -> String {
    let name: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let name = ["議員", "君", "さん", "氏"]
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .unwrap_or(&name);
    name.to_string()
}

/// The role as stored: a seat (`12番`) is 議員; spaces removed.
pub fn normalise_role(raw: &str) -> String {
    let role: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if SEAT.is_match(&role) {
        "議員".to_string()
    } else {
        role
    }
}

/// Reads a speaker line; `None` for any other line (an item heading
/// `○質疑(報告第2号)` included).
pub(super) fn speaker_line(line: &str) -> Option<SpeakerLine> {
    let first = line.chars().next()?;
    if !matches!(first, '○' | '◯' | '〇' | '◎' | '◆' | '◇' | '●') {
        return None;
    }
    if let Some(c) = SPEAKER.captures(line) {
        let raw_name = c.get(2).map_or("", |m| m.as_str());
        if NOT_NAME.is_match(raw_name) {
            return None;
        }
        let speaker = clean_name(raw_name);
        if speaker.is_empty() || chars(&speaker) > 12 {
            return None;
        }
        let before = c.get(1).map_or("", |m| m.as_str());
        let after = c.get(3).map_or("", |m| m.as_str());
        let honoured = ["君", "議員", "さん"]
            .iter()
            .any(|h| raw_name.trim_end().ends_with(h));
        let role = match (before, after) {
            ("", "君") => String::new(),
            ("", "") if raw_name.trim_end().ends_with("議員") => "議員".to_string(),
            ("", after) => normalise_role(after),
            (before, _) => normalise_role(before),
        };
        let rest = c.get(4).map_or("", |m| m.as_str()).trim().to_string();
        // `○課題(人口減少) …` in a plan, `○質疑(…)` heading minutes: a
        // speaker is named by a role the assembly knows, or by an honorific.
        let known = is_speaker_role(&role) || (role.is_empty() && (honoured || after == "君"));
        if !known {
            return None;
        }
        return Some(SpeakerLine {
            speaker,
            role,
            rest,
        });
    }
    let c = NAMED_SPEAKER.captures(line)?;
    let speaker = clean_name(&c[1]);
    let role = if &c[2] == "議員" { "議員" } else { "" };
    Some(SpeakerLine {
        speaker,
        role: role.to_string(),
        rest: c[3].trim().to_string(),
    })
}

/// What a non-speech line does to the agenda.
#[derive(Debug, PartialEq, Eq)]
enum Mark {
    /// `日程第1 …`: a new item.
    Item(String),
    /// Another named item (`工藤英人議員` under 一般質問): a sub-item of the
    /// item in force, or an item when none is.
    Sub(String),
    /// A stage of the item (`質疑`, `討論`).
    Stage(String),
    /// Procedure (`休憩`).
    Procedure,
}

fn agenda_mark(line: &str) -> Option<Mark> {
    // Most lines are speech text: the regex only for a marked line.
    let marked = line.starts_with(['△', '▲', '□', '■', '◎', '◇', '◆', '○', '◯', '〇']);
    if !marked && !line.starts_with("日程第") {
        return None;
    }
    let body = match AGENDA_MARK.captures(line) {
        Some(c) => c.get(1).map_or("", |m| m.as_str()).trim().to_string(),
        None if line.starts_with("日程第") => line.to_string(),
        None => return None,
    };
    // `○質疑(報告第2号)`: the stage, whatever the bills.
    let head = body.split('(').next().unwrap_or_default().trim();
    if head.is_empty() {
        return None;
    }
    if body.starts_with("日程第") {
        return Some(Mark::Item(body));
    }
    if PROCEDURAL.is_match(head) {
        // `質疑続行`: back to questions.
        return Some(match STAGE.find(head) {
            Some(m) => Mark::Stage(m.as_str().to_string()),
            None => Mark::Procedure,
        });
    }
    if let Some(m) = STAGE.find(head)
        && chars(head) <= chars(m.as_str()) + 2
    {
        return Some(Mark::Stage(m.as_str().to_string()));
    }
    // Only the marked-out lines of minutes are items: ○ begins a speech
    // or, bare, an item heading; a ○ sentence is neither.
    if line.starts_with(['○', '◯', '〇']) && (body.contains('。') || chars(&body) > 40) {
        return None;
    }
    Some(Mark::Sub(body))
}

fn trimmed(s: &str, max: usize) -> String {
    if chars(s) <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max).collect();
    t.push('…');
    t
}

/// The agenda in force while reading a meeting.
#[derive(Debug, Default)]
struct Agenda {
    item: Option<String>,
    sub: Option<String>,
    stage: Option<String>,
}

impl Agenda {
    fn apply(&mut self, mark: Mark) {
        match mark {
            Mark::Item(t) => {
                self.item = Some(t);
                self.sub = None;
                self.stage = None;
            }
            Mark::Sub(t) if self.item.is_some() => self.sub = Some(t),
            Mark::Sub(t) => {
                self.item = Some(t);
                self.stage = None;
            }
            Mark::Stage(s) => self.stage = Some(s),
            Mark::Procedure => {}
        }
    }

    fn label(&self) -> Option<String> {
        let item = trimmed(self.item.as_ref()?, AGENDA_CHARS);
        Some(match &self.sub {
            Some(sub) => format!("{item} / {}", trimmed(sub, SUB_AGENDA_CHARS)),
            None => item,
        })
    }

    /// Members question the administration here: the stage says so, or,
    /// without a stage, the item does (`日程第1 一般質問`).
    fn questions(&self) -> bool {
        match &self.stage {
            Some(s) => QA_STAGE.is_match(s),
            None => self
                .item
                .iter()
                .chain(&self.sub)
                .any(|t| QA_STAGE.is_match(t)),
        }
    }

    /// A key that changes whenever a question can no longer be answered
    /// (item, sub-item and stage joined; made for every speech, so no
    /// `Debug` formatting: its escaping cost more than the regexes).
    fn key(&self) -> String {
        let mut key = String::new();
        for part in [&self.item, &self.sub, &self.stage] {
            match part {
                Some(s) => {
                    key.push('\u{1}');
                    key.push_str(s);
                }
                None => key.push('\u{0}'),
            }
        }
        key
    }
}

/// Whether the lines of a document mark speeches: a few speaker lines
/// (a short sitting may hear the chair alone).
pub(super) fn is_minutes(blocks: &[Block]) -> bool {
    lines(blocks)
        .filter(|(l, _)| speaker_line(l).is_some())
        .nth(MIN_SPEECHES - 1)
        .is_some()
}

/// Every line of the blocks with the index of its block.
fn lines(blocks: &[Block]) -> impl Iterator<Item = (&str, usize)> {
    blocks.iter().enumerate().flat_map(|(at, b)| {
        let parts: Vec<&str> = match b {
            Block::Heading(s) | Block::Para(s) => s.split('\n').collect(),
            Block::Row(cells) => cells.iter().flat_map(|c| c.split('\n')).collect(),
            Block::Record { title, lines } => std::iter::once(title.as_str())
                .chain(lines.iter().map(String::as_str))
                .collect(),
        };
        parts
            .into_iter()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(move |l| (l, at))
    })
}

/// One speech being read: its speaker, agenda and lines.
struct Draft {
    speech: Speech,
    /// Agenda key when it began (answers must share it).
    key: String,
    questions: bool,
    /// The text on the speaker line (the chair's call `市長。`).
    opening: String,
    units: Vec<Unit>,
}

/// The minutes cut into speeches. Returns the lines before the first
/// speech (the roll, the order of business) as the index of the first
/// block that holds a speech, and one section per window of each speech
/// with its block and line starts, as `split_at` returns them.
pub(super) fn speeches(blocks: &[Block]) -> (usize, Vec<super::Drafted>) {
    let mut agenda = Agenda::default();
    let mut drafts: Vec<Draft> = Vec::new();
    let mut first_block = blocks.len();
    // Agenda lines open the speech that follows them; before the first
    // speech, the lines of its block that precede it (a PDF paragraph).
    let mut pending: Vec<Unit> = Vec::new();
    for (line, at) in lines(blocks) {
        if let Some(s) = speaker_line(line) {
            if drafts.is_empty() {
                first_block = at;
                pending.retain(|u| u.at == at);
            }
            let key = agenda.key();
            let mut units = std::mem::take(&mut pending);
            units.push(Unit::line(line, at));
            drafts.push(Draft {
                speech: Speech {
                    speaker: s.speaker.clone(),
                    role: s.role.clone(),
                    agenda: agenda.label(),
                    no: drafts.len() as u32 + 1,
                    qa: None,
                },
                key,
                questions: agenda.questions(),
                opening: s.rest,
                units,
            });
            continue;
        }
        let mark = agenda_mark(line);
        let is_mark = mark.is_some();
        if let Some(mark) = mark {
            agenda.apply(mark);
        }
        match drafts.last_mut() {
            Some(d) if !is_mark && pending.is_empty() => d.units.push(Unit::line(line, at)),
            _ => pending.push(Unit::line(line, at)),
        }
    }
    // Lines after the last speech stay with it.
    if let Some(d) = drafts.last_mut() {
        d.units.append(&mut pending);
    }
    link_answers(&mut drafts);
    let mut out = Vec::new();
    for d in drafts {
        let Draft { speech, units, .. } = d;
        for w in window::windows(units) {
            let (text, starts) = window::render(&w);
            let at = w.first().map_or(0, |u| u.at);
            out.push((
                super::Section {
                    title: title(&speech, &w),
                    text,
                    speech: Some(speech.clone()),
                    ..Default::default()
                },
                at,
                starts,
            ));
        }
    }
    (first_block, out)
}

/// The chair's call of a committee chair (`委員長。`, `総務委員長。`): the
/// member who speaks next answers for the committee.
static COMMITTEE_CALL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\S{0,20}委員長。?$").expect("static regex"));

/// Marks questions and their answers: in a question stage, a member's
/// speech followed by executive speeches (the chair's calls between them
/// do not count) under the same agenda item. A member the chair calls as
/// committee chair answers too.
fn link_answers(drafts: &mut [Draft]) {
    let mut question: Option<usize> = None;
    for i in 0..drafts.len() {
        let mut group = group_of(&drafts[i].speech.role);
        if let Some(q) = question
            && drafts[q].key != drafts[i].key
        {
            question = None;
        }
        let called_as_committee = i > 0
            && group_of(&drafts[i - 1].speech.role) == Group::Chair
            && COMMITTEE_CALL.is_match(&drafts[i - 1].opening);
        if group == Group::Member && called_as_committee && question.is_some() {
            group = Group::Executive;
        }
        match group {
            Group::Member if drafts[i].questions => question = Some(i),
            Group::Member => question = None,
            Group::Executive => {
                if let Some(q) = question {
                    let thread = drafts[q].speech.no;
                    drafts[q].speech.qa = Some(Qa {
                        kind: QaKind::Question,
                        thread,
                    });
                    drafts[i].speech.qa = Some(Qa {
                        kind: QaKind::Answer,
                        thread,
                    });
                }
            }
            Group::Chair | Group::Other => {}
        }
    }
}

/// `工藤英人（議員）: 最初の文` — the speaker, then the window's first
/// sentence (the speaker line's text after the name); the agenda item
/// when the window has no sentence.
fn title(speech: &Speech, window: &[Unit]) -> String {
    let first = window
        .iter()
        .map(|u| match speaker_line(&u.text) {
            Some(s) => s.rest,
            None => u.text.clone(),
        })
        .find(|t| !t.is_empty() && !AGENDA_MARK.is_match(t))
        .map(|t| window::sentence_title(&t));
    let who = speech.who();
    match first {
        Some(f) => format!("{who}: {f}"),
        None => speech.agenda.clone().unwrap_or(who),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(s: &str) -> Option<(String, String, String)> {
        speaker_line(s).map(|l| (l.speaker, l.role, l.rest))
    }

    fn own(a: &str, b: &str, c: &str) -> Option<(String, String, String)> {
        Some((a.to_string(), b.to_string(), c.to_string()))
    }

    #[test]
    fn speaker_lines_in_every_notation() {
        assert_eq!(
            line("○議長(山田太郎) ただいまから会議を開きます。"),
            own("山田太郎", "議長", "ただいまから会議を開きます。")
        );
        assert_eq!(
            line("○12番(川 上 花 子) 質問します。"),
            own("川上花子", "議員", "質問します。")
        );
        assert_eq!(
            line("◯市長(森一郎) お答えします。"),
            own("森一郎", "市長", "お答えします。")
        );
        assert_eq!(
            line("〇議長(山田太郎君) 休憩します。"),
            own("山田太郎", "議長", "休憩します。")
        );
        assert_eq!(
            line("◆1番(林次郎議員) 伺います。"),
            own("林次郎", "議員", "伺います。")
        );
        assert_eq!(
            line("◎市長(森一郎) 答弁します。"),
            own("森一郎", "市長", "答弁します。")
        );
        assert_eq!(
            line("○(林次郎)議員 伺います。"),
            own("林次郎", "議員", "伺います。")
        );
        assert_eq!(
            line("○林次郎君 伺います。"),
            own("林次郎", "", "伺います。")
        );
        assert_eq!(
            line("○保健福祉部長(谷 口 守) 御答弁申し上げます。"),
            own("谷口守", "保健福祉部長", "御答弁申し上げます。")
        );
        // A member whose speech starts on the next line.
        assert_eq!(line("○16番(林次郎)"), own("林次郎", "議員", ""));
    }

    #[test]
    fn headings_and_sentences_are_not_speakers() {
        for l in [
            "○質疑(報告第2号)",
            "○一般質問(続行)",
            "○討論(議案第5号)",
            "◎基本方針",
            "△日程第1 一般質問",
            "○市の取組(令和6年度)を示す。",
            "◎重点施策(1) 子育て支援",
            "○課題(人口減少) 対策が必要です。",
            "◇(参考) 用語の説明",
            "○委員長報告(懲罰特別委員長)",
        ] {
            assert_eq!(line(l), None, "{l}");
        }
    }

    #[test]
    fn roles_fall_into_groups() {
        assert_eq!(group_of("議員"), Group::Member);
        assert_eq!(group_of("総務委員長"), Group::Member);
        assert_eq!(group_of("議長"), Group::Chair);
        assert_eq!(group_of("副議長"), Group::Chair);
        for r in [
            "市長",
            "副市長",
            "教育長",
            "都市整備部長",
            "助役",
            "会計管理者",
            "選挙管理委員会委員長",
            "新里支所長",
        ] {
            assert_eq!(group_of(r), Group::Executive, "{r}");
        }
        assert_eq!(group_of("議会事務局長"), Group::Other);
        assert_eq!(group_of("事務局長"), Group::Other);
        assert_eq!(group_of(""), Group::Other);
    }

    #[test]
    fn agenda_marks() {
        assert_eq!(
            agenda_mark("△日程第1 一般質問"),
            Some(Mark::Item("日程第1 一般質問".into()))
        );
        assert_eq!(agenda_mark("△休憩"), Some(Mark::Procedure));
        assert_eq!(agenda_mark("△質疑続行"), Some(Mark::Stage("質疑".into())));
        assert_eq!(
            agenda_mark("○質疑(報告第2号)"),
            Some(Mark::Stage("質疑".into()))
        );
        assert_eq!(
            agenda_mark("△川上花子議員"),
            Some(Mark::Sub("川上花子議員".into()))
        );
        assert_eq!(agenda_mark("○これは文です。"), None);
        assert_eq!(agenda_mark("ただの行"), None);
    }
}
