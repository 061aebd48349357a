//! Stage 9 — podcast: a feed of articles turned into a podcast.
//!
//! [`publish`] reads a source feed (RSS or Atom, [`feed`]), takes each item's article from its
//! full content when the feed carries it, else from its page (fetched by the web input), and
//! renders the new and changed ones with the batch renderer into the podcast folder; then it
//! writes `feed.xml` ([`rss`]), an RSS 2.0 podcast feed of every episode. The folder's state
//! file ([`state`]) remembers each episode's guid, the hashes of the text and settings it was
//! made from, and its files: an item whose text and settings are unchanged and whose files are
//! all there is not rendered again, and episodes whose item left the source feed stay
//! published until `keep` drops them.

pub mod feed;
pub mod rss;
pub mod state;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::article::{self, ArticleError, ParseOptions};
use crate::batch;
use crate::config::RenderConfig;
use crate::engine::Hosting;
use crate::input::expand::Input;
use crate::input::{self, InputError, Source, web};
use crate::render::{RenderError, Rendered, Renderer, SetupError};

pub use feed::{FeedError, Item, SourceFeed};
pub use rss::Channel;
pub use state::{Episode, State, StateError};

/// The podcast feed's file name in the podcast folder.
pub const FEED_FILE: &str = "feed.xml";

/// What a podcast run is asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// The source feed: a web address or a file.
    pub feed: String,
    /// The address the podcast folder is published at (ends with `/`).
    pub base_url: url::Url,
    /// Keep only the newest this many episodes.
    pub keep: Option<usize>,
    /// Channel metadata given by the user, over the source feed's.
    pub meta: Vec<(MetaKey, String)>,
    /// The time of the run (seconds since 1970): when new items were first seen.
    pub now: i64,
}

/// A channel field `--channel KEY=VALUE` sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaKey {
    /// The show's title.
    Title,
    /// Its web site.
    Link,
    /// Its description.
    Description,
    /// Its language.
    Language,
    /// Its cover image (a URL, or a file name under the base URL).
    Image,
    /// Its author.
    Author,
    /// Its owner's name.
    Owner,
    /// Its owner's e-mail.
    Email,
    /// Its Apple Podcasts category.
    Category,
    /// Whether it is explicit (`true`, `false`).
    Explicit,
    /// Its copyright line.
    Copyright,
}

impl MetaKey {
    /// The names of the keys, with a line of help.
    pub const NAMES: [(&'static str, &'static str, MetaKey); 11] = [
        ("title", "the show's title", MetaKey::Title),
        ("link", "its web site", MetaKey::Link),
        ("description", "its description", MetaKey::Description),
        ("language", "its language (en, en-gb)", MetaKey::Language),
        (
            "image",
            "its cover image: a URL, or a file name under --base-url",
            MetaKey::Image,
        ),
        ("author", "its author", MetaKey::Author),
        ("owner", "its owner's name", MetaKey::Owner),
        ("email", "its owner's e-mail", MetaKey::Email),
        ("category", "its Apple Podcasts category", MetaKey::Category),
        ("explicit", "true or false", MetaKey::Explicit),
        ("copyright", "its copyright line", MetaKey::Copyright),
    ];

