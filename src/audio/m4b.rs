//! M4B (AAC in MPEG-4, the audiobook form of M4A): the `--audio m4b` writer, through the
//! `ffmpeg` program.
//!
//! No maintained Rust crate both encodes AAC and muxes MP4 with chapters (the AAC encoders on
//! crates.io are bindings to libfdk-aac, whose licence does not fit this GPL program; the MP4
//! muxers write no chapter track), so this writer spools the mastered samples (32-bit float) to
//! an unnamed temporary file and, once the part is complete, has ffmpeg encode them with its
//! own AAC encoder and write the file from an FFmpeg metadata file ([`crate::chapters::ffmeta`]
//! form: chapters in the program's own time base, so with no rounding) and the cover. FFmpeg's
//! MP4 muxer writes the chapters twice, as a QuickTime chapter track (Apple's players and most
//! audiobook apps) and as a Nero `chpl` atom (older players), and an edit list that hides the
//! AAC encoder's priming samples, so chapter times match the audio.
//!
//! The renderer checks for ffmpeg before anything is rendered ([`find_ffmpeg`]).

use std::fmt::Write as _;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use super::format::Encoding;
use super::metadata::Metadata;
use super::wav::{Info, Loudness, WavError};
use super::writer::AudioWriter;
use crate::chapters::{Chapter, ffmeta};

/// How the missing program is reported (one line, naming the fix).
pub const NO_FFMPEG: &str = "--audio m4b needs the ffmpeg program (its AAC encoder and MP4 \
     muxer), which is not on PATH: install it (Debian/Ubuntu: apt install ffmpeg; macOS: brew \
     install ffmpeg) or leave m4b out of --audio";

fn encode_error(e: impl std::fmt::Display) -> WavError {
    WavError::Encode {
        format: "M4B",
        message: e.to_string(),
    }
}

/// The `ffmpeg` program on `PATH`, if there is one.
pub fn find_ffmpeg() -> Option<PathBuf> {
    let name = if cfg!(windows) {
        "ffmpeg.exe"
    } else {
        "ffmpeg"
    };
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|path| is_executable(path))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// The `--audio m4b` writer.
pub struct M4bWriter<W: Write> {
    out: W,
    ffmpeg: PathBuf,
    spool: BufWriter<std::fs::File>,
    sample_rate: u32,
    channels: u16,
    bitrate_kbps: u32,
    meta: Arc<Metadata>,
}

impl<W: Write> M4bWriter<W> {
    /// A writer of `channels` at the program's rate, encoded by the ffmpeg at `ffmpeg`.
    pub fn new(
        out: W,
        ffmpeg: PathBuf,
        sample_rate: u32,
        channels: u16,
        encoding: &Encoding,
        meta: Arc<Metadata>,
    ) -> Result<Self, WavError> {
        Ok(M4bWriter {
            out,
            ffmpeg,
            spool: BufWriter::new(tempfile::tempfile()?),
            sample_rate,
            channels,
            bitrate_kbps: encoding.bitrate(channels),
            meta,
        })
    }

    /// The ffmpeg command that writes `output` from the spool (standard input), the metadata
    /// file and the cover.
    fn command(&self, metadata: &Path, cover: Option<&Path>, output: &Path) -> Command {
        let mut cmd = Command::new(&self.ffmpeg);
        cmd.args(["-nostdin", "-hide_banner", "-loglevel", "error", "-y"]);
        cmd.args([
            "-f",
            "f32le",
            "-ar",
            &self.sample_rate.to_string(),
            "-ac",
            "1",
        ]);
        cmd.args(["-i", "pipe:0", "-f", "ffmetadata", "-i"])
            .arg(metadata);
        if let Some(cover) = cover {
            cmd.arg("-i").arg(cover);
        }
        cmd.args(["-map", "0:a", "-map_metadata", "1", "-map_chapters", "1"]);
        if cover.is_some() {
            cmd.args([
                "-map",
                "2:v",
                "-c:v",
                "copy",
                "-disposition:v:0",
                "attached_pic",
            ]);
        }
        // FFmpeg's default AAC coder (two-loop search) can leave a full-scale burst in speech
        // at podcast bit rates (seen +2.4 dB over its input's true peak on the sample article);
        // the fast coder stays within the headroom the limiter leaves.
        cmd.args(["-c:a", "aac", "-aac_coder", "fast"]);
        cmd.args(["-b:a", &format!("{}k", self.bitrate_kbps)]);
        cmd.args(["-ac", &self.channels.to_string()]);
        if let Some(language) = self.meta.language_639_2() {
            cmd.arg("-metadata:s:a:0")
                .arg(format!("language={language}"));
        }
        // Same input, same bytes: no encoder version or creation time in the file.
        cmd.args(["-fflags", "+bitexact", "-flags:a", "+bitexact"]);
        cmd.args(["-movflags", "+faststart", "-f", "ipod"])
            .arg(output);
        cmd
    }
}

