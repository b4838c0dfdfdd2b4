//! A generated archive of short, fictional Japanese plan documents (架空市,
//! 見本市, …) for the incremental, crash and live-reload tests. Every
//! document carries a distinctive made-up katakana word (its *marker*), so
//! a test can tell exactly which documents a search finds.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Fictional municipalities with their fictional prefectures.
pub const CITIES: &[(&str, &str)] = &[
    ("架空市", "架空県"),
    ("見本市", "見本県"),
    ("仮想町", "架空県"),
    ("試作村", "見本県"),
];

const DEPARTMENTS: &[&str] = &[
    "都市整備部",
    "健康福祉部",
    "環境部",
    "教育委員会",
    "危機管理室",
    "産業振興部",
];

/// Sentences the generated bodies are built from.
const SENTENCES: &[&str] = &[
    "指定避難所における停電対策として非常用発電機を計画的に配備します。",
    "地域の消防団と連携し、自主防災組織の訓練を年二回実施します。",
    "保育所の定員を拡充し、待機児童の解消をめざします。",
    "高齢者の見守り体制を強化し、地域包括支援センターとの連携を深めます。",
    "公共交通の空白地域において、デマンド型交通の実証運行を行います。",
    "老朽化した市営住宅の長寿命化計画を策定し、改修工事に着手します。",
    "再生可能エネルギーの導入を進め、公共施設の照明をすべて更新します。",
    "ごみの減量と資源化を推進し、家庭系ごみの排出量を削減します。",
    "小中学校の通学路の安全点検を行い、歩道の整備を進めます。",
    "中小企業の事業承継を支援するため、相談窓口を商工会に設置します。",
    "観光案内所の機能を充実させ、多言語による情報発信を強化します。",
    "図書館の開館時間を延長し、学習スペースを拡充します。",
    "上下水道施設の耐震化を進め、災害時の給水体制を確保します。",
    "職員の働き方改革を進め、窓口手続のオンライン化を拡大します。",
];

/// A made-up katakana word unique to `n` (not a dictionary word).
pub fn marker(n: usize) -> String {
    const SYL: &[char] = &[
        'ガ', 'ギ', 'グ', 'ゲ', 'ゴ', 'ザ', 'ジ', 'ズ', 'ゼ', 'ゾ', 'バ', 'ビ', 'ブ', 'ベ', 'ボ',
        'パ', 'ピ', 'プ', 'ペ', 'ポ',
    ];
    let mut s = String::from("ヌ");
    let mut k = n;
    for _ in 0..3 {
        s.push(SYL[k % SYL.len()]);
        k /= SYL.len();
    }
    s.push('ル');
    s
}

/// One generated document.
#[derive(Debug, Clone)]
pub struct Doc {
    pub rel: String,
    pub city: &'static str,
    pub prefecture: &'static str,
    pub year: i64,
    pub department: &'static str,
    pub marker: String,
    /// Paragraphs per section (the body size).
    pub paras: usize,
}

impl Doc {
    /// The `n`-th document of a generated archive.
    pub fn nth(n: usize, paras: usize) -> Doc {
        let (city, prefecture) = CITIES[n % CITIES.len()];
        let department = DEPARTMENTS[(n / CITIES.len()) % DEPARTMENTS.len()];
        let year = 2018 + (n % 7) as i64;
        Doc {
            rel: format!("{}/{year}/{:04}_{department}.md", city, n),
            city,
            prefecture,
            year,
            department,
            marker: marker(n),
            paras,
        }
    }

    /// Markdown text: a title and three sections; the marker is in the
    /// first section.
    pub fn text(&self) -> String {
        let Doc {
            city,
            year,
            department,
            marker,
            ..
        } = self;
        let wareki = year - 2018;
        let mut out = format!("# {city} 令和{wareki}年度 {department} 運営方針\n\n");
        let heads = ["基本方針", "重点取組", "目標指標"];
        let seed = marker.chars().map(|c| c as usize).sum::<usize>();
        for (s, head) in heads.iter().enumerate() {
            out.push_str(&format!("## {head}\n\n"));
            if s == 0 {
                out.push_str(&format!(
                    "{city}{department}は、本年度{marker}事業を最重点の施策として推進します。\n\n"
                ));
            }
            for p in 0..self.paras {
                let a = SENTENCES[(seed + s * 7 + p * 3) % SENTENCES.len()];
                let b = SENTENCES[(seed + s * 5 + p * 11 + 1) % SENTENCES.len()];
                out.push_str(&format!("{a}{b}\n\n"));
            }
        }
        out
    }

    /// Writes the document under `root`.
    pub fn write(&self, root: &Path) -> PathBuf {
        let path = root.join(&self.rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, self.text()).unwrap();
        path
    }
}

/// Writes documents `range` of a generated archive under `root`.
pub fn generate(root: &Path, range: std::ops::Range<usize>, paras: usize) -> Vec<Doc> {
    range
        .map(|n| {
            let d = Doc::nth(n, paras);
            d.write(root);
            d
        })
        .collect()
}

/// `manifest.csv` text for `rows` of (path, city, prefecture, year, department, title).
pub fn manifest(rows: &[(&str, &str, &str, i64, &str, &str)]) -> String {
    let mut out = String::from("path,city,prefecture,year,department,title\n");
    for (path, city, pref, year, dept, title) in rows {
        out.push_str(&format!("{path},{city},{pref},{year},{dept},{title}\n"));
    }
    out
}