    /// Reads `KEY=VALUE`.
    pub fn parse(text: &str) -> Result<(MetaKey, String), String> {
        let names = || {
            MetaKey::NAMES
                .iter()
                .map(|(n, _, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let (key, value) = text
            .split_once('=')
            .ok_or_else(|| format!("expected KEY=VALUE, with KEY one of {}", names()))?;
        let key = key.trim().to_ascii_lowercase();
        let found = MetaKey::NAMES
            .iter()
            .find(|(n, _, _)| *n == key)
            .map(|(_, _, k)| *k)
            .ok_or_else(|| format!("unknown key '{key}' (known: {})", names()))?;
        let value = value.trim().to_string();
        if found == MetaKey::Explicit && !matches!(value.as_str(), "true" | "false") {
            return Err("explicit is `true` or `false`".to_string());
        }
        Ok((found, value))
    }
}

/// Why a run could not publish at all (nothing was written).
#[derive(Debug, thiserror::Error)]
pub enum PodcastError {
    /// The source feed could not be read.
    #[error("{feed}: {source}")]
    Feed {
        /// The feed as given.
        feed: String,
        /// Why.
        #[source]
        source: FeedError,
    },
    /// The podcast folder's state file could not be used.
    #[error(transparent)]
    State(#[from] StateError),
    /// The renderer could not be set up (an engine, a voice, the output folder).
    #[error(transparent)]
    Setup(#[from] SetupError),
    /// `feed.xml` or the state file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

impl PodcastError {
    /// 2 for a feed or state the user must fix, 1 for a failure to write.
    pub fn exit_code(&self) -> u8 {
        match self {
            PodcastError::Feed { .. } | PodcastError::State(_) => 2,
            PodcastError::Setup(_) | PodcastError::Write { .. } => 1,
        }
    }
}

/// Why one item was not published (the others go on).
#[derive(Debug, thiserror::Error)]
pub enum ItemError {
    /// The item has neither content nor a link.
    #[error("neither content nor a link to read its article from")]
    NothingToRead,
    /// Its page could not be fetched.
    #[error("{link}: {source}")]
    Fetch {
        /// The page.
        link: String,
        /// Why.
        #[source]
        source: web::FetchError,
    },
    /// Its text could not be read.
    #[error(transparent)]
    Input(#[from] InputError),
    /// It holds no article.
    #[error(transparent)]
    Article(#[from] ArticleError),
    /// Rendering it failed.
    #[error(transparent)]
    Render(#[from] RenderError),
}

/// What happened to one item of the source feed.
#[derive(Debug)]
pub enum Status {
    /// Rendered now.
    Rendered(Box<Rendered>),
    /// Unchanged since it was rendered: its files were kept.
    Unchanged,
    /// Older than the newest `keep` items: left out.
    NotKept,
    /// Failed; an earlier episode of it, if any, stays published.
    Failed(ItemError),
}

/// One item of the source feed and what happened to it.
#[derive(Debug)]
pub struct ItemOutcome {
    /// Its title, else its guid: what messages call it.
    pub name: String,
    /// Its guid.
    pub guid: String,
    /// What happened.
    pub status: Status,
}

/// What a run did.
#[derive(Debug)]
pub struct Run {
    /// Each item of the source feed, in its order (repeated guids left out).
    pub items: Vec<ItemOutcome>,
    /// Episodes removed by `keep` (their files deleted).
    pub removed: Vec<Episode>,
    /// Items left out because an earlier item has the same guid.
    pub duplicates: usize,
    /// The episodes now published, newest first.
    pub episodes: Vec<Episode>,
    /// `feed.xml`, when there is an episode to publish.
    pub feed_xml: Option<PathBuf>,
}

impl Run {
    /// Items that failed.
    pub fn failed(&self) -> usize {
        self.items
            .iter()
            .filter(|i| matches!(i.status, Status::Failed(_)))
            .count()
    }

    /// The JSON report of the run (`--report FILE`).
    pub fn report(&self, wall: std::time::Duration) -> serde_json::Value {
        use serde_json::json;
        let count = |f: fn(&Status) -> bool| self.items.iter().filter(|i| f(&i.status)).count();
        let items: Vec<serde_json::Value> = self
            .items
            .iter()
            .map(|item| {
                let mut entry = json!({"title": item.name, "guid": item.guid});
                match &item.status {
                    Status::Rendered(done) => {
                        entry["status"] = json!("rendered");
                        let files: Vec<String> = done
                            .audio
                            .iter()
                            .chain(&done.sidecars)
                            .map(|p| p.display().to_string())
                            .collect();
                        entry["files"] = json!(files);
                        entry["seconds"] = json!(done.seconds);
                        entry["retried"] = json!(done.retried);
                        if let Some(c) = &done.cache {
                            entry["cache"] = json!({"hits": c.hits, "misses": c.misses});
                        }
                    }
                    Status::Unchanged => entry["status"] = json!("unchanged"),
                    Status::NotKept => entry["status"] = json!("not kept"),
                    Status::Failed(err) => {
                        entry["status"] = json!("failed");
                        entry["error"] = json!(err.to_string());
                    }
                }
                entry
            })
            .collect();
        json!({
            "articast": env!("CARGO_PKG_VERSION"),
            "rendered": count(|s| matches!(s, Status::Rendered(_))),
            "unchanged": count(|s| matches!(s, Status::Unchanged)),
            "not_kept": count(|s| matches!(s, Status::NotKept)),
            "failed": count(|s| matches!(s, Status::Failed(_))),
            "removed": self.removed.iter().map(|e| e.guid.clone()).collect::<Vec<_>>(),
            "episodes": self.episodes.len(),
            "feed": self.feed_xml.as_ref().map(|p| p.display().to_string()),
            "wall_seconds": wall.as_secs_f64(),
            "items": items,
        })
    }
}

/// Reads the source feed, renders its new and changed items with the settings of `config`
/// (whose output folder is the podcast folder; `jobs` things at once, spread over items first,
/// then over the utterances of each), and writes the podcast folder's state and `feed.xml`.
/// Set-up errors (engines, voices, the folder) surface before the feed is read; a feed that
/// cannot be read, or a state file that cannot be used, stops the run before anything is
/// written; a failed item does not stop the others.
pub fn publish(
    options: &Options,
    config: &RenderConfig,
    jobs: usize,
    progress: &mut dyn batch::Progress,
) -> Result<Run, PodcastError> {
    let jobs = jobs.max(1);
    let first = Renderer::new(&RenderConfig {
        jobs,
        ..config.clone()
    })?;
    let dir = config.out_dir.clone();
    let source = feed::read(&options.feed).map_err(|source| PodcastError::Feed {
        feed: options.feed.clone(),
        source,
    })?;
    let old = State::load(&dir)?;
    let settings = settings_hash(config);

    // The items, each guid once.
    let mut guids = HashSet::new();
    let mut duplicates = 0;
    let mut items: Vec<(usize, &Item, String, bool)> = Vec::new();
    for (position, item) in source.items.iter().enumerate() {
        let (guid, permalink) = guid_of(item);
        if guids.insert(guid.clone()) {
            items.push((position, item, guid, permalink));
        } else {
            duplicates += 1;
        }
    }

    // Which episodes stay: the newest `keep` of the feed's items and the earlier episodes.
    let mut candidates: Vec<Episode> = items
        .iter()
        .map(|(position, item, guid, permalink)| {
            let earlier = old.episode(guid);
            let mut e = earlier.cloned().unwrap_or_else(|| Episode {
                guid: guid.clone(),
                permalink: *permalink,
                title: String::new(),
                link: None,
                description: None,
                published: None,
                first_seen: options.now,
                position: *position,
                name: String::new(),
                content_hash: String::new(),
                settings_hash: String::new(),
                audio: String::new(),
                mime: String::new(),
                bytes: 0,
                seconds: 0.0,
                chapters: None,
                vtt: None,
                srt: None,
                files: Vec::new(),
            });
            e.permalink = *permalink;
            e.title = item.title.clone().unwrap_or_else(|| guid.clone());
            e.link = item.link.clone();
            e.description = item.summary.clone();
            e.published = item.published;
            e.position = *position;
            e
        })
        .collect();
    candidates.extend(
        old.episodes
            .iter()
            .filter(|e| !guids.contains(&e.guid))
            .cloned(),
    );
    candidates.sort_by(Episode::newest_first);
    let keep = options.keep.unwrap_or(usize::MAX);
    let dropped: Vec<Episode> = candidates.split_off(keep.min(candidates.len()));
    let kept: HashSet<String> = candidates.iter().map(|e| e.guid.clone()).collect();

    // Each kept item of the feed: unchanged, or to be rendered.
    let parse = ParseOptions {
        format: Some(input::Format::Html),
        encoding: None,
        ..config.parse
    };
    let mut taken: HashSet<String> = old.episodes.iter().map(|e| e.name.clone()).collect();
    let mut outcomes: Vec<ItemOutcome> = Vec::new();
    let mut inputs: Vec<(usize, Input, String)> = Vec::new();
    for (_, item, guid, _) in &items {
        let name = item.title.clone().unwrap_or_else(|| guid.clone());
        let outcome = |status| ItemOutcome {
            name: name.clone(),
            guid: guid.clone(),
            status,
        };
        if !kept.contains(guid) {
            outcomes.push(outcome(Status::NotKept));
            continue;
        }
        let prepared = article_source(item, source.language.as_deref())
            .and_then(|src| Ok((content_hash(&src, parse)?, src)));
        let (hash, src) = match prepared {
            Ok(found) => found,
            Err(err) => {
                outcomes.push(outcome(Status::Failed(err)));
                continue;
            }
        };
        let earlier = old.episode(guid);
        let unchanged = earlier.is_some_and(|e| {
            e.content_hash == hash && e.settings_hash == settings && e.files_exist(&dir)
        });
        if unchanged {
            outcomes.push(outcome(Status::Unchanged));
            continue;
        }
        let stem = match earlier {
            Some(e) => e.name.clone(),
            None => {
                let stem = unique_name(&episode_name(guid, item.title.as_deref()), &taken);
                taken.insert(stem.clone());
                stem
            }
        };
        inputs.push((
            outcomes.len(),
            Input {
                source: src,
                name: PathBuf::from(stem),
                renamed: None,
            },
            hash,
        ));
        outcomes.push(outcome(Status::Unchanged)); // replaced by the render's outcome below
    }

    // Render what changed, as many at once as there are renderers.
    let batch_inputs: Vec<Input> = inputs.iter().map(|(_, input, _)| input.clone()).collect();
    let articles = jobs.min(batch_inputs.len()).max(1);
    let mut renderers = match articles {
        1 => vec![first],
        n => (0..n)
            .map(|_| {
                Renderer::new(&RenderConfig {
                    jobs: (jobs / n).max(1),
                    ..config.clone()
                })
            })
            .collect::<Result<Vec<_>, _>>()?,
    };
    // Which items need rendering is decided here (by the podcast's state), not by the files.
    let force = batch::Options { force: true };
    let rendered = batch::render_all(&batch_inputs, &mut renderers, force, progress);
    let mut episodes = candidates;
    for ((at, input, hash), done) in inputs.into_iter().zip(rendered) {
        let guid = outcomes[at].guid.clone();
        outcomes[at].status = match done.result {
            Ok(rendered) => {
                if let Some(episode) = episodes.iter_mut().find(|e| e.guid == guid) {
                    record(
                        episode,
                        &rendered,
                        &input.name.to_string_lossy(),
                        hash,
                        &settings,
                    );
                }
                Status::Rendered(Box::new(rendered))
            }
            Err(err) => Status::Failed(ItemError::Render(err)),
        };
    }
    // An item that has never been published and failed now is no episode.
    episodes.retain(|e| !e.audio.is_empty());

    for episode in dropped.iter().filter(|e| !e.audio.is_empty()) {
        episode.remove_files(&dir);
    }
    let removed = dropped
        .into_iter()
        .filter(|e| !e.audio.is_empty())
        .collect();

    let feed_xml = if episodes.is_empty() {
        None
    } else {
        let state = State {
            version: 0,
            episodes: episodes.clone(),
        };
        write_atomically(&State::path(&dir), &state.to_json())?;
        let channel = channel(&source, &options.meta, &options.base_url);
        let xml = rss::render(&channel, &episodes, &options.base_url);
        let path = dir.join(FEED_FILE);
        write_atomically(&path, &xml)?;
        Some(path)
    };
    Ok(Run {
        items: outcomes,
        removed,
        duplicates,
        episodes,
        feed_xml,
    })
}

/// Fills an episode with what a render wrote.
fn record(episode: &mut Episode, rendered: &Rendered, name: &str, hash: String, settings: &str) {
    let file_name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let audio = episode_audio(rendered);
    let sidecar = |suffix: &str| {
        rendered
            .sidecars
            .iter()
            .map(|p| file_name(p))
            .find(|f| f == &format!("{name}{suffix}"))
    };
    episode.name = name.to_string();
    episode.content_hash = hash;
    episode.settings_hash = settings.to_string();
    episode.audio = file_name(audio);
    episode.mime = mime_type(audio).to_string();
    episode.bytes = std::fs::metadata(audio).map_or(0, |m| m.len());
    episode.seconds = rendered.seconds;
    episode.chapters = sidecar(".chapters.json");
    episode.vtt = sidecar(".vtt");
    episode.srt = sidecar(".srt");
    episode.files = rendered
        .audio
        .iter()
        .chain(&rendered.playlist)
        .chain(&rendered.sidecars)
        .map(|p| file_name(p))
        .collect();
}

/// The audio file an episode publishes: the first one written in the podcast formats in order
/// of preference (MP3, then M4A/M4B, Opus, WAV). Which formats are written is the render
/// config's choice; this only picks among them.
pub fn episode_audio(rendered: &Rendered) -> &Path {
    const PREFERENCE: [&str; 5] = ["mp3", "m4a", "m4b", "opus", "wav"];
    let rank = |p: &&PathBuf| {
        let ext = p
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        PREFERENCE
            .iter()
            .position(|x| *x == ext)
            .unwrap_or(PREFERENCE.len())
    };
    rendered
        .audio
        .iter()
        .min_by_key(rank)
        .map_or(rendered.wav.as_path(), PathBuf::as_path)
}

/// The MIME type of an audio file, by its extension.
pub fn mime_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("mp3") => "audio/mpeg",
        Some("m4a" | "m4b") => "audio/x-m4a",
        Some("opus" | "ogg") => "audio/ogg",
        Some("wav") => "audio/wav",
        _ => "application/octet-stream",
    }
}

/// An item's guid and whether it is a permalink: the source's, else its link (not claimed as a
/// permalink), else one made from its title and content.
pub fn guid_of(item: &Item) -> (String, bool) {
    match (&item.guid, &item.link) {
        (Some(guid), _) => (guid.clone(), item.permalink),
        (None, Some(link)) => (link.clone(), false),
        (None, None) => {
            let mut hasher = blake3::Hasher::new();
            hasher.update(item.title.as_deref().unwrap_or("").as_bytes());
            hasher.update(b"\0");
            hasher.update(item.content.as_deref().unwrap_or("").as_bytes());
            (
                format!("articast:{}", &hasher.finalize().to_hex()[..32]),
                false,
            )
        }
    }
}

/// An item's article as an HTML document: its content when the feed carries it (with its
/// title, author and language around it), else its page, fetched.
pub fn article_source(item: &Item, feed_language: Option<&str>) -> Result<Source, ItemError> {
    let name = item
        .title
        .clone()
        .or_else(|| item.guid.clone())
        .unwrap_or_else(|| "item".to_string());
    if let Some(content) = &item.content {
        let title = item.title.as_deref().unwrap_or("");
        let lang = item
            .language
            .as_deref()
            .or(feed_language)
            .map(|l| format!(" lang=\"{}\"", feed::escape(l)))
            .unwrap_or_default();
        let author = item
            .author
            .as_deref()
            .map(|a| format!("<meta name=\"author\" content=\"{}\">", feed::escape(a)))
            .unwrap_or_default();
        let heading = match title {
            "" => String::new(),
            t => format!("<h1>{}</h1>\n", feed::escape(t)),
        };
        let html = format!(
            "<!DOCTYPE html><html{lang}><head><meta charset=\"utf-8\"><title>{}</title>{author}\
             </head><body><article>{heading}{content}</article></body></html>",
            feed::escape(title)
        );
        return Ok(Source::Html { name, html });
    }
    let Some(link) = &item.link else {
        return Err(ItemError::NothingToRead);
    };
    let page = web::fetch(link).map_err(|source| ItemError::Fetch {
        link: link.clone(),
        source,
    })?;
    Ok(Source::Html {
        name,
        html: page.html,
    })
}

/// Hash of what an article says (title, byline, body, quotations, language): the same
/// article in a page whose menus or comments changed hashes the same.
pub fn content_hash(source: &Source, parse: ParseOptions) -> Result<String, ItemError> {
    #[derive(Serialize)]
    struct Said<'a> {
        title: &'a Option<String>,
        byline: &'a Option<String>,
        credits: &'a [String],
        dateline: &'a Option<String>,
        date: &'a Option<String>,
        sections: &'a [article::Section],
        quotations: &'a [article::Quotation],
        language: &'a Option<String>,
    }
    let text = input::read_as(source, None)?;
    let a = article::parse_with(&text, parse)?;
    let said = Said {
        title: &a.title,
        byline: &a.byline,
        credits: &a.credits,
        dateline: &a.dateline,
        date: &a.date,
        sections: &a.sections,
        quotations: &a.quotations,
        language: &a.language,
    };
    let json = serde_json::to_vec(&said).unwrap_or_default();
    Ok(blake3::hash(&json).to_hex().to_string())
}

/// Hash of the settings that change what a render writes: everything in the config but where
/// it goes, how many things happen at once and where the cache is; and articast's version.
pub fn settings_hash(config: &RenderConfig) -> String {
    let same = RenderConfig {
        out_dir: PathBuf::new(),
        jobs: 1,
        cache: None,
        hosting: Hosting::default(),
        no_clobber: false,
        ..config.clone()
    };
    let text = format!("articast {}\n{same:?}", env!("CARGO_PKG_VERSION"));
    blake3::hash(text.as_bytes()).to_hex().to_string()
}

/// The stem of an episode's files: its title in lower-case ASCII letters, digits and dashes
/// (at most 60), then 10 hex digits of its guid's hash: stable for a guid, distinct between
/// guids, safe in a URL and on any file system.
pub fn episode_name(guid: &str, title: Option<&str>) -> String {
    let mut slug = String::new();
    for c in title.unwrap_or("").chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 60 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    let hash = blake3::hash(guid.as_bytes()).to_hex();
    match slug {
        "" => format!("episode-{}", &hash[..10]),
        s => format!("{s}-{}", &hash[..10]),
    }
}

/// `name`, or with `-2`, `-3`, … when another episode has it.
fn unique_name(name: &str, taken: &HashSet<String>) -> String {
    (1..)
        .map(|n| match n {
            1 => name.to_string(),
            n => format!("{name}-{n}"),
        })
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_else(|| name.to_string())
}

/// The channel: the user's metadata over the source feed's; links made absolute.
pub fn channel(source: &SourceFeed, meta: &[(MetaKey, String)], base: &url::Url) -> Channel {
    let given = |key| {
        meta.iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
    };
    let title = given(MetaKey::Title)
        .or_else(|| source.title.clone())
        .unwrap_or_else(|| "Podcast".to_string());
    let link = given(MetaKey::Link)
        .or_else(|| source.link.clone())
        .unwrap_or_else(|| base.to_string());
    let image = given(MetaKey::Image)
        .map(|i| rss::Urls::url(base, &i))
        .or_else(|| source.image.clone());
    Channel {
        description: given(MetaKey::Description)
            .or_else(|| source.description.clone())
            .unwrap_or_else(|| title.clone()),
        language: given(MetaKey::Language).or_else(|| source.language.clone()),
        author: given(MetaKey::Author).or_else(|| source.author.clone()),
        owner: given(MetaKey::Email).map(|email| (given(MetaKey::Owner), email)),
        category: given(MetaKey::Category),
        explicit: given(MetaKey::Explicit).is_some_and(|v| v == "true"),
        copyright: given(MetaKey::Copyright),
        self_url: rss::Urls::url(base, FEED_FILE),
        title,
        link,
        image,
    }
}

/// The base URL as given, made a folder (`https://x/pod` → `https://x/pod/`); only http and
/// https.
pub fn base_url(text: &str) -> Result<url::Url, String> {
    let mut url = url::Url::parse(text.trim())
        .map_err(|e| format!("'{text}' is not an absolute URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("'{text}' is not an http or https URL"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

/// Writes a file whole or not at all ([`crate::files::write_atomically`]).
fn write_atomically(path: &Path, text: &str) -> Result<(), PodcastError> {
    crate::files::write_atomically(path, text.as_bytes()).map_err(|source| PodcastError::Write {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn episode_names_are_slugs_with_a_guid_hash() {
        let a = episode_name("guid-1", Some("Ça va? The “Big” Story: Part 2"));
        assert!(a.starts_with("a-va-the-big-story-part-2-"), "{a}");
        assert_eq!(
            a,
            episode_name("guid-1", Some("Ça va? The “Big” Story: Part 2"))
        );
        assert_ne!(
            a,
            episode_name("guid-2", Some("Ça va? The “Big” Story: Part 2"))
        );
        let none = episode_name("g", Some("Всё"));
        assert!(none.starts_with("episode-") && none.len() == 18, "{none}");
        let long = episode_name("g", Some(&"word ".repeat(40)));
        assert!(long.len() <= 60 + 11, "{long}");
        assert!(!long.contains("--"));
    }

    #[test]
    fn a_taken_name_gets_a_number() {
        let taken: HashSet<String> = ["a".to_string(), "a-2".to_string()].into();
        assert_eq!(unique_name("a", &taken), "a-3");
        assert_eq!(unique_name("b", &taken), "b");
    }

    #[test]
    fn meta_keys_are_checked() {
        assert_eq!(
            MetaKey::parse("Title = My Show").unwrap(),
            (MetaKey::Title, "My Show".to_string())
        );
        assert!(
            MetaKey::parse("colour=red")
                .unwrap_err()
                .contains("unknown key")
        );
        assert!(MetaKey::parse("title").unwrap_err().contains("KEY=VALUE"));
        assert!(MetaKey::parse("explicit=maybe").is_err());
    }

    #[test]
    fn the_base_url_becomes_a_folder() {
        assert_eq!(
            base_url("https://example.com/pod").unwrap().as_str(),
            "https://example.com/pod/"
        );
        assert_eq!(
            base_url("https://example.com").unwrap().as_str(),
            "https://example.com/"
        );
        assert!(base_url("pod/").is_err());
        assert!(base_url("ftp://example.com/").is_err());
    }

    #[test]
    fn the_channel_takes_meta_over_the_source_feed() {
        let source = SourceFeed {
            title: Some("Source".into()),
            description: Some("From the source".into()),
            language: Some("en".into()),
            ..SourceFeed::default()
        };
        let base = base_url("https://example.com/pod/").unwrap();
        let meta = vec![
            (MetaKey::Title, "Mine".to_string()),
            (MetaKey::Image, "cover.jpg".to_string()),
        ];
        let c = channel(&source, &meta, &base);
        assert_eq!(c.title, "Mine");
        assert_eq!(c.description, "From the source");
        assert_eq!(c.language.as_deref(), Some("en"));
        assert_eq!(c.link, "https://example.com/pod/");
        assert_eq!(
            c.image.as_deref(),
            Some("https://example.com/pod/cover.jpg")
        );
        assert_eq!(c.self_url, "https://example.com/pod/feed.xml");
    }

    #[test]
    fn an_item_without_content_or_link_is_refused_and_content_is_wrapped() {
        let bare = Item {
            title: Some("Bare".into()),
            ..Item::default()
        };
        assert!(matches!(
            article_source(&bare, None),
            Err(ItemError::NothingToRead)
        ));
        let full = Item {
            title: Some("A <b>".into()),
            content: Some("<p>Body.</p>".into()),
            author: Some("Ann".into()),
            ..Item::default()
        };
        let Source::Html { name, html } = article_source(&full, Some("de")).unwrap() else {
            panic!("HTML")
        };
        assert_eq!(name, "A <b>");
        assert!(html.contains("<html lang=\"de\">"), "{html}");
        assert!(html.contains("<title>A &lt;b&gt;</title>"), "{html}");
        assert!(html.contains("content=\"Ann\""), "{html}");
        assert!(html.contains("<p>Body.</p>"), "{html}");
    }

    #[test]
    fn guids_come_from_the_source_else_the_link_else_the_text() {
        let item = Item {
            guid: Some("g".into()),
            permalink: true,
            link: Some("https://x/a".into()),
            ..Item::default()
        };
        assert_eq!(guid_of(&item), ("g".to_string(), true));
        let linked = Item {
            guid: None,
            ..item.clone()
        };
        assert_eq!(guid_of(&linked), ("https://x/a".to_string(), false));
        let bare = Item {
            link: None,
            title: Some("t".into()),
            ..linked
        };
        let (made, permalink) = guid_of(&bare);
        assert!(made.starts_with("articast:") && !permalink);
        assert_eq!(guid_of(&bare).0, made, "the same every run");
    }

    #[test]
    fn the_settings_hash_ignores_where_and_how_fast_but_not_what() {
        let config = RenderConfig::default();
        let moved = RenderConfig {
            out_dir: PathBuf::from("elsewhere"),
            jobs: 8,
            cache: Some(PathBuf::from("/tmp/c")),
            ..config.clone()
        };
        assert_eq!(settings_hash(&config), settings_hash(&moved));
        let louder = RenderConfig {
            audio: crate::audio::AudioOptions {
                loudness: Some(-14.0),
                ..config.audio.clone()
            },
            ..config.clone()
        };
        assert_ne!(settings_hash(&config), settings_hash(&louder));
    }

    #[test]
    fn the_content_hash_follows_the_article_not_the_page_around_it() {
        let page = |nav: &str, body: &str| Source::Html {
            name: "x".into(),
            html: format!(
                "<html><head><title>T</title></head><body><nav>{nav}</nav><article><h1>T</h1>\
                 <p>{body}</p><p>{body}</p><p>{body}</p></article></body></html>"
            ),
        };
        let text = "A long enough paragraph of the article, with a few words in it to read.";
        let parse = ParseOptions::default();
        let a = content_hash(&page("Home", text), parse).unwrap();
        let b = content_hash(&page("Home | About", text), parse).unwrap();
        let c = content_hash(&page("Home", &text.replace("few", "many")), parse).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
