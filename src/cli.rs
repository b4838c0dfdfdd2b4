//! The command line: a thin layer over the library.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use std::io::Write;

use clap::{Args, Parser, Subcommand};

use crate::analysis::synonyms::Synonyms;
use crate::analysis::{Analyzer, DictionaryConfig};
use crate::index::{IndexHandle, IndexOptions, writer};
use crate::search::{Engine, Filters, SearchRequest, Sort};
use crate::server::{self, AppState, ServerConfig};

#[derive(Parser)]
#[command(
    name = "plansearch",
    version,
    about = "Search Japanese municipal plan documents (部局運営方針, 施政方針, 計画)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Index an archive folder (text, Markdown, HTML, PDF, Word, Excel, CSV); re-runs update only what changed.
    Index {
        /// The archive folder (manifest.csv files at its root and in its folders are used when present).
        archive: PathBuf,
        #[command(flatten)]
        common: Common,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Indexing threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Commit after every N MB of files, so an interrupted run keeps
        /// what it committed (0: after every batch of files).
        #[arg(long, value_name = "MB", default_value_t = 256)]
        commit_every_mb: u64,
        /// tantivy writer memory budget per indexing thread, in MB (default 64,
        /// capped at 256 MB over all threads; any value gets at least 64 MB in
        /// all); bench/README.md has its build-time / RSS effect.
        #[arg(long, value_name = "MB")]
        writer_mb: Option<usize>,
    },
    /// Serve the web UI and the JSON API.
    Serve {
        #[command(flatten)]
        common: Common,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Index this archive first when the index is missing or older than it.
        #[arg(long)]
        archive: Option<PathBuf>,
        /// Allow listening on a non-loopback address (reachable from other machines).
        #[arg(long)]
        allow_remote: bool,
        /// Never write the index (a replica): `plansearch index` elsewhere is
        /// the only writer; each new commit is picked up as it lands.
        #[arg(long, conflicts_with = "archive")]
        read_only: bool,
    },
    /// Search from the command line.
    Search {
        #[command(flatten)]
        common: Common,
        /// Print the response as JSON (the same as /api/search).
        #[arg(long)]
        json: bool,
        #[arg(long)]
        city: Vec<String>,
        #[arg(long)]
        prefecture: Vec<String>,
        #[arg(long)]
        department: Vec<String>,
        #[arg(long)]
        doc_type: Vec<String>,
        #[arg(long)]
        year: Option<i64>,
        #[arg(long)]
        year_from: Option<i64>,
        #[arg(long)]
        year_to: Option<i64>,
        /// relevance, year_desc or year_asc.
        #[arg(long, default_value = "relevance")]
        sort: Sort,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// Compute the facet counts (`--facets false`: skipped, not in the JSON).
        #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
        facets: bool,
        /// Build the hits' snippets (`--snippets false`: skipped, not in the JSON).
        #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
        snippets: bool,
        /// Search the words typed without their synonyms.
        #[arg(long)]
        no_synonyms: bool,
        /// Search the words as typed, without readings or other notations.
        #[arg(long)]
        no_readings: bool,
        /// The query (several words are joined with spaces).
        #[arg(required = true)]
        query: Vec<String>,
    },
    /// Score search quality on judged queries (nDCG@10, RR, recall@10).
    Eval {
        /// Judged queries (the format of shared/eval/queries.tsv).
        queries: PathBuf,
        #[command(flatten)]
        common: Common,
        /// full, morph-only, bigram-only, no-synonyms, no-escalation, or all.
        #[arg(long, default_value = "full")]
        ablation: String,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// What each field of the index costs on disk (terms, postings,
    /// positions, columns, norms and its share of the stored text).
    DiskUsage {
        #[command(flatten)]
        common: Common,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Build (if needed) and time the dictionary; prints JSON.
    DictInfo {
        #[command(flatten)]
        common: Common,
    },
}

/// Options every command shares.
#[derive(Args, Clone)]
struct Common {
    /// Index directory.
    #[arg(long, default_value = "index", env = "PLANSEARCH_INDEX")]
    index: PathBuf,
    /// Extra user dictionary CSV (surface,part_of_speech,reading); repeatable.
    /// Re-run `index` after changing it.
    #[arg(
        long = "user-dict",
        env = "PLANSEARCH_USER_DICT",
        value_delimiter = ','
    )]
    user_dict: Vec<PathBuf>,
    /// Extra synonym file (one group per line, comma separated); repeatable.
    #[arg(long = "synonyms", env = "PLANSEARCH_SYNONYMS", value_delimiter = ',')]
    synonyms: Vec<PathBuf>,
}

