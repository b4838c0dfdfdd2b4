//! Council minutes as speeches (issue #25): speaker lines in several
//! notations (fixtures of fictional assemblies), speech passages with
//! speaker, role, agenda and order, questions linked to their answers,
//! speaker filters and facets, the answer/question endpoints; and, on the
//! Kiryu minutes (`../shared/bench/kiryu`), speech boundaries against the
//! speaker lines of the text and 20 questions judged by reading.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plansearch::analysis::normalize::normalize_inline;
use plansearch::analysis::synonyms::Synonyms;
use plansearch::archive::{self, ArchiveFile, Format};
use plansearch::index::IndexHandle;
use plansearch::search::{Engine, Filters, SearchRequest};
use plansearch::sections::{self, QaKind, Section};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minutes")
}

fn split_file(path: &Path) -> Vec<Section> {
    let file = ArchiveFile {
        path: path.to_path_buf(),
        rel: path.file_name().unwrap().to_string_lossy().into_owned(),
        format: Format::Text,
        size: std::fs::metadata(path).unwrap().len(),
    };
    let extracted = archive::extract(&file).unwrap_or_else(|e| panic!("{}: {e}", file.rel));
    sections::split_extracted(&extracted)
}

fn fixture(name: &str) -> Vec<Section> {
    split_file(&fixtures().join(name))
}

/// One entry per speech: (no, speaker, role, agenda).
fn speeches(secs: &[Section]) -> Vec<(u32, String, String, Option<String>)> {
    let mut out: Vec<(u32, String, String, Option<String>)> = Vec::new();
    for s in secs.iter().filter_map(|s| s.speech.as_ref()) {
        if out.last().is_none_or(|l| l.0 != s.no) {
            out.push((s.no, s.speaker.clone(), s.role.clone(), s.agenda.clone()));
        }
    }
    out
}

/// The roles of the speeches answering question `no`, in order.
fn answer_roles(secs: &[Section], no: u32) -> Vec<String> {
    let mut out: Vec<(u32, String)> = Vec::new();
    for s in secs.iter().filter_map(|s| s.speech.as_ref()) {
        if let Some(qa) = s.qa
            && qa.kind == QaKind::Answer
            && qa.thread == no
            && out.last().is_none_or(|l| l.0 != s.no)
        {
            out.push((s.no, s.role.clone()));
        }
    }
    out.into_iter().map(|(_, r)| r).collect()
}

/// The speech `no` of `speaker` whose text (after the speaker) starts with
/// `opening`.
fn speech_no(secs: &[Section], speaker: &str, opening: &str) -> Option<u32> {
    let opening: String = normalize_inline(opening)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    secs.iter().find_map(|s| {
        let sp = s.speech.as_ref()?;
        let squeezed: String = s.text.chars().filter(|c| !c.is_whitespace()).collect();
        (sp.speaker == speaker && squeezed.contains(&opening)).then_some(sp.no)
    })
}

