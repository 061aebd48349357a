//! `<stem>.epub`, an EPUB 3 talking book: one XHTML content document per section, one `<span
//! id>` per sentence, and a SMIL media overlay per document whose `<par>` pairs each sentence
//! with its clip of the audio, taken from the timing map (W3C EPUB Media Overlays 3.2). The
//! navigation document lists the sections (TOC) and every paragraph (page list); the package
//! carries `media:duration` per overlay and in total, `media:active-class`, and schema.org
//! accessibility metadata.
//!
//! The audio goes inside: MP3 when articast is built with the `mp3` feature (EPUB readers play
//! MP3 and AAC; a WAV inside is not a core media type and fails epubcheck), else the WAV.

use std::fmt::Write as _;
use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::markup::{Block, BlockKind, blocks, escape};
use super::{Whole, millis};

/// The class a reading system puts on the sentence being read (`media:active-class`).
pub const ACTIVE_CLASS: &str = "-epub-media-overlay-active";

/// One audio file of the program, as it goes into the book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audio {
    /// Its bytes (MP3, or WAV).
    pub bytes: Vec<u8>,
    /// `audio/mpeg` or `audio/wav`.
    pub media_type: &'static str,
    /// The program frame it starts at.
    pub start_frame: u64,
}

impl Audio {
    fn href(&self, index: usize) -> String {
        let ext = if self.media_type == "audio/mpeg" {
            "mp3"
        } else {
            "wav"
        };
        format!("audio/part-{:02}.{ext}", index + 1)
    }
}

/// A clip of a media overlay: the sentence (its id) and its range in one audio file, in
/// milliseconds of that file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clip {
    /// The sentence's index in the timeline (its element id is `s{index + 1}`).
    pub sentence: usize,
    /// The audio file (index into the book's audio).
    pub audio: usize,
    /// Start in the audio file, in milliseconds.
    pub begin_ms: u64,
    /// End in the audio file, in milliseconds.
    pub end_ms: u64,
}

/// The clips of the sentences in `blocks`: each sentence's frames from the timing map, made
/// relative to the audio file it is in. Sentences with no duration are left out.
pub fn clips(whole: &Whole, blocks: &[&Block], audio: &[Audio]) -> Vec<Clip> {
    let rate = whole.timeline.sample_rate;
    blocks
        .iter()
        .flat_map(|b| b.sentences())
        .filter_map(|&(i, s)| {
            let t = &s.timed;
            let k = audio
                .iter()
                .rposition(|a| a.start_frame <= t.start_frame)
                .unwrap_or(0);
            let offset = audio.get(k).map_or(0, |a| a.start_frame);
            let begin_ms = millis(t.start_frame - offset, rate);
            let end_ms = millis(t.end_frame.max(t.start_frame) - offset, rate);
            (end_ms > begin_ms).then_some(Clip {
                sentence: i,
                audio: k,
                begin_ms,
                end_ms,
            })
        })
        .collect()
}

/// `h:mm:ss.fff`, a SMIL full clock value.
pub fn clock(ms: u64) -> String {
    format!(
        "{}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// `YYYY-MM-DDThh:mm:ssZ` for seconds since 1970 (the package's `dcterms:modified`).
pub fn timestamp(unix_seconds: u64) -> String {
    let days = (unix_seconds / 86_400) as i64;
    let secs = unix_seconds % 86_400;
    // Civil date from days since 1970-01-01 (proleptic Gregorian calendar).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// A stable identifier for the book: a hash of its title and text (FNV-1a, 64 bits).
fn identifier(whole: &Whole) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let texts = whole.title.into_iter().chain(
        whole
            .timeline
            .sentences
            .iter()
            .map(|s| s.timed.text.as_str()),
    );
    for byte in texts.flat_map(|t| t.bytes().chain([0])) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("urn:articast:{hash:016x}")
}

/// A content document of the book: one section, with its sentences' clips.
struct Document<'a> {
    number: usize,
    heading: String,
    blocks: Vec<&'a Block<'a>>,
    clips: Vec<Clip>,
}

impl Document<'_> {
    fn xhtml(&self) -> String {
        format!("section-{:02}.xhtml", self.number)
    }
    fn smil(&self) -> String {
        format!("section-{:02}.smil", self.number)
    }
    fn ms(&self) -> u64 {
        self.clips.iter().map(|c| c.end_ms - c.begin_ms).sum()
    }
}