impl<W: Write> AudioWriter for M4bWriter<W> {
    fn write(&mut self, samples: &[f32]) -> Result<(), WavError> {
        for s in samples {
            self.spool.write_all(&s.to_le_bytes())?;
        }
        Ok(())
    }

    fn finish(
        self: Box<Self>,
        chapters: &[Chapter],
        _: &Info,
        _: &Loudness,
    ) -> Result<(), WavError> {
        let dir = tempfile::tempdir()?;
        let metadata = dir.path().join("metadata.txt");
        std::fs::write(
            &metadata,
            ffmetadata(chapters, self.sample_rate, &self.meta),
        )?;
        let cover = match &self.meta.cover {
            Some(cover) => {
                let ext = if cover.mime_type == "image/png" {
                    "png"
                } else {
                    "jpg"
                };
                let path = dir.path().join(format!("cover.{ext}"));
                std::fs::write(&path, &cover.data)?;
                Some(path)
            }
            None => None,
        };
        let output = dir.path().join("out.m4b");
        let mut cmd = self.command(&metadata, cover.as_deref(), &output);
        let mut spool = self.spool.into_inner().map_err(|e| e.into_error())?;
        spool.seek(SeekFrom::Start(0))?;
        let done = cmd
            .stdin(Stdio::from(spool))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| encode_error(format!("cannot run {}: {e}", self.ffmpeg.display())))?;
        if !done.status.success() {
            let stderr = String::from_utf8_lossy(&done.stderr);
            let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
            return Err(encode_error(format!(
                "ffmpeg failed ({}): {}",
                done.status,
                last.unwrap_or("no message")
            )));
        }
        let mut out = self.out;
        let mut file = std::fs::File::open(&output)?;
        let mut buffer = vec![0u8; 1 << 16];
        loop {
            let n = file.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            out.write_all(&buffer[..n])?;
        }
        out.flush()?;
        Ok(())
    }
}

/// The FFmpeg metadata file of an episode: its tags (as FFmpeg's MP4 muxer names them) and its
/// chapters with their plain titles, in the program's time base.
pub fn ffmetadata(chapters: &[Chapter], sample_rate: u32, meta: &Metadata) -> String {
    let mut out = String::from(";FFMETADATA1\n");
    let date = meta.iso_date();
    let fields = [
        ("title", meta.title.as_deref()),
        ("artist", meta.artist.as_deref()),
        ("album_artist", meta.artist.as_deref()),
        ("album", meta.album.as_deref()),
        ("date", date.as_deref()),
        ("comment", meta.comment.as_deref()),
        ("description", meta.comment.as_deref()),
        ("genre", Some(meta.genre_or_default())),
        (
            "encoder",
            Some(concat!("articast ", env!("CARGO_PKG_VERSION"))),
        ),
    ];
    for (key, value) in fields {
        if let Some(value) = value {
            let _ = writeln!(out, "{key}={}", ffmeta::escape(value));
        }
    }
    for c in chapters {
        let _ = write!(
            out,
            "\n[CHAPTER]\nTIMEBASE=1/{sample_rate}\nSTART={}\nEND={}\ntitle={}\n",
            c.start_frame,
            c.end_frame,
            ffmeta::escape(c.plain_title())
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::MarkKind;

    #[test]
    fn the_metadata_file_has_the_tags_and_plain_chapter_titles() {
        let chapters = [Chapter {
            kind: MarkKind::Quote,
            start_frame: 10,
            end_frame: 20,
            title: "Quote: A=B".into(),
            note: String::new(),
        }];
        let meta = Metadata {
            title: Some("T".into()),
            date: Some("21 April 2015".into()),
            ..Metadata::default()
        };
        let text = ffmetadata(&chapters, 22_050, &meta);
        assert!(text.starts_with(";FFMETADATA1\ntitle=T\n"), "{text}");
        assert!(text.contains("date=2015-04-21\n"));
        assert!(text.ends_with("[CHAPTER]\nTIMEBASE=1/22050\nSTART=10\nEND=20\ntitle=A\\=B\n"));
    }

    #[cfg(unix)]
    #[test]
    fn only_an_executable_file_counts_as_ffmpeg() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("ffmpeg");
        assert!(!is_executable(&fake));
        std::fs::write(&fake, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(is_executable(&fake));
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(!is_executable(&fake));
        assert!(!is_executable(dir.path()));
    }
}