fn roles(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn kiryu_style_minutes_become_speeches_with_agenda_and_answers() {
    let secs = fixture("kasumi-ippan.txt");
    let sp = speeches(&secs);
    // Every ○ speaker line is one speech, numbered in order.
    assert_eq!(sp.len(), 21, "{sp:#?}");
    assert!(sp.iter().enumerate().all(|(i, s)| s.0 == i as u32 + 1));
    // The roll and the order of business before the first speech stay
    // ordinary passages.
    assert!(secs[0].speech.is_none());
    assert!(secs[0].text.contains("出席議員"));
    let chair = &sp[0];
    assert_eq!((chair.1.as_str(), chair.2.as_str()), ("西山太郎", "議長"));
    let kitano = sp.iter().find(|s| s.1 == "北野一郎").unwrap();
    assert_eq!(kitano.2, "議員");
    assert_eq!(kitano.3.as_deref(), Some("日程第1 一般質問 / 北野一郎議員"));
    let mayor = sp.iter().find(|s| s.2 == "市長").unwrap();
    assert_eq!(mayor.1, "東川三郎", "spaces inside a name are removed");
    assert!(sp.iter().any(|s| s.2 == "副議長" && s.1 == "森本六郎"));
    assert!(sp.iter().any(|s| s.2 == "子どもすこやか部長"));
    // After 休憩/再開 the item is still 一般質問, under the next member.
    let minamida = sp.iter().find(|s| s.1 == "南田花子").unwrap();
    assert_eq!(
        minamida.3.as_deref(),
        Some("日程第1 一般質問 / 南田花子議員")
    );

    // Titles name the speaker and role, then the first sentence.
    let title = &secs
        .iter()
        .find(|s| s.text.contains("除雪体制"))
        .unwrap()
        .title;
    assert_eq!(title, "北野一郎（議員）: おはようございます");

    // Questions and answers: the chair's calls are not answers.
    let q1 = speech_no(&secs, "北野一郎", "おはようございます").unwrap();
    assert_eq!(answer_roles(&secs, q1), roles(&["市長", "都市整備部長"]));
    let q2 = speech_no(&secs, "北野一郎", "御答弁ありがとうございました").unwrap();
    assert_eq!(answer_roles(&secs, q2), roles(&["教育長"]));
    let q3 = speech_no(&secs, "南田花子", "子育て支援").unwrap();
    assert_eq!(answer_roles(&secs, q3), roles(&["子どもすこやか部長"]));
    for s in secs.iter().filter_map(|s| s.speech.as_ref()) {
        if matches!(s.role.as_str(), "議長" | "副議長") {
            assert!(s.qa.is_none(), "the chair neither asks nor answers: {s:?}");
        }
    }
}

#[test]
fn only_question_stages_link_answers() {
    let secs = fixture("sakuragawa-gian.txt");
    let sp = speeches(&secs);
    assert_eq!(sp.len(), 13, "{sp:#?}");
    // `◯議長（大石健一君）`: the honorific is not part of the name.
    assert_eq!((sp[0].1.as_str(), sp[0].2.as_str()), ("大石健一", "議長"));
    // The bill's item carries through 提案理由 and 質疑.
    let aoki = sp.iter().find(|s| s.1 == "青木美香").unwrap();
    assert_eq!(
        aoki.3.as_deref(),
        Some("日程第1 議案第5号 令和5年度桜川市一般会計予算")
    );
    let q = speech_no(&secs, "青木美香", "予算書").unwrap();
    assert_eq!(answer_roles(&secs, q), roles(&["総務部長"]));
    // A 討論 speech is no question, and the mayor after it no answer; the
    // mayor explaining the bill answers nothing either.
    for s in secs.iter().filter_map(|s| s.speech.as_ref()) {
        match s.speaker.as_str() {
            "赤松勇" | "白井真一" => assert!(s.qa.is_none(), "{s:?}"),
            _ => {}
        }
    }
}

#[test]
fn other_notations_are_read_the_same_way() {
    // 〇 (U+3007), 「議長（山田太郎君）」, a 日程 line without a mark.
    let secs = fixture("kawabe-zero.txt");
    let sp = speeches(&secs);
    assert_eq!(sp.len(), 8, "{sp:#?}");
    let q = speech_no(&secs, "佐野由美", "町営バス").unwrap();
    assert_eq!(answer_roles(&secs, q), roles(&["町長", "副町長"]));
    assert_eq!(
        sp.iter().find(|s| s.1 == "佐野由美").unwrap().3.as_deref(),
        Some("日程第1 一般質問")
    );

    // ◆ members 「◆１番（氏名議員）」, ◎ executives 「◎市長（氏名）」, ◎ agenda.
    let secs = fixture("minamihara-diamond.txt");
    let sp = speeches(&secs);
    assert_eq!(sp.len(), 10, "{sp:#?}");
    let ishii = sp.iter().find(|s| s.1 == "石井聡").unwrap();
    assert_eq!(ishii.2, "議員");
    assert_eq!(ishii.3.as_deref(), Some("日程第1 一般質問"));
    let q = speech_no(&secs, "石井聡", "空き家対策").unwrap();
    assert_eq!(answer_roles(&secs, q), roles(&["市長", "建設部長"]));
    let q = speech_no(&secs, "石井聡", "再質問").unwrap();
    assert_eq!(answer_roles(&secs, q), roles(&["市長"]));

    // 「○（氏名）議員」 and 「○（氏名）村長」: the role after the name; ● chair.
    let secs = fixture("kitayama-suffix.txt");
    let sp = speeches(&secs);
    assert_eq!(sp.len(), 6, "{sp:#?}");
    assert!(sp.iter().any(|s| s.1 == "上田和子" && s.2 == "議員"));
    assert!(sp.iter().any(|s| s.1 == "丸山進" && s.2 == "村長"));
    assert!(sp.iter().any(|s| s.1 == "谷口正男" && s.2 == "議長"));
    let q = speech_no(&secs, "上田和子", "村道").unwrap();
    assert_eq!(answer_roles(&secs, q), roles(&["村長"]));
    // Her thanks are answered by nobody: not a question.
    let thanks = speech_no(&secs, "上田和子", "ありがとうございました").unwrap();
    assert!(
        secs.iter()
            .filter_map(|s| s.speech.as_ref())
            .all(|s| s.no != thanks || s.qa.is_none())
    );
}

#[test]
fn plans_with_marked_headings_are_not_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.txt");
    std::fs::write(
        &path,
        "架空市総合計画\n◎基本方針（令和6年度）\n市民とともに歩むまちをつくります。\n\
         ◆重点施策（1）　子育て支援\n保育所を整備します。\n○市の取組（概要）を示す。\n\
         ◇（参考）　用語の説明\n本文です。\n",
    )
    .unwrap();
    let secs = split_file(&path);
    assert!(secs.iter().all(|s| s.speech.is_none()), "{secs:#?}");
}