/// The EPUB of a render: `whole` and its audio files. `modified` is the package's
/// `dcterms:modified` ([`timestamp`]).
pub fn build(whole: &Whole, audio: &[Audio], modified: &str) -> zip::result::ZipResult<Vec<u8>> {
    let title = whole.title.unwrap_or("Untitled article");
    let all = blocks(whole.timeline, whole.title);
    let documents: Vec<Document> = (0..whole.timeline.sections.len().max(1))
        .map(|section| {
            let blocks: Vec<&Block> = all.iter().filter(|b| b.section == section).collect();
            let heading = match section {
                0 => title.to_string(),
                _ => whole.timeline.sections[section].text.clone(),
            };
            Document {
                number: section + 1,
                heading,
                clips: clips(whole, &blocks, audio),
                blocks,
            }
        })
        .filter(|d| !d.blocks.is_empty())
        .collect();
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    // OCF: `mimetype` first, stored, no extra field.
    zip.start_file("mimetype", stored)?;
    zip.write_all(b"application/epub+zip")?;
    zip.start_file("META-INF/container.xml", deflated)?;
    zip.write_all(CONTAINER.as_bytes())?;
    zip.start_file("EPUB/package.opf", deflated)?;
    zip.write_all(package(whole, title, &documents, audio, modified).as_bytes())?;
    zip.start_file("EPUB/nav.xhtml", deflated)?;
    zip.write_all(nav(title, &documents).as_bytes())?;
    zip.start_file("EPUB/style.css", deflated)?;
    zip.write_all(STYLE.as_bytes())?;
    for d in &documents {
        zip.start_file(format!("EPUB/{}", d.xhtml()), deflated)?;
        zip.write_all(xhtml(whole, title, d).as_bytes())?;
        zip.start_file(format!("EPUB/{}", d.smil()), deflated)?;
        zip.write_all(smil(d, audio).as_bytes())?;
    }
    for (k, a) in audio.iter().enumerate() {
        zip.start_file(format!("EPUB/{}", a.href(k)), stored)?;
        zip.write_all(&a.bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

const CONTAINER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"#;

const STYLE: &str = "body { font-family: serif; line-height: 1.5; margin: 0 1em; }
.byline, .credit, .who { font-style: italic; }
q.quote { font-style: italic; }
.-epub-media-overlay-active { background-color: #ffe98a; color: #000; }
";

fn package(
    whole: &Whole,
    title: &str,
    documents: &[Document],
    audio: &[Audio],
    modified: &str,
) -> String {
    let mut meta = String::new();
    let mut line = |property: &str, value: &str| {
        let _ = writeln!(
            meta,
            "    <meta property=\"{property}\">{}</meta>",
            escape(value)
        );
    };
    line("dcterms:modified", modified);
    line("media:active-class", ACTIVE_CLASS);
    line("media:narrator", "articast (synthetic speech)");
    line(
        "media:duration",
        &clock(documents.iter().map(Document::ms).sum()),
    );
    for mode in ["textual", "auditory"] {
        line("schema:accessMode", mode);
    }
    for sufficient in ["textual", "auditory", "textual,auditory"] {
        line("schema:accessModeSufficient", sufficient);
    }
    for feature in [
        "synchronizedAudioText",
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
    ] {
        line("schema:accessibilityFeature", feature);
    }
    line("schema:accessibilityHazard", "none");
    line(
        "schema:accessibilitySummary",
        "The full text of the article with its narration in synthetic speech, synchronized \
         sentence by sentence (media overlays). Headings mark the sections; the table of \
         contents lists them and the page list numbers the paragraphs, so a reader can go \
         by section or by paragraph. Quotations are marked as such.",
    );
    for d in documents {
        let _ = writeln!(
            meta,
            "    <meta property=\"media:duration\" refines=\"#mo-{}\">{}</meta>",
            d.number,
            clock(d.ms())
        );
    }
    let creator = whole.author.map_or(String::new(), |a| {
        format!("    <dc:creator>{}</dc:creator>\n", escape(a))
    });
    let mut manifest = String::from(
        "    <item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n    <item id=\"css\" href=\"style.css\" media-type=\"text/css\"/>\n",
    );
    let mut spine = String::new();
    for d in documents {
        let n = d.number;
        let _ = writeln!(
            manifest,
            "    <item id=\"section-{n}\" href=\"{}\" media-type=\"application/xhtml+xml\" media-overlay=\"mo-{n}\"/>\n    <item id=\"mo-{n}\" href=\"{}\" media-type=\"application/smil+xml\"/>",
            d.xhtml(),
            d.smil()
        );
        let _ = writeln!(spine, "    <itemref idref=\"section-{n}\"/>");
    }
    for (k, a) in audio.iter().enumerate() {
        let _ = writeln!(
            manifest,
            "    <item id=\"audio-{}\" href=\"{}\" media-type=\"{}\"/>",
            k + 1,
            a.href(k),
            a.media_type
        );
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"uid\" xml:lang=\"en\">\n\
         \x20 <metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n\
         \x20   <dc:identifier id=\"uid\">{}</dc:identifier>\n\
         \x20   <dc:title>{}</dc:title>\n{creator}\
         \x20   <dc:language>en</dc:language>\n{meta}\
         \x20 </metadata>\n  <manifest>\n{manifest}  </manifest>\n  <spine>\n{spine}  </spine>\n</package>\n",
        identifier(whole),
        escape(title),
    )
}

fn nav(title: &str, documents: &[Document]) -> String {
    let mut toc = String::new();
    let mut pages = String::new();
    for d in documents {
        let _ = writeln!(
            toc,
            "      <li><a href=\"{}#h-{}\">{}</a></li>",
            d.xhtml(),
            d.number,
            escape(&d.heading)
        );
        for b in &d.blocks {
            if let BlockKind::Paragraph(p) = b.kind {
                let _ = writeln!(
                    pages,
                    "      <li><a href=\"{}#p{}\">{}</a></li>",
                    d.xhtml(),
                    p + 1,
                    p + 1
                );
            }
        }
    }
    let first = documents.first().map_or(String::new(), Document::xhtml);
    format!(
        "{}<body>\n  <nav epub:type=\"toc\" id=\"toc\" aria-labelledby=\"toc-heading\">\n    <h1 id=\"toc-heading\">Contents</h1>\n    <ol>\n{toc}    </ol>\n  </nav>\n\
         \x20 <nav epub:type=\"page-list\" id=\"paragraphs\" aria-labelledby=\"paragraphs-heading\" hidden=\"hidden\">\n    <h2 id=\"paragraphs-heading\">Paragraphs</h2>\n    <ol>\n{pages}    </ol>\n  </nav>\n\
         \x20 <nav epub:type=\"landmarks\" id=\"landmarks\" hidden=\"hidden\">\n    <h2>Landmarks</h2>\n    <ol>\n      <li><a epub:type=\"bodymatter\" href=\"{first}\">Start of the article</a></li>\n    </ol>\n  </nav>\n</body>\n</html>\n",
        head(title, "Contents"),
    )
}

fn head(title: &str, what: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
         <html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" xml:lang=\"en\" lang=\"en\">\n\
         <head>\n  <meta charset=\"UTF-8\"/>\n  <title>{} – {}</title>\n  <link rel=\"stylesheet\" type=\"text/css\" href=\"style.css\"/>\n</head>\n",
        escape(title),
        escape(what)
    )
}

fn xhtml(whole: &Whole, title: &str, d: &Document) -> String {
    let n = d.number;
    let mut out = head(title, &d.heading);
    let _ = writeln!(
        out,
        "<body>\n<section id=\"section-{n}\" epub:type=\"chapter\" aria-labelledby=\"h-{n}\">"
    );
    let has_heading = d
        .blocks
        .iter()
        .any(|b| matches!(b.kind, BlockKind::Title | BlockKind::Heading));
    if !has_heading {
        let tag = if n == 1 { "h1" } else { "h2" };
        let _ = writeln!(out, "<{tag} id=\"h-{n}\">{}</{tag}>", escape(&d.heading));
    }
    for block in &d.blocks {
        let (open, close) = match block.kind {
            BlockKind::Title => (format!("<h1 id=\"h-{n}\">"), "</h1>"),
            BlockKind::Heading => (format!("<h2 id=\"h-{n}\">"), "</h2>"),
            BlockKind::Byline => ("<p class=\"byline\">".to_string(), "</p>"),
            BlockKind::Paragraph(p) => (format!("<p id=\"p{}\">", p + 1), "</p>"),
            BlockKind::Credit => ("<p class=\"credit\">".to_string(), "</p>"),
        };
        out.push_str(&open);
        for (k, run) in block.runs.iter().enumerate() {
            if k > 0 {
                out.push(' ');
            }
            let text = run
                .sentences
                .iter()
                .map(|(i, s)| format!("<span id=\"s{}\">{}</span>", i + 1, escape(&s.timed.text)))
                .collect::<Vec<_>>()
                .join(" ");
            match run.quote {
                Some(q) => {
                    let _ = write!(out, "<q class=\"quote\">{text}</q>");
                    let last = block.runs[k + 1..].iter().all(|r| r.quote != Some(q));
                    let speaker = whole
                        .timeline
                        .quotes
                        .get(q)
                        .and_then(|q| q.speaker.as_deref());
                    if let (true, Some(who)) = (last, speaker) {
                        let _ = write!(out, " <small class=\"who\">– {}</small>", escape(who));
                    }
                }
                None => out.push_str(&text),
            }
        }
        out.push_str(close);
        out.push('\n');
    }
    out.push_str("</section>\n</body>\n</html>\n");
    out
}

fn smil(d: &Document, audio: &[Audio]) -> String {
    let mut pars = String::new();
    for c in &d.clips {
        let _ = writeln!(
            pars,
            "      <par id=\"par-{}\"><text src=\"{}#s{}\"/><audio src=\"{}\" clipBegin=\"{}\" clipEnd=\"{}\"/></par>",
            c.sentence + 1,
            d.xhtml(),
            c.sentence + 1,
            audio
                .get(c.audio)
                .map_or(String::new(), |a| a.href(c.audio)),
            clock(c.begin_ms),
            clock(c.end_ms)
        );
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <smil xmlns=\"http://www.w3.org/ns/SMIL\" xmlns:epub=\"http://www.idpf.org/2007/ops\" version=\"3.0\">\n\
         \x20 <body>\n    <seq id=\"seq-{n}\" epub:textref=\"{}#section-{n}\" epub:type=\"chapter\">\n{pars}    </seq>\n  </body>\n</smil>\n",
        d.xhtml(),
        n = d.number,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chapters::markup::tests::sample_timeline;

    #[test]
    fn clocks_and_timestamps_are_spelled_as_smil_and_opf_want() {
        assert_eq!(clock(3_723_004), "1:02:03.004");
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(1_709_251_199), "2024-02-29T23:59:59Z");
    }

    #[test]
    fn clips_are_the_timing_maps_frames_relative_to_their_audio_file() {
        let timeline = sample_timeline();
        let whole = Whole {
            audio: &[],
            title: Some("A <Title>"),
            author: None,
            chapters: &[],
            timeline: &timeline,
        };
        let all = blocks(&timeline, Some("A <Title>"));
        let refs: Vec<&Block> = all.iter().collect();
        let audio = |start_frame| Audio {
            bytes: vec![],
            media_type: "audio/mpeg",
            start_frame,
        };
        let clips = clips(&whole, &refs, &[audio(0), audio(100)]);
        assert_eq!(clips.len(), timeline.sentences.len());
        // "Then …" starts at frame 120: 20 ms into the second file.
        let then = &clips[7];
        assert_eq!((then.audio, then.begin_ms, then.end_ms), (1, 20, 30));
        assert_eq!((clips[2].audio, clips[2].begin_ms), (0, 30));
    }

    #[test]
    fn the_book_is_a_zip_with_the_mimetype_first_and_stored() {
        let timeline = sample_timeline();
        let whole = Whole {
            audio: &[],
            title: Some("A <Title>"),
            author: Some("Ann & Bo"),
            chapters: &[],
            timeline: &timeline,
        };
        let audio = [Audio {
            bytes: vec![1, 2, 3],
            media_type: "audio/mpeg",
            start_frame: 0,
        }];
        let bytes = build(&whole, &audio, "2026-01-01T00:00:00Z").unwrap();
        assert_eq!(&bytes[30..38], b"mimetype");
        assert_eq!(&bytes[38..58], b"application/epub+zip");
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut read = |name: &str| {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut archive.by_name(name).unwrap(), &mut text).unwrap();
            text
        };
        let opf = read("EPUB/package.opf");
        assert!(opf.contains("<dc:creator>Ann &amp; Bo</dc:creator>"));
        assert!(opf.contains("<meta property=\"media:duration\" refines=\"#mo-2\">"));
        let section = read("EPUB/section-02.xhtml");
        assert!(section.contains("<span id=\"s8\">Then &lt;script&gt;x&lt;/script&gt;.</span>"));
        let smil = read("EPUB/section-02.smil");
        assert!(smil.contains("<text src=\"section-02.xhtml#s8\"/><audio src=\"audio/part-01.mp3\" clipBegin=\"0:00:00.120\" clipEnd=\"0:00:00.130\"/>"));
    }
}
