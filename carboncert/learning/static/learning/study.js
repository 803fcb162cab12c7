// carboncert lesson page: reports what is actually studied, the server credits it.
//
// A video reports the stretches it really played since the last report, broken at every
// seek, at a speed no higher than the sitting allows; a reading or a document reports the
// seconds the page was visible and in use. The server counts each second of a video once
// and never more than real time, so the page only has to be truthful, not clever.

const root = document.getElementById('study');
const REPORT_URL = root.dataset.report;
const MAX_RATE = Number(root.dataset.maxRate) || 2;
const IDLE_MS = (Number(root.dataset.idle) || 120) * 1000;
const REPORT_MS = 10000;
const csrf = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/)?.[1] || '';
const state = document.getElementById('study-state');
// What the page says, in the page's language (lesson.html writes it: data-say-…).
const SAY = root.dataset;
const bar = root.querySelector('.progress');

let lastReport = performance.now();

function showProgress(reply) {
  if (!reply || typeof reply.fraction !== 'number') return;
  const percent = Math.round(reply.fraction * 100);
  bar.setAttribute('aria-valuenow', percent);
  bar.querySelector('span').style.width = `${percent}%`;
  bar.querySelector('b').textContent = `${percent}%`;
  if (percent >= 100) state.textContent = SAY.sayDone;
}

// `visible`: whether what the report covers was studied on a visible page; by default,
// whether the page is visible now. Resolves to true (credited), false (refused: logged
// out) or null (not delivered: the network or the server failed). What was not delivered
// is not lost: the caller sends it again with the next report, which then also covers
// this one's time (the server credits a report up to a minute of it).
const OFFLINE = SAY.sayOffline;
async function send(body, { keepalive = false, visible = document.visibilityState === 'visible' } = {}) {
  const now = performance.now();
  const since = lastReport;
  const payload = { ...body, elapsed: (now - since) / 1000, visible };
  lastReport = now;
  try {
    const res = await fetch(REPORT_URL, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': decodeURIComponent(csrf) },
      body: JSON.stringify(payload),
      credentials: 'same-origin',
      keepalive,
    });
    if (res.status === 401 || res.status === 403) {
      state.textContent = (await res.json().catch(() => ({}))).message || SAY.sayLogin;
      return false;
    }
    if (!res.ok) throw new Error(String(res.status));
    if (state.textContent === OFFLINE) state.textContent = '';
    showProgress(await res.json());
    return true;
  } catch {
    if (lastReport === now) lastReport = since; // the next report covers this one's time
    state.textContent = OFFLINE;
    return null;
  }
}

// ---------------------------------------------------------------- video

function studyVideo(video) {
  const done = []; // closed stretches [from, to] not yet reported
  let from = null; // where the current stretch began, while playing
  let last = null; // the last position reached by playing, not by seeking

  // timeupdate fires every ~250 ms; a bigger step forward (or any step back) is a seek.
  const played = (t) =>
    !video.seeking && t >= last && t - last <= 1.5 * Math.max(1, video.playbackRate);
  const close = () => {
    if (from != null && last != null && last > from) done.push([from, last]);
    from = null;
  };
  const open = (at = video.currentTime) => {
    close(); // a stretch still open is kept, not dropped
    from = at;
    last = at;
  };
  const report = ({ keepalive = false, visible } = {}) => {
    if (from != null) {
      const now = video.currentTime; // read once: the next stretch starts where this one ends
      if (played(now)) last = now; // up to now, not the last timeupdate
      close();
      if (!video.paused && !video.ended) open(last); // carry on from here, without a gap
    }
    const segments = done.splice(0);
    if (!segments.length && video.paused) return;
    send({ segments, rate: video.playbackRate, position: video.currentTime }, { keepalive, visible })
      .then((sent) => {
        if (sent === null) done.unshift(...segments); // with the next report
      });
  };

  // A report covers the real time since playing began, not the pause before it: the
  // server may credit another tab's playing during that pause, but not this tab's.
  video.addEventListener('play', () => {
    if (from == null && !done.length) lastReport = performance.now();
  });
  // Playing again after a stall goes on from where it stopped: the same stretch, no gap.
  video.addEventListener('playing', () => {
    if (from != null && played(video.currentTime)) last = video.currentTime;
    else open();
  });
  video.addEventListener('timeupdate', () => {
    if (from == null || video.seeking) return;
    const t = video.currentTime;
    if (played(t)) last = t;
    else open(); // a jump: the stretch ends where playing had got to
  });
  video.addEventListener('seeking', () => {
    close(); // the stretch ends where playing had got to, not where the seek lands
  });
  video.addEventListener('seeked', () => {
    if (!video.paused) open();
  });
  video.addEventListener('pause', () => report());
  video.addEventListener('ended', () => report());
  video.addEventListener('ratechange', () => {
    if (video.playbackRate > MAX_RATE) {
      video.playbackRate = MAX_RATE;
      state.textContent = SAY.sayRate;
    }
  });
  video.addEventListener('loadedmetadata', () => {
    const resume = Number(root.dataset.position) || 0;
    if (resume > 1 && resume < video.duration - 2) video.currentTime = resume;
  }, { once: true });
  video.addEventListener('error', () => {
    state.textContent = SAY.sayVideoFailed;
  });

  // A background tab does not study: the video waits until the candidate comes back. What
  // it played until now was played in sight, and is reported so.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden' && !video.paused) {
      video.pause();
      report({ keepalive: true, visible: true });
      state.textContent = SAY.sayPaused;
    }
  });
  window.addEventListener('pagehide', () => report({ keepalive: true }));
  setInterval(() => {
    if (!video.paused) report();
  }, REPORT_MS);

  const speeds = document.getElementById('speeds');
  for (const r of [1, 1.25, 1.5, 2, 3, 4].filter((r) => r <= MAX_RATE)) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'button button-small';
    b.textContent = `${r}×`;
    b.addEventListener('click', () => {
      video.playbackRate = r;
    });
    speeds.append(b);
  }
}

// ---------------------------------------------------------------- reading and documents

function studyPage() {
  let lastInput = performance.now();
  let active = 0; // ms counted since the last report
  let tick = performance.now();
  const idle = document.getElementById('idle');
  const wake = () => {
    lastInput = performance.now();
  };
  for (const kind of ['scroll', 'pointermove', 'pointerdown', 'keydown', 'wheel', 'touchstart']) {
    window.addEventListener(kind, wake, { passive: true, capture: true });
  }
  document.getElementById('idle-ok').addEventListener('click', () => {
    wake();
    idle.close();
  });
  setInterval(() => {
    const now = performance.now();
    const step = now - tick;
    tick = now;
    const visible = document.visibilityState === 'visible';
    // Nothing counts in the background, nor while the idle notice waits for 继续学习.
    if (!visible || idle.open) return;
    if (now - lastInput < IDLE_MS) active += Math.min(step, 2000);
    else idle.showModal();
  }, 1000);
  // The seconds counted were all seconds in sight (only those count), so a report sent as
  // the page is hidden says so.
  const report = ({ keepalive = false } = {}) => {
    const seconds = active / 1000;
    active = 0;
    if (seconds > 0) {
      send({ active: seconds }, { keepalive, visible: true }).then((sent) => {
        if (sent === null) active += seconds * 1000; // with the next report
      });
    } else lastReport = performance.now();
  };
  setInterval(report, REPORT_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') report({ keepalive: true });
  });
  window.addEventListener('pagehide', () => report({ keepalive: true }));
}

const video = document.getElementById('player');
if (video) studyVideo(video);
else studyPage();