#[test]
fn a_long_speech_is_windowed_and_every_window_keeps_its_speech() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.txt");
    let long: String = (0..60)
        .map(|i| {
            format!("第{i}の論点について詳しく申し上げますと、地域の交通は重要な課題であります。")
        })
        .collect();
    std::fs::write(
        &path,
        format!(
            "○議長（西山太郎）　開きます。\n○３番（北野一郎）　{long}\n{long}\n○議長（西山太郎）　市長。\n○市長（東川三郎）　お答えします。\n"
        ),
    )
    .unwrap();
    let secs = split_file(&path);
    let windows: Vec<&Section> = secs
        .iter()
        .filter(|s| s.speech.as_ref().is_some_and(|sp| sp.no == 2))
        .collect();
    assert!(windows.len() >= 3, "{}", windows.len());
    for w in &windows {
        let sp = w.speech.as_ref().unwrap();
        assert_eq!(
            (sp.speaker.as_str(), sp.role.as_str()),
            ("北野一郎", "議員")
        );
        assert!(w.title.starts_with("北野一郎（議員）: "), "{}", w.title);
        assert!(w.text.chars().count() <= 1300);
    }
}

// ---- the index, the engine and the HTTP API over the fixtures ----

struct Fixtures {
    _dir: tempfile::TempDir,
    engine: Engine,
}

fn indexed() -> &'static Fixtures {
    static F: OnceLock<Fixtures> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        common::index_into(&fixtures(), dir.path());
        let handle = IndexHandle::open(dir.path(), common::analyzer()).unwrap();
        Fixtures {
            _dir: dir,
            engine: Engine::new(handle, Synonyms::builtin()),
        }
    })
}

fn search(q: &str, filters: Filters) -> plansearch::search::SearchResponse {
    let mut req = SearchRequest::new(q.to_string());
    req.filters = filters;
    req.limit = 50;
    indexed().engine.search(&req).unwrap()
}

#[test]
fn every_speech_hit_carries_speaker_and_role_and_filters_work() {
    let r = search("除雪", Filters::default());
    assert!(r.total >= 2, "{}", r.total);
    for h in &r.hits {
        let sp = h.speech.as_ref().unwrap_or_else(|| panic!("{h:?}"));
        assert!(
            !sp.speaker.is_empty() && !sp.speaker_role.is_empty(),
            "{sp:?}"
        );
        assert!(sp.speech_no >= 1);
    }
    let facets = r.facets.as_ref().unwrap();
    assert!(facets.speaker_role.iter().any(|f| f.value == "市長"));
    assert!(facets.speaker_group.iter().any(|f| f.value == "議員"));

    // What the mayor said about 除雪.
    let mayor = search(
        "除雪",
        Filters {
            speaker_roles: vec!["市長".into()],
            ..Default::default()
        },
    );
    assert!(mayor.total >= 1);
    assert!(mayor.total < r.total);
    assert!(
        mayor
            .hits
            .iter()
            .all(|h| h.speech.as_ref().unwrap().speaker_role == "市長")
    );
    let executive = search(
        "御答弁",
        Filters {
            speaker_groups: vec!["執行部".into()],
            ..Default::default()
        },
    );
    assert!(executive.total >= 1);
    assert!(
        executive
            .hits
            .iter()
            .all(|h| h.speech.as_ref().unwrap().speaker_group == "執行部")
    );
    let by_name = search(
        "質問",
        Filters {
            speakers: vec!["北野一郎".into()],
            ..Default::default()
        },
    );
    assert!(by_name.total >= 1);
    assert!(
        by_name
            .hits
            .iter()
            .all(|h| h.speech.as_ref().unwrap().speaker == "北野一郎")
    );
}

