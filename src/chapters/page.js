// The listening page's read-along and navigation (articast). Times in data-b / data-e are
// seconds of the whole program; the program may be split over several audio files ("parts").
(() => {
  'use strict';
  const audio = document.getElementById('audio');
  const parts = JSON.parse(document.getElementById('parts').textContent);
  if (!audio || parts.length === 0) return;
  let part = 0;
  const sentences = Array.from(document.querySelectorAll('.s[data-b]'));
  const starts = sentences.map((s) => Number(s.dataset.b));
  const chapters = Array.from(document.querySelectorAll('.chapters button[data-b]'));
  const reduced = window.matchMedia('(prefers-reduced-motion: reduce)');
  const targets = (kind) => Array.from(document.querySelectorAll(`[data-nav="${kind}"][data-b]`));

  /** The program time now. */
  const now = () => parts[part].start + audio.currentTime;

  /** The index of the last entry of `list` (ascending) at or before `t`, or -1. */
  const lastAtOrBefore = (list, t) => {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid] <= t + 0.0005) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  };

  /** Plays (or stays paused) from program time `t`, switching audio file when needed. */
  const seek = (t, play) => {
    const k = Math.max(0, lastAtOrBefore(parts.map((p) => p.start), t));
    const local = Math.max(0, t - parts[k].start);
    const go = () => {
      audio.currentTime = local;
      if (play) audio.play().catch(() => {});
      highlight(t);
    };
    if (k !== part) {
      part = k;
      audio.src = parts[k].src;
      audio.addEventListener('loadedmetadata', go, { once: true });
      audio.load();
    } else {
      go();
    }
  };

  const player = document.querySelector('.player');
  /** Whether `el` is in the window and not under the (sticky) player. */
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const sticky = player && getComputedStyle(player).position === 'sticky';
    const top = sticky ? Math.max(0, player.getBoundingClientRect().bottom) : 0;
    return r.top >= top && r.bottom <= window.innerHeight;
  };

  const reveal = (el) => {
    if (!visible(el)) {
      el.scrollIntoView({ block: 'center', behavior: reduced.matches ? 'auto' : 'smooth' });
    }
  };

  let current = null;
  let currentChapter = null;
  /** Highlights the sentence heard at program time `t` (no live region: nothing is announced). */
  const highlight = (t) => {
    const i = lastAtOrBefore(starts, t);
    const el = i >= 0 ? sentences[i] : null;
    if (el !== current) {
      if (current) current.classList.remove('now');
      if (el) {
        el.classList.add('now');
        reveal(el);
      }
      current = el;
    }
    const c = lastAtOrBefore(chapters.map((b) => Number(b.dataset.b)), t);
    const chapter = c >= 0 ? chapters[c] : null;
    if (chapter !== currentChapter) {
      if (currentChapter) currentChapter.removeAttribute('aria-current');
      if (chapter) chapter.setAttribute('aria-current', 'true');
      currentChapter = chapter;
    }
  };

  let frame = 0;
  const follow = () => {
    highlight(now());
    if (!audio.paused) frame = window.requestAnimationFrame(follow);
  };
  audio.addEventListener('play', () => {
    window.cancelAnimationFrame(frame);
    frame = window.requestAnimationFrame(follow);
  });
  audio.addEventListener('timeupdate', () => highlight(now()));
  audio.addEventListener('seeked', () => highlight(now()));
  audio.addEventListener('ended', () => {
    if (part + 1 < parts.length) seek(parts[part + 1].start, true);
  });

  const toggle = () => {
    if (audio.paused) audio.play().catch(() => {});
    else audio.pause();
  };

  /** Goes to the next (`step` 1) or previous (-1) heading, paragraph or quotation. */
  const go = (kind, step) => {
    const list = targets(kind);
    const t = now();
    const found =
      step > 0
        ? list.find((el) => Number(el.dataset.b) > t + 0.01)
        : list.filter((el) => Number(el.dataset.b) < t - 0.01).pop();
    if (!found) return;
    seek(Number(found.dataset.b), !audio.paused);
    found.focus({ preventScroll: true });
    reveal(found);
  };

  document.addEventListener('click', (event) => {
    const button = event.target.closest('button');
    if (button && button.dataset.go) {
      const [kind, step] = button.dataset.go.split(' ');
      go(kind, Number(step));
    } else if (button && button.dataset.b) {
      seek(Number(button.dataset.b), !audio.paused);
    } else {
      const sentence = event.target.closest('.s[data-b]');
      if (sentence) seek(Number(sentence.dataset.b), true);
    }
  });

  const keys = { h: 'section', p: 'paragraph', q: 'quote' };
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const target = event.target;
    const tag = target.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable) return;
    const onControl = tag === 'BUTTON' || tag === 'AUDIO' || tag === 'A';
    const key = event.key.toLowerCase();
    if (keys[key]) {
      event.preventDefault();
      go(keys[key], event.shiftKey ? -1 : 1);
    } else if (key === 'k' || (key === ' ' && !onControl)) {
      event.preventDefault();
      toggle();
    } else if (key === 'enter' && target.dataset && target.dataset.nav) {
      event.preventDefault();
      seek(Number(target.dataset.b), true);
    }
  });

  highlight(0);
})();