impl std::str::FromStr for Sort {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        crate::search::Sort::parse(s).map_err(|e| e.to_string())
    }
}

impl Common {
    fn analyzer(&self) -> anyhow::Result<Analyzer> {
        let config = DictionaryConfig {
            user_dictionaries: self.user_dict.clone(),
            ..Default::default()
        };
        Ok(Analyzer::load(&config)?)
    }

    fn synonyms(&self) -> anyhow::Result<Synonyms> {
        let mut s = Synonyms::builtin();
        for path in &self.synonyms {
            let text = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("cannot read synonyms {}: {e}", path.display()))?;
            let extra = Synonyms::parse(&text)
                .map_err(|e| anyhow::anyhow!("synonyms {}: {e}", path.display()))?;
            s.extend(extra);
        }
        Ok(s)
    }

    fn engine(&self) -> anyhow::Result<Engine> {
        let analyzer = self.analyzer()?;
        let handle = IndexHandle::open(&self.index, analyzer)?;
        Ok(Engine::new(handle, self.synonyms()?))
    }
}

pub fn main() -> ExitCode {
    init_tracing();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("plansearch: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("PLANSEARCH_LOG")
        .unwrap_or_else(|_| EnvFilter::new("plansearch=info,tower_http=info,warn"));
    let json = std::env::var("PLANSEARCH_LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.compact().init();
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Index {
            archive,
            common,
            json,
            threads,
            commit_every_mb,
            writer_mb,
        } => index(&archive, &common, json, threads, commit_every_mb, writer_mb),
        Command::Serve {
            common,
            addr,
            archive,
            allow_remote,
            read_only,
        } => serve(&common, addr, archive.as_deref(), allow_remote, read_only),
        Command::Search {
            common,
            json,
            city,
            prefecture,
            department,
            doc_type,
            year,
            year_from,
            year_to,
            sort,
            limit,
            offset,
            facets,
            snippets,
            no_synonyms,
            no_readings,
            query,
        } => {
            let engine = common.engine()?;
            let req = SearchRequest {
                q: query.join(" "),
                filters: Filters {
                    cities: city,
                    prefectures: prefecture,
                    departments: department,
                    doc_types: doc_type,
                    year,
                    year_from,
                    year_to,
                    ..Default::default()
                },
                sort,
                limit,
                offset,
                include_text: false,
                facets,
                snippets,
                partial: true,
                options: crate::search::PlanOptions {
                    synonyms: !no_synonyms,
                    readings: !no_readings,
                },
            };
            let resp = engine.search(&req)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&resp)?);
            } else {
                print_results(&resp);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval {
            queries,
            common,
            ablation,
            json,
        } => eval(&queries, &common, &ablation, json),
        Command::DiskUsage { common, json } => disk_usage(&common, json),
        Command::DictInfo { common } => {
            let started = Instant::now();
            let _ = common.analyzer()?;
            let first = started.elapsed();
            let started = Instant::now();
            let _ = common.analyzer()?;
            let again = started.elapsed();
            println!(
                "{}",
                serde_json::json!({
                    "first_load_ms": first.as_secs_f64() * 1000.0,
                    "load_ms": again.as_secs_f64() * 1000.0,
                })
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn index(
    archive: &Path,
    common: &Common,
    json: bool,
    threads: Option<usize>,
    commit_every_mb: u64,
    writer_mb: Option<usize>,
) -> anyhow::Result<ExitCode> {
    let analyzer = common.analyzer()?;
    let mut options = IndexOptions {
        progress: !json,
        commit_every_bytes: commit_every_mb.saturating_mul(1024 * 1024),
        ..Default::default()
    };
    if let Some(t) = threads {
        options.threads = t.max(1);
    }
    if let Some(mb) = writer_mb {
        options.memory_budget = IndexOptions::budget(options.threads, mb);
    }
    let report = writer::index_archive(archive, &common.index, &analyzer, &options)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        eprintln!(
            "indexed {} documents ({} passages) into {} in {:.1} s: {} added, {} updated, {} deleted, {} unchanged",
            report.documents,
            report.passages,
            common.index.display(),
            report.elapsed_ms as f64 / 1000.0,
            report.added,
            report.updated,
            report.deleted,
            report.unchanged
        );
        if !report.skipped.is_empty() {
            eprintln!("skipped {} files:", report.skipped.len());
            for s in &report.skipped {
                eprintln!("  {}: {}", s.rel, s.reason);
            }
        }
        for p in &report.manifest_problems {
            eprintln!("manifest: {p}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn disk_usage(common: &Common, json: bool) -> anyhow::Result<ExitCode> {
    let handle = IndexHandle::open(&common.index, common.analyzer()?)?;
    let usage = crate::index::usage::disk_usage(&handle.searcher())?;
    if json {
        println!("{}", serde_json::to_string_pretty(&usage)?);
        return Ok(ExitCode::SUCCESS);
    }
    let mb = |b: u64| b as f64 / 1e6;
    // A closed pipe (`| head`) ends the listing, not the process with a panic.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "{} passages in {} segments: {:.1} MB (stored text {:.1} MB)",
        usage.passages,
        usage.segments,
        mb(usage.total),
        mb(usage.store)
    );
    let _ = writeln!(
        out,
        "{:<20} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "field (MB)", "total", "terms", "postings", "positions", "columns", "norms", "stored"
    );
    for (name, b) in &usage.fields {
        if b.total() < 1_000 {
            continue;
        }
        let _ = writeln!(
            out,
            "{:<20} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
            name,
            mb(b.total()),
            mb(b.terms),
            mb(b.postings),
            mb(b.positions),
            mb(b.fast),
            mb(b.fieldnorms),
            mb(b.stored)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn eval(queries: &Path, common: &Common, ablation: &str, json: bool) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(queries)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", queries.display()))?;
    let judged = crate::eval::parse_queries(&text)?;
    let mut engine = common.engine()?;
    let configs: Vec<&str> = if ablation == "all" {
        crate::eval::ABLATIONS.to_vec()
    } else {
        vec![ablation]
    };
    let mut reports = Vec::new();
    for config in configs {
        engine.features = crate::eval::features(config)?;
        reports.push(crate::eval::run(&engine, &judged, config)?);
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
        return Ok(ExitCode::SUCCESS);
    }
    if reports.len() == 1 {
        let r = &reports[0];
        println!(
            "{:<5} {:<32} {:>7} {:>6} {:>9}",
            "qid", "query", "nDCG@10", "RR", "recall@10"
        );
        for q in &r.queries {
            let note = q
                .escalated
                .map(|e| format!(" (escalated: {e})"))
                .unwrap_or_default();
            println!(
                "{:<5} {:<32} {:>7.3} {:>6.3} {:>9.3}{note}",
                q.qid, q.query, q.ndcg, q.rr, q.recall
            );
        }
    }
    println!(
        "| config | mean nDCG@10 | MRR | mean recall@10 | queries with no relevant hit in top 10 |"
    );
    println!("|---|---|---|---|---|");
    for r in &reports {
        println!(
            "| {} | {:.3} | {:.3} | {:.3} | {} |",
            r.config, r.mean_ndcg, r.mean_rr, r.mean_recall, r.misses
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn serve(
    common: &Common,
    addr: SocketAddr,
    archive: Option<&Path>,
    allow_remote: bool,
    read_only: bool,
) -> anyhow::Result<ExitCode> {
    if !addr.ip().is_loopback() && !allow_remote {
        anyhow::bail!(
            "{addr} is reachable from other machines; pass --allow-remote to serve on it, \
             or use 127.0.0.1"
        );
    }
    let mut update: Option<crate::Result<writer::IndexReport>> = None;
    if let Some(archive) = archive {
        // An incremental run: builds a missing index, and otherwise costs one
        // stat per file and catches edits, additions and deletions alike.
        eprintln!(
            "plansearch: updating {} from {}",
            common.index.display(),
            archive.display()
        );
        let analyzer = common.analyzer()?;
        let options = IndexOptions {
            progress: false,
            ..Default::default()
        };
        let result = writer::index_archive(archive, &common.index, &analyzer, &options);
        match &result {
            Ok(r) => eprintln!(
                "plansearch: {} documents: {} added, {} updated, {} deleted, {} unchanged",
                r.documents, r.added, r.updated, r.deleted, r.unchanged
            ),
            // A good index is still there: serve it, and say that the
            // update failed (log, /healthz, the admin endpoint).
            Err(e) if common.index.join("meta.json").exists() => {
                tracing::error!(error = %e, "the update failed; serving the existing index");
                eprintln!("plansearch: the update failed ({e}); serving the existing index");
            }
            Err(_) => {}
        }
        if let Err(e) = result {
            if !common.index.join("meta.json").exists() {
                return Err(e.into());
            }
            update = Some(Err(e));
        } else {
            update = Some(result);
        }
    }
    let engine = common.engine()?;
    let token = std::env::var("PLANSEARCH_ADMIN_TOKEN").unwrap_or_default();
    if !token.is_empty() && !read_only {
        eprintln!("plansearch: admin endpoints are on (PLANSEARCH_ADMIN_TOKEN is set)");
    }
    let config = ServerConfig {
        loopback_hosts_only: addr.ip().is_loopback(),
        ..ServerConfig::default()
    };
    let mut state = AppState::new(engine, config);
    if !read_only {
        state = state.with_admin(token, archive.map(Path::to_path_buf));
    }
    state.read_only = read_only;
    if let Some(result) = &update {
        state.reindexer.record(result);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(server::serve(state, addr))?;
    Ok(ExitCode::SUCCESS)
}

fn print_results(resp: &crate::search::SearchResponse) {
    println!(
        "{} passages with every word ({:.1} ms)",
        resp.total, resp.took_ms
    );
    let strict = resp.hits.iter().take_while(|h| h.missing.is_none()).count();
    let some = strict
        + resp.hits[strict..]
            .iter()
            .take_while(|h| h.loose.is_none())
            .count();
    print_hits(&resp.hits[..strict]);
    if strict < some {
        println!(
            "\n{} passages with some of the words as written, not counted above:",
            resp.some_total
        );
        print_hits(&resp.hits[strict..some]);
    }
    if some < resp.hits.len() {
        let mode = resp.hits[some].loose.unwrap_or("any");
        println!("\nThe nearest passages ({mode}), not counted above:");
        print_hits(&resp.hits[some..]);
    }
    if let Some(p) = resp.partial.as_ref().filter(|p| !p.hits.is_empty()) {
        println!(
            "\n{} more passages with only part of the query ({}), not counted above:",
            p.total, p.mode
        );
        print_hits(&p.hits);
    }
}

fn print_hits(hits: &[crate::search::Hit]) {
    for (i, h) in hits.iter().enumerate() {
        let plain = h
            .snippet
            .as_deref()
            .unwrap_or_default()
            .replace("<mark>", "[")
            .replace("</mark>", "]");
        let plain = crate::search::snippets::unescape_html(&plain);
        println!(
            "{:>3}. {} {} {} — {}",
            i + 1,
            h.city.as_deref().unwrap_or("?"),
            h.year.map(|y| y.to_string()).unwrap_or_else(|| "?".into()),
            h.department.as_deref().unwrap_or(""),
            h.section_title
        );
        println!("     {plain}");
        if let Some(missing) = h.missing.as_ref().filter(|m| !m.is_empty()) {
            println!("     missing: {}", missing.join(", "));
        }
        let page = h.page.map(|p| format!(" p. {p}")).unwrap_or_default();
        println!("     {}{page} [{}]", h.file, h.section_id);
    }
}