#[test]
fn a_speech_is_titled_by_its_first_sentence_but_searched_by_who_speaks() {
    let e = &indexed().engine;
    let r = search(
        "生活道路",
        Filters {
            speaker_roles: vec!["都市整備部長".into()],
            ..Default::default()
        },
    );
    let answer = r.hits.first().expect("the department head's answer");
    assert_eq!(
        answer.section_title,
        "中村四郎（都市整備部長）: 御答弁申し上げます"
    );
    // The first sentence is the passage's text already: only who speaks is
    // searched as the title.
    let searcher = e.searcher();
    let f = e.fields();
    let freq = |field, word: &str| {
        searcher
            .doc_freq(&tantivy::Term::from_field_text(field, word))
            .unwrap()
    };
    assert_eq!(freq(f.section_title_bi, "答弁"), 0);
    assert!(freq(f.text_bi, "答弁") > 0);
    assert!(freq(f.section_title_bi, "中村") > 0);
    assert!(freq(f.section_title_words, "都市") + freq(f.section_title_words, "都市整備") > 0);
}

#[test]
fn a_question_leads_to_its_answers_and_back() {
    let e = &indexed().engine;
    let r = search(
        "除雪計画",
        Filters {
            speakers: vec!["北野一郎".into()],
            ..Default::default()
        },
    );
    let q = &r.hits[0];
    assert_eq!(q.speech.as_ref().unwrap().qa.as_deref(), Some("question"));
    let answers = e.answers(&q.section_id).unwrap();
    let roles: Vec<&str> = answers
        .sections
        .iter()
        .map(|s| s.speech.as_ref().unwrap().speaker_role.as_str())
        .collect();
    assert_eq!(roles, ["市長", "都市整備部長"]);
    let back = e.question(&answers.sections[0].section_id).unwrap();
    assert_eq!(back.sections.len(), 1);
    assert_eq!(back.sections[0].section_id, q.section_id);
    // A question has no question, an answer no answers.
    assert!(matches!(
        e.question(&q.section_id),
        Err(plansearch::Error::NotInExchange { .. })
    ));
    assert!(matches!(
        e.answers(&answers.sections[0].section_id),
        Err(plansearch::Error::NotInExchange { .. })
    ));
}

#[test]
fn http_endpoints_filters_and_csv() {
    use common::{enc, get, get_json, serve};
    let dir = tempfile::tempdir().unwrap();
    common::index_into(&fixtures(), dir.path());
    let handle = IndexHandle::open(dir.path(), common::analyzer()).unwrap();
    let base = serve(Engine::new(handle, Synonyms::builtin()));

    let (status, v) = get_json(&format!(
        "{base}/api/search?q={}&speaker_group={}",
        enc("除雪"),
        enc("議員|執行部")
    ));
    assert_eq!(status, 200, "{v}");
    let hits = v["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    for h in hits {
        assert!(h["speech"]["speaker"].is_string(), "{h}");
        assert!(["議員", "執行部"].contains(&h["speech"]["speaker_group"].as_str().unwrap()));
    }
    let question = hits
        .iter()
        .find(|h| h["speech"]["qa"] == "question")
        .expect("a question among the hits");
    let id = question["section_id"].as_str().unwrap();
    let (status, v) = get_json(&format!("{base}/api/sections/{id}/answers"));
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["section"]["section_id"], id);
    let answer = v["sections"][0]["section_id"].as_str().unwrap().to_string();
    let (status, v) = get_json(&format!("{base}/api/sections/{answer}/question"));
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["sections"][0]["section_id"], id);

    let (status, v) = get_json(&format!("{base}/api/sections/{id}/question"));
    assert_eq!(status, 404);
    assert_eq!(v["error"]["code"], "not_in_exchange", "{v}");
    let (status, v) = get_json(&format!("{base}/api/sections/nosuch-1/answers"));
    assert_eq!(status, 404);
    assert_eq!(v["error"]["code"], "section_not_found", "{v}");
    let (status, v) = get_json(&format!(
        "{base}/api/search?q={}&speaker_group={}",
        enc("除雪"),
        enc("市民")
    ));
    assert_eq!(status, 400);
    assert_eq!(v["error"]["params"]["parameter"], "speaker_group", "{v}");

    let (status, body, _) = get(&format!(
        "{base}/api/search.csv?q={}&speaker_role={}",
        enc("除雪"),
        enc("市長")
    ));
    assert_eq!(status, 200);
    let mut lines = body.trim_start_matches('\u{feff}').lines();
    let header = lines.next().unwrap();
    assert!(header.contains("見出し,発言者,役職,議題,抜粋"), "{header}");
    let row = lines.next().unwrap();
    assert!(
        row.contains(",東川三郎,市長,日程第1 一般質問 / 北野一郎議員,"),
        "{row}"
    );

    let (status, v) = get_json(&format!("{base}/api/openapi.json"));
    assert_eq!(status, 200);
    for path in [
        "/api/sections/{section_id}/answers",
        "/api/sections/{section_id}/question",
    ] {
        assert!(v["paths"][path]["get"].is_object(), "openapi lacks {path}");
    }
    let params: Vec<&str> = v["paths"]["/api/trend"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for p in ["speaker", "speaker_role", "speaker_group"] {
        assert!(params.contains(&p), "trend lacks {p}: {params:?}");
    }
}

// ---- Kiryu: ../shared/bench/kiryu ----

fn kiryu() -> Option<PathBuf> {
    let dir = common::shared_dir()?.join("bench/kiryu");
    assert!(dir.is_dir(), "{} is missing", dir.display());
    Some(dir)
}

fn kiryu_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flat_map(|year| {
            std::fs::read_dir(year.unwrap().path())
                .into_iter()
                .flatten()
        })
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}

/// Speaker lines counted straight from the text: `○役職（氏名）　発言…`,
/// a name in the parentheses (not an item heading such as
/// `○質疑（議案第８５号）　…` or `○討論（続行）`).
fn speaker_lines(text: &str) -> usize {
    let re =
        regex::Regex::new(r"^○[^（）\s]{1,30}（[^（）0-9０-９第号続]{1,20}）[\s　]*\S").unwrap();
    text.lines().filter(|l| re.is_match(l)).count()
}

#[test]
fn kiryu_speech_boundaries_match_the_speaker_lines() {
    let Some(dir) = kiryu() else { return };
    let files = kiryu_files(&dir);
    assert!(files.len() >= 460, "{}", files.len());
    let (mut agree, mut speeches_total, mut passages) = (0, 0, 0);
    let mut off: Vec<String> = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let expected = speaker_lines(&text);
        let secs = split_file(path);
        let mut nos: Vec<u32> = secs
            .iter()
            .filter_map(|s| s.speech.as_ref().map(|sp| sp.no))
            .collect();
        nos.dedup();
        // Every speech, in order, with every passage of it together.
        let contiguous = nos.iter().enumerate().all(|(i, &n)| n == i as u32 + 1);
        for s in secs.iter().filter_map(|s| s.speech.as_ref()) {
            assert!(
                !s.speaker.is_empty() && !s.role.is_empty(),
                "{}: a speech without speaker or role: {s:?}",
                path.display()
            );
        }
        passages += secs.iter().filter(|s| s.speech.is_some()).count();
        speeches_total += nos.len();
        if contiguous && nos.len() == expected {
            agree += 1;
        } else {
            off.push(format!(
                "{}: {} speaker lines, {} speeches",
                path.display(),
                expected,
                nos.len()
            ));
        }
    }
    let share = agree as f64 / files.len() as f64;
    eprintln!(
        "kiryu: {agree}/{} files agree ({:.2} %), {speeches_total} speeches in {passages} passages; off: {off:#?}",
        files.len(),
        share * 100.0
    );
    assert!(share >= 0.99, "{off:#?}");
}

/// Questions judged by reading the Kiryu minutes: file, questioner, the
/// first words of the question, and the roles of the speeches answering it
/// in order (empty: not a question — a 討論 speech, closing thanks).
const JUDGED: [(&str, &str, &str, &[&str]); 20] = [
    (
        "2003/h15-4-teireikai-03.txt",
        "岡部信一郎",
        "それでは、一般質問させていただきます",
        &[
            "経済部長",
            "教育管理部長",
            "教育指導部長",
            "市民部長",
            "企画部長",
            "総務部長",
        ],
    ),
    (
        "2004/h16-3-teireikai-02.txt",
        "岡部信一郎",
        "それでは、きょうの最後になりました",
        &[
            "企画部長",
            "税務部長",
            "総務部長",
            "経済部長",
            "保健福祉部長",
            "市民部長",
            "教育指導部長",
            "教育管理部長",
            "都市計画部長",
            "建設部長",
            "水道局長",
        ],
    ),
    (
        "2005/h17-2-teireikai-02.txt",
        "大山智",
        "通告に従って、一般会計補正予算の三位一体",
        &["企画部長"],
    ),
    (
        "2006/h18-1-teireikai-01.txt",
        "吉野剛八",
        "何点かについてお伺いいたします",
        &["総務部長", "市長"],
    ),
    (
        "2007/h19-3-teireikai-04.txt",
        "福島賢一",
        "平成19年桐生市議会第３回定例会に当たりまして",
        &["教育管理部長", "都市計画部長", "建設部長"],
    ),
    (
        "2008/h20-3-teireikai-05.txt",
        "西牧秀乗",
        "そのほかに住民基本台帳に変更が",
        &["市民生活部長"],
    ),
    (
        "2009/h21-2-rinjikai-01.txt",
        "庭山由紀",
        "まず、人事院勧告に準じなくては",
        &["総務部長"],
    ),
    (
        "2010/h22-2-teireikai-05.txt",
        "田島忠一",
        "そのようなお話は、３月の12番議員さん",
        &["教育指導部長"],
    ),
    (
        "2011/h23-3-teireikai-04.txt",
        "福島賢一",
        "大変苦しい答弁でございますけれども",
        &["教育部長"],
    ),
    (
        "2012/h24-2-teireikai-01.txt",
        "飯島英規",
        "の承認について、賛成の立場で討論",
        &[],
    ),
    (
        "2013/h25-1-teireikai-05.txt",
        "森山享大",
        "８番、森山享大でございます",
        &["市長", "総合政策部長"],
    ),
    (
        "2014/h26-3-teireikai-04.txt",
        "森山享大",
        "詳細にわたりまして御答弁ありがとう",
        &[],
    ),
    (
        "2015/h27-3-teireikai-04.txt",
        "周東照二",
        "次に、「かかあ天下",
        &["管理部長"],
    ),
    (
        "2016/h28-1-teireikai-04.txt",
        "工藤英人",
        "詳細にわたる御答弁ありがとうございました。細かい数字",
        &["総務部長"],
    ),
    (
        "2017/h29-4-teireikai-01.txt",
        "園田基博",
        "それでは、議案第66号",
        &["市民生活部長"],
    ),
    (
        "2018/h30-1-teireikai-04.txt",
        "久保田裕一",
        "現状においては事業単位ということで",
        &["教育部長"],
    ),
    (
        "2019/r1-2-teireikai-01.txt",
        "関口直久",
        "議案第39号についてお伺いします",
        &["保健福祉部長", "産業経済部長", "都市整備部長"],
    ),
    (
        "2020/r2-1-teireikai-01.txt",
        "渡辺恒",
        "議案第14号について、大きく４点",
        &["保健福祉部長"],
    ),
    (
        "2022/r4-3-teireikai-03.txt",
        "辻正男",
        "詳細なる御答弁ありがとうございます。避難所",
        &["共創企画部長"],
    ),
    // A question to the committee chair (a member, called 「委員長。」).
    (
        "2025/r7-3-teireikai-02.txt",
        "河原井始",
        "委員の皆様ではなくて",
        &["議員"],
    ),
];

#[test]
fn kiryu_judged_questions_link_to_the_right_answers() {
    let Some(dir) = kiryu() else { return };
    let mut cache: BTreeMap<&str, Vec<Section>> = BTreeMap::new();
    let mut right = 0;
    let mut wrong = Vec::new();
    for (file, speaker, opening, expected) in JUDGED {
        let secs = cache
            .entry(file)
            .or_insert_with(|| split_file(&dir.join(file)));
        let no = speech_no(secs, speaker, opening)
            .unwrap_or_else(|| panic!("{file}: no speech of {speaker} opening {opening:?}"));
        let got = answer_roles(secs, no);
        if got == roles(expected) {
            right += 1;
        } else {
            wrong.push(format!(
                "{file} {speaker}: expected {expected:?}, got {got:?}"
            ));
        }
    }
    eprintln!("judged questions: {right}/20 right; wrong: {wrong:#?}");
    assert!(right >= 18, "{right}/20: {wrong:#?}");
}
