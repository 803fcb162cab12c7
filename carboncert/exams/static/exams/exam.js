// carboncert exam client: one ES module, no build step, no framework.
//
// Three rules shape everything here:
//  * Nothing the candidate did is lost: every change goes to localStorage first,
//    then to the server, and leaves the local queue only when the server acks it.
//  * The server owns time: every countdown uses the server clock (Date.now() + offset).
//  * The exam never stops for a side problem (camera, network, storage): it says so.

const root = document.getElementById('exam');
const API = (root.dataset.api || '/api/exam').replace(/\/$/, '');
const TOKEN = root.dataset.token || '';
// Practice mode (data-mode="practice"): a mock paper from the learning centre. The same
// client with a timer, autosave and the hand-in, but no privacy notice, camera, identity
// check, leave counting, earliest hand-in or proctor messages; full screen is optional,
// and the hand-in goes to the mock's result page.
const PRACTICE = root.dataset.mode === 'practice';
const KEY = `carboncert.${PRACTICE ? 'mock' : 'exam'}.${root.dataset.attempt}`;
const LOGIN_URL = root.dataset.loginUrl || '/exam/login/';
const RESULT_URL = root.dataset.resultUrl || '';

const SAVE_DELAY_MS = 1200; // changes made within ~1 s go up in one request
const TEXT_IDLE_MS = 700; // typing pause after which a text answer is saved
const HEARTBEAT_MS = 15000;
const WAIT_POLL_MS = 20000;
const BATCH = 100;
const CHOICE_TYPES = new Set(['single', 'multiple', 'true_false']);
const TRUE_FALSE = [{ key: 'A', text: '正确' }, { key: 'B', text: '错误' }]; // as the server words them when a question has none
const TYPE_NAMES = { single: '单选题', multiple: '多选题', true_false: '判断题', short: '简答题', numeric: '计算题' };

const S = {
  phase: 'loading', // loading | waiting | exam | ending | done | relogin | frozen
  attempt: null,
  items: [],
  byN: new Map(),
  lastAckMs: null, // server time of the last acknowledged save
  saveError: null, // the last upload failure, cleared by a success
  netDown: false,
  storageOk: true,
  timers: new Set(),
  cameraWatch: null,
  announced: null, // the last "minutes left" said to screen readers
  textCommitters: new Map(), // n -> saves that field's text now
};

// ---------------------------------------------------------------- small helpers

const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const jitter = (ms) => Math.round(ms * (0.75 + Math.random() * 0.5)); // spread thousands of clients
const pad = (n) => String(n).padStart(2, '0');

/** Build an element; server text only ever goes in as textContent, never as HTML. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v == null) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c != null) el.append(c);
  return el;
}

const button = (text, onclick, attrs = {}) => h('button', { type: 'button', class: 'button', text, onclick, ...attrs });

function every(ms, fn) {
  const id = setInterval(fn, ms);
  S.timers.add(() => clearInterval(id));
}

function later(ms, fn) {
  const id = setTimeout(fn, ms);
  S.timers.add(() => clearTimeout(id));
}

function stopAllTimers() {
  for (const stop of S.timers) stop();
  S.timers.clear();
}

function showScreen(name) {
  for (const s of root.querySelectorAll('.screen')) s.hidden = s.id !== `screen-${name}`;
}

function announce(text) {
  $('announce').textContent = text;
}

// ---------------------------------------------------------------- server clock

let offset = 0;
let offsetRtt = Infinity;
let lastRtt = null; // the device check shows it

/** offset = server − local at the midpoint of the round trip; a slow reply is a worse estimate. */
function syncClock(serverNowMs, sentAt, receivedAt) {
  if (typeof serverNowMs !== 'number') return;
  const rtt = receivedAt - sentAt;
  lastRtt = rtt;
  const sample = serverNowMs - (sentAt + rtt / 2);
  // Keep a better estimate, unless the laptop clock was changed meanwhile.
  if (rtt <= Math.max(offsetRtt * 2, 1500) || Math.abs(sample - offset) > 5000) {
    offset = sample;
    offsetRtt = rtt;
  }
}

const serverNow = () => Math.round(Date.now() + offset); // whole ms: the server reads integers

/** Beijing wall-clock time of a server instant (China has no daylight saving). */
function beijing(ms, { seconds = true } = {}) {
  const d = new Date(ms + 8 * 3600e3);
  const hm = `${d.getUTCHours()}:${pad(d.getUTCMinutes())}`;
  return seconds ? `${hm}:${pad(d.getUTCSeconds())}` : hm.padStart(5, '0'); // 9:41:07, 09:30
}

function duration(ms) {
  const t = Math.max(0, Math.ceil(ms / 1000));
  const hh = Math.floor(t / 3600);
  const mmss = `${pad(Math.floor((t % 3600) / 60))}:${pad(t % 60)}`;
  return hh ? `${hh}:${mmss}` : mmss;
}

// ---------------------------------------------------------------- API

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status; // 0 = no answer from the server
    this.code = code;
  }
}

async function api(path, { method = 'POST', json, body, type, timeout = 20000 } = {}) {
  const headers = { Authorization: `Bearer ${TOKEN}`, Accept: 'application/json' };
  if (type) headers['Content-Type'] = type;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  }
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeout);
  const sentAt = Date.now();
  let res;
  let data = null;
  try {
    res = await fetch(API + path, { method, headers, body, signal: ctl.signal, cache: 'no-store' });
    if (res.status !== 204) data = await res.json().catch(() => null);
  } catch {
    S.netDown = true;
    throw new ApiError(0, navigator.onLine ? 'network' : 'offline', '无法连接服务器');
  } finally {
    clearTimeout(timer);
  }
  S.netDown = false;
  syncClock(data?.server_now_ms ?? data?.attempt?.server_now_ms, sentAt, Date.now());
  if (res.status === 401) {
    showRelogin();
    throw new ApiError(401, 'unauthorized', '登录已失效');
  }
  if (!res.ok) {
    const detail = typeof data?.detail === 'string' ? data.detail : `服务器错误（${res.status}）`;
    throw new ApiError(res.status, data?.code || 'http', data?.message || detail);
  }
  return data;
}

/** Reported to the proctors; losing one of these must never disturb the candidate. */
const lastEventAt = {};
function sendEvent(kind) {
  if (Date.now() - (lastEventAt[kind] || 0) < 3000) return; // one per burst of Ctrl+C presses
  lastEventAt[kind] = Date.now();
  api('/events', { json: { kind, at_ms: serverNow() } }).catch(() => {});
}

// ---------------------------------------------------------------- local store

const DEFAULTS = { seq: 0, pending: [], answers: {}, drafts: {}, flags: [], leaves: [], view: 'one', current: 1 };
let store = structuredClone(DEFAULTS);

function loadStore() {
  try {
    return { ...structuredClone(DEFAULTS), ...JSON.parse(localStorage.getItem(KEY) || '{}') };
  } catch {
    return structuredClone(DEFAULTS);
  }
}

/** Written synchronously before anything goes to the network: a crash right after still keeps it. */
function persist() {
  // Done: the server holds the paper, and a pagehide must not write back a copy just removed.
  if (S.phase === 'frozen' || S.phase === 'done') return;
  try {
    localStorage.setItem(KEY, JSON.stringify(store));
    S.storageOk = true;
  } catch {
    S.storageOk = false; // full or disabled: keep going in memory, and say so
  }
}

/** Two tabs on one attempt would reuse sequence numbers: the newest tab wins, older ones stop. */
function claimTab() {
  if (!('BroadcastChannel' in window)) return;
  const channel = new BroadcastChannel(KEY);
  const me = `${Date.now()}-${Math.random()}`;
  channel.onmessage = (e) => e.data?.type === 'claim' && e.data.id !== me && freeze();
  channel.postMessage({ type: 'claim', id: me });
}

function freeze() {
  commitAllText();
  persist();
  S.phase = 'frozen';
  stopAllTimers();
  stopCamera();
  hideOverlay();
  showMessage(PRACTICE ? '该模拟卷已在另一个窗口中打开' : '本场考试已在另一个窗口中打开', '此窗口已停止，请关闭此窗口，在新打开的窗口中继续答题。');
}

// ---------------------------------------------------------------- answers and autosave

const answered = (n) => (store.answers[n] ?? '') !== '';

/** One change by the candidate: a new sequence number, stored locally, uploaded soon. */
function recordChange(n, value) {
  if (S.phase !== 'exam') return;
  delete store.drafts[n];
  if ((store.answers[n] ?? '') === value) return persist();
  store.answers[n] = value;
  store.seq += 1;
  store.pending.push({ seq: store.seq, n, value, client_time_ms: Date.now() });
  persist();
  updateSheet(n);
  renderSaveStatus();
  // In the last seconds there is no time to batch: the server closes the paper at the end.
  if (S.attempt.ends_at_ms - serverNow() < 15000) flushNow();
  else scheduleFlush(SAVE_DELAY_MS);
}

/** After loading the server's state: drop what it already has, keep and resend the rest. */
function mergeWithServer(state) {
  const last = state.last_seq || 0;
  store.pending = store.pending.filter((s) => s.seq > last).sort((a, b) => a.seq - b.seq);
  store.seq = Math.max(store.seq, last);
  renumberPending(last);
  store.answers = { ...state.answers };
  for (const s of store.pending) store.answers[s.n] = s.value; // never acknowledged: ours is newer
  const drafts = store.drafts; // typed but not yet saved when the page died
  store.drafts = {};
  S.phase = 'exam';
  for (const [n, text] of Object.entries(drafts)) recordChange(Number(n), text);
  persist();
}

/** The server applies saves only in unbroken order; close any gap after what it has. */
function renumberPending(last) {
  if (!store.pending.length || store.pending[0].seq === last + 1) return;
  store.pending.forEach((s, i) => (s.seq = last + 1 + i));
  store.seq = last + store.pending.length;
}

let flushTimer = null;
let retryTimer = null;
let inflight = null;
let failures = 0;

function scheduleFlush(delay) {
  if (flushTimer || retryTimer) return; // a wait is already running; it will take these too
  flushTimer = setTimeout(() => {
    flushTimer = null;
    flush();
  }, delay);
}

function flushNow() {
  clearTimeout(flushTimer);
  clearTimeout(retryTimer);
  flushTimer = retryTimer = null;
  return flush();
}

/** Upload pending leaves and saves in order, one request at a time. */
function flush() {
  inflight ??= doFlush().finally(() => (inflight = null));
  return inflight;
}

async function doFlush() {
  try {
    // Leaves first, and again after every batch: one recorded while a save was on its way
    // joined this flush (flush() hands back the one in flight) and must not wait for the next.
    for (;;) {
      await flushLeaves();
      if (!store.pending.length || !(S.phase === 'exam' || S.phase === 'ending')) break;
      const batch = store.pending.slice(0, BATCH);
      const r = await api('/answers', { json: { saves: batch } });
      store.pending = store.pending.filter((s) => s.seq > r.acked_seq);
      S.lastAckMs = r.server_now_ms ?? serverNow();
      S.saveError = null;
      failures = 0;
      if (store.pending[0]?.seq === batch[0].seq) {
        renumberPending(r.acked_seq); // nothing taken: the server stopped at a gap
        if (store.pending[0].seq === batch[0].seq) throw new ApiError(500, 'stuck', '服务器未接受答案');
      }
      persist();
    }
  } catch (e) {
    S.saveError = e;
    // Not awaited: finishing waits for this very flush to end.
    if (e.status === 409 && (e.code === 'handed_in' || e.code === 'ended')) return void finishFromServer();
    if (e.status === 401) return;
    failures += 1;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      flush();
    }, jitter(Math.min(30000, 1000 * 2 ** Math.min(failures, 5))));
  } finally {
    renderSaveStatus();
  }
}

/** Keep flushing until everything is acknowledged or the deadline passes. */
async function flushAll(timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  commitAllText();
  while (Date.now() < deadline) {
    await flushNow();
    if (!store.pending.length && !store.leaves.length) return true;
    if (S.phase === 'done' || S.phase === 'relogin') return false;
    await sleep(1500);
  }
  return false;
}

let lastSaveState = '';
function renderSaveStatus() {
  const el = $('save-status');
  const n = store.pending.length;
  const offline = !navigator.onLine || S.netDown;
  let text = '保存中…';
  let state = 'saving';
  if (!n) {
    text = (S.lastAckMs ? `已保存 ${beijing(S.lastAckMs)}` : '答案已与服务器同步') + (offline ? '（网络已断开）' : '');
    state = 'ok';
  } else if (offline || S.saveError?.status === 0) {
    text = '离线，答案已保存在本机，恢复后自动上传';
    state = 'offline';
  } else if (S.saveError) {
    text = `上传失败，答案已保存在本机，正在重试…（${S.saveError.message}）`;
    state = 'offline';
  }
  if (!S.storageOk) text += ' · 本机存储不可用，请勿刷新页面';
  el.textContent = text;
  el.dataset.state = state;
  el.title = n ? `${n} 条修改尚未上传` : '';
  // Screen readers hear the changes that matter, not every "saving… saved".
  if (state !== lastSaveState && (state === 'offline' || lastSaveState === 'offline')) announce(text);
  lastSaveState = state;
}

// ---------------------------------------------------------------- loading and starting

async function loadState() {
  for (let attempt = 0; ; attempt++) {
    try {
      return await api('/state', { method: 'GET' });
    } catch (e) {
      if (e.status === 401) return null;
      $('loading-detail').textContent = `${e.message}，正在重试…（您的答案不会丢失）`;
      await sleep(jitter(Math.min(15000, 1000 * 2 ** attempt)));
    }
  }
}

async function main() {
  claimTab();
  await sleep(150); // let an older tab stop and write its last change before we read
  if (S.phase === 'frozen') return;
  store = loadStore();
  installGuards();
  const state = await loadState();
  if (!state) return;
  const { attempt } = state;
  if (attempt.status === 'handed_in') return applyState(state); // no camera for a receipt
  if (PRACTICE) return applyState(state); // a mock: no privacy notice, no camera
  // The camera opens only once the candidate has read what it records (once per attempt).
  if (!attempt.privacy_accepted) return showPrivacy(state);
  startCamera();
  applyState(state);
}

function showPrivacy(state) {
  S.phase = 'privacy';
  const { attempt } = state;
  const seconds = attempt.snapshot_interval_seconds;
  const interval = seconds % 60 ? `${seconds} 秒` : `${seconds / 60} 分钟`;
  const recorded = [
    seconds ? `考试期间每 ${interval}自动抓拍一张摄像头画面，离开全屏时也会抓拍` : '离开全屏时抓拍的摄像头画面',
    attempt.face_check && '入场人脸核验时拍摄的照片（以及核验未通过时拍照上传的照片）',
    attempt.face_check && '根据您的报名照片计算出的人脸特征数据，用于核对核验照片和抓拍画面中是否为本人',
    '离开全屏、切换窗口的时间和次数，以及被阻止的复制、粘贴等操作',
    '设备信息：浏览器版本，摄像头、网络和本机时钟的检测结果',
  ];
  $('privacy-recorded').replaceChildren(...recorded.filter(Boolean).map((text) => h('li', { text })));
  const pictures = attempt.face_check ? '摄像头画面、核验照片和人脸特征数据' : '摄像头画面';
  const [y, m, d] = (state.retention_until || '').split('-').map(Number);
  $('privacy-kept').textContent = state.retention_until
    ? `${pictures}保存至 ${y}年${m}月${d}日，到期后自动删除。`
    : `${pictures}在成绩公布后按规定期限删除。`;
  $('camera').hidden = true; // no empty camera box under a notice that says it is not yet on
  const ok = $('privacy-ok');
  ok.onclick = async () => {
    ok.disabled = true; // one request, however often it is clicked
    $('privacy-message').textContent = '';
    try {
      await api('/privacy');
    } catch (e) {
      if (e.status !== 401) $('privacy-message').textContent = e.status === 0 ? '无法连接服务器，请检查网络后重试。' : e.message;
      ok.disabled = false;
      return;
    }
    $('camera').hidden = false;
    startCamera();
    applyState(state); // the wait screen polls, so a state a few minutes old is still right
  };
  showScreen('privacy');
  $('privacy-title').focus(); // screen readers start reading the notice from its heading
}

function applyState(state) {
  S.attempt = state.attempt;
  if (state.attempt.status === 'handed_in') return showReceipt(state.attempt, '您已交卷');
  checkNotes(state.attempt.message_seq);
  if (state.attempt.status !== 'answering' || !state.items?.length) return showWaiting();
  S.items = state.items;
  S.byN = new Map(state.items.map((it) => [it.n, it]));
  mergeWithServer(state);
  showExam();
}

function showWaiting() {
  S.phase = 'waiting';
  showScreen('wait');
  $('wait-starts').textContent = beijing(S.attempt.starts_at_ms, { seconds: false });
  const start = $('start');
  start.onclick = onStart;
  if (S.attempt.microphone_required && device.microphone === null) checkMicrophone();
  if (needsIdentity()) showIdentity();
  const tickWait = () => {
    const left = S.attempt.starts_at_ms - serverNow();
    $('wait-countdown').textContent = left > 0 ? duration(left) : '已开考';
    $('wait-label').hidden = left <= 0;
    renderDeviceChecks();
    if (start.dataset.busy) return;
    const confirmed = $('rules-ok').checked;
    const identified = !needsIdentity();
    start.disabled = left > 0 || !confirmed || !identified;
    start.textContent =
      left > 0 ? '请等待开考' : !identified ? '请先完成人脸核验' : confirmed ? '进入全屏并开始考试' : '请先勾选确认考场须知';
  };
  $('rules-ok').onchange = tickWait;
  tickWait();
  every(500, tickWait);
  // Polling keeps the clock synchronised and notices a start made on another computer.
  const poll = async () => {
    try {
      const state = await api('/state', { method: 'GET' });
      if (S.phase !== 'waiting') return;
      if (state.attempt.status !== 'checked_in') {
        stopAllTimers();
        return applyState(state);
      }
      const known = S.attempt.identity;
      S.attempt = state.attempt;
      // A reply on its way while the face check passed must not take the pass back.
      if (IDENTIFIED.has(known)) S.attempt.identity = known;
      if (needsIdentity() && $('identity').hidden) showIdentity(); // the face check was turned on
      checkNotes(state.attempt.message_seq);
    } catch { /* keep waiting; the next poll retries */ }
    later(jitter(WAIT_POLL_MS), poll);
  };
  later(jitter(WAIT_POLL_MS), poll);
}

async function onStart() {
  const start = $('start');
  start.dataset.busy = '1';
  start.disabled = true;
  start.textContent = '正在进入考试…';
  $('wait-message').textContent = '';
  await enterFullscreen(); // browsers allow full screen only from a click like this one
  reportDeviceChecks();
  try {
    const state = await api('/start');
    stopAllTimers();
    applyState(state);
  } catch (e) {
    if (e.status !== 401) $('wait-message').textContent = e.message;
    delete start.dataset.busy;
  }
}

// ---------------------------------------------------------------- identity at check-in

// May start: the face matched, or a photo waits for (or passed) a proctor's look.
const IDENTIFIED = new Set(['matched', 'pending', 'accepted']);
const ident = { busy: false, sent: false };

const needsIdentity = () => S.attempt.face_check && !IDENTIFIED.has(S.attempt.identity);

function showIdentity() {
  $('identity').hidden = false;
  $('identity-preview').append($('camera')); // the candidate sees what the check will see
  $('camera').play().catch(() => {});
  $('identity-check').onclick = () => sendPicture('/identity');
  $('identity-photo').onclick = () => sendPicture('/identity/photo');
  // After a reload: the tries made so far, and whether the photo is already open.
  api('/identity', { method: 'GET' })
    .then((r) => {
      if (!ident.sent && S.phase === 'waiting') renderIdentity(r); // older than any try's reply
    })
    .catch(() => { /* the check button works without it */ });
}

function renderIdentity(r) {
  S.attempt.identity = r.identity;
  const done = IDENTIFIED.has(r.identity);
  let message = r.message || '';
  if (r.identity === 'pending') message = '照片已上传，考场负责人将进行人工核验；您可以开始考试。';
  else if (done) message = '人脸核验通过，可以开始考试。';
  const photo = !done && r.photo_allowed;
  $('identity-message').textContent = message;
  $('identity-result').dataset.state = done ? 'ok' : r.outcome === 'status' ? '' : 'fail';
  $('identity-advice').textContent = done ? '' : r.advice;
  $('identity-tries').textContent = !done && r.tries ? `已尝试 ${r.tries} 次` : '';
  $('identity-photo-note').textContent = photo && r.outcome !== 'no_enrolment' ? '多次人脸识别未通过，请拍照上传照片。' : '';
  $('identity-photo').hidden = !photo;
  $('identity-check').hidden = done;
}

/** One camera frame to the face check or to the photo fallback; never two at once. */
async function sendPicture(path) {
  if (ident.busy) return;
  const error = $('identity-error');
  const frame = grabFrame(Math.min(640, $('camera').videoWidth));
  if (!frame) {
    error.textContent = '摄像头没有画面，请检查摄像头连接和浏览器权限后重试。';
    return;
  }
  ident.busy = true;
  const buttons = [$('identity-check'), $('identity-photo')];
  const clicked = path === '/identity' ? buttons[0] : buttons[1];
  const label = clicked.textContent;
  buttons.forEach((b) => (b.disabled = true));
  clicked.textContent = path === '/identity' ? '正在核验…' : '正在上传…';
  error.textContent = '';
  try {
    const blob = await new Promise((resolve) => frame.toBlob(resolve, 'image/jpeg', 0.85));
    if (!blob) throw new ApiError(-1, 'camera', '未能读取摄像头画面，请重试。');
    ident.sent = true;
    renderIdentity(await api(path, { body: blob, type: 'image/jpeg', timeout: 30000 }));
  } catch (e) {
    if (e.status === 0) error.textContent = '网络连接失败，照片未能提交。请检查网络后重试。';
    else if (e.status !== 401) error.textContent = e.message;
  } finally {
    ident.busy = false;
    clicked.textContent = label;
    buttons.forEach((b) => (b.disabled = false));
  }
}

// ---------------------------------------------------------------- device check

const device = { microphone: null, shown: '' };
const MIN_BROWSER = { Chrome: 90, Edge: 90, Firefox: 90, Safari: 15 };

/** Name and major version; Edge and others also say "Chrome", so they are asked first. */
function browserOf() {
  const ua = navigator.userAgent;
  const known = [['Edge', /Edg\/(\d+)/], ['Firefox', /Firefox\/(\d+)/], ['Chrome', /Chrome\/(\d+)/], ['Safari', /Version\/(\d+)[\d.]* Safari/]];
  for (const [name, pattern] of known) {
    const m = ua.match(pattern);
    if (m) return { name, version: Number(m[1]) };
  }
  return { name: '', version: 0 };
}

async function checkMicrophone() {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
    device.microphone = stream.getAudioTracks().some((t) => t.readyState === 'live');
    stream.getTracks().forEach((t) => t.stop());
  } catch {
    device.microphone = false;
  }
}

function spoken(ms) {
  const t = Math.round(Math.abs(ms) / 1000);
  const parts = [[Math.floor(t / 3600), '小时'], [Math.floor((t % 3600) / 60), '分'], [t % 60, '秒']];
  return parts.filter(([n]) => n).map(([n, unit]) => `${n} ${unit}`).join(' ') || '0 秒';
}

/** [key, name, ok|warn|fail|pending, what the candidate reads]; none of them stops the exam. */
function deviceChecks() {
  const checks = [];
  const browser = browserOf();
  const min = MIN_BROWSER[browser.name];
  if (!browser.name) checks.push(['browser', '浏览器', 'warn', '未能识别，建议使用最新版 Chrome 或 Edge']);
  else if (browser.version < min) checks.push(['browser', '浏览器', 'warn', `${browser.name} ${browser.version}，版本过低，请升级到 ${min} 或以上`]);
  else checks.push(['browser', '浏览器', 'ok', `${browser.name} ${browser.version}`]);

  const video = $('camera');
  if (cam.ok !== false && video.videoWidth) checks.push(['camera', '摄像头', 'ok', `画面正常（${video.videoWidth}×${video.videoHeight}）`]);
  else if (cam.ok === false) checks.push(['camera', '摄像头', 'fail', '没有画面：请检查摄像头连接和浏览器权限（不影响考试，但会被记录）']);
  else checks.push(['camera', '摄像头', 'pending', '正在打开摄像头…']);

  if (S.attempt.microphone_required) {
    const states = { null: ['pending', '正在检测…'], true: ['ok', '可用'], false: ['fail', '不可用：请检查麦克风连接和浏览器权限'] };
    checks.push(['microphone', '麦克风', ...states[device.microphone]]);
  }

  if (document.fullscreenEnabled) checks.push(['fullscreen', '全屏', 'ok', '支持']);
  else checks.push(['fullscreen', '全屏', 'fail', '此浏览器不支持全屏，请换用最新版 Chrome 或 Edge']);

  if (S.netDown) checks.push(['network', '网络', 'fail', '无法连接服务器，请检查网络']);
  else if (lastRtt === null) checks.push(['network', '网络', 'pending', '正在检测…']);
  else if (lastRtt < 1000) checks.push(['network', '网络', 'ok', `延迟 ${lastRtt} 毫秒`]);
  else checks.push(['network', '网络', 'warn', `延迟 ${lastRtt} 毫秒，网络较慢（答案会先保存在本机）`]);

  // offset = server − laptop: a laptop behind the server is slow.
  if (Math.abs(offset) < 5000) checks.push(['clock', '本机时钟', 'ok', '与北京时间一致']);
  else checks.push(['clock', '本机时钟', 'warn', `比北京时间${offset > 0 ? '慢' : '快'} ${spoken(offset)}（考试以服务器时间为准，不受影响）`]);
  return checks;
}

function renderDeviceChecks() {
  const checks = deviceChecks();
  const shown = JSON.stringify(checks);
  if (shown === device.shown) return; // twice a second: touch the page (and screen readers) only on a change
  device.shown = shown;
  $('device-checks').replaceChildren(
    ...checks.map(([key, name, state, text]) =>
      h('li', { 'data-check': key, 'data-state': state }, h('span', { class: 'check-name', text: name }), h('span', { text })),
    ),
  );
}

/** What the candidate's computer looked like at the start, for the proctors. */
function reportDeviceChecks() {
  const detail = Object.fromEntries(deviceChecks().map(([key, , state, text]) => [key, `${state}: ${text}`]));
  detail.user_agent = navigator.userAgent.slice(0, 300);
  api('/events', { json: { kind: 'device_check', at_ms: serverNow(), detail } }).catch(() => {});
}

// ---------------------------------------------------------------- the exam screen

function showExam() {
  S.phase = 'exam';
  stopAllTimers();
  showScreen('exam');
  if (!S.byN.has(store.current)) store.current = S.items[0].n;
  if (PRACTICE) setupPractice();
  else {
    $('bar-camera').append($('camera')); // into the top bar, where it covers nothing
    $('camera').play().catch(() => {});
  }
  $('sheet-grid').replaceChildren(
    ...S.items.map((it) => h('button', { type: 'button', 'data-n': it.n, text: String(it.n), onclick: () => goTo(it.n) })),
  );
  S.items.forEach((it) => updateSheet(it.n));
  renderQuestions();
  $('view-toggle').onclick = toggleView;
  $('hand-in').onclick = openConfirm;
  renderLeaveCount();
  renderSaveStatus();
  tick();
  every(500, tick);
  later(jitter(HEARTBEAT_MS), heartbeatLoop);
  startSnapshots();
  if (store.pending.length || store.leaves.length) flushNow();
  checkPresence('fullscreen'); // after a reload the page is not in full screen: same countdown
}

/** Twice a second: remaining time, hand-in button, leave countdown, time up. */
function tick() {
  if (S.phase !== 'exam') return;
  const t = serverNow();
  const left = S.attempt.ends_at_ms - t;
  $('remaining').textContent = `剩余 ${duration(left)}`;
  $('remaining').dataset.state = left < 5 * 60e3 ? 'urgent' : left < 15 * 60e3 ? 'soon' : '';
  const minutes = Math.ceil(left / 60e3);
  if ([30, 15, 5, 1].includes(minutes) && S.announced !== minutes) announce(`考试剩余 ${(S.announced = minutes)} 分钟`);
  const early = !PRACTICE && t < S.attempt.earliest_hand_in_at_ms;
  $('hand-in').disabled = early;
  $('hand-in').textContent = early ? `${beijing(S.attempt.earliest_hand_in_at_ms, { seconds: false })} 后可交卷` : '交卷';
  tickLeave();
  if (left <= 0) timeUp();
}

async function heartbeat() {
  const r = await api('/heartbeat', { json: { client_time_ms: Date.now() } });
  if (typeof r.ends_at_ms === 'number') S.attempt.ends_at_ms = r.ends_at_ms; // a proctor's extra time
  if (typeof r.leave_count === 'number' && !store.leaves.length) S.attempt.leave_count = r.leave_count;
  renderLeaveCount();
  if (r.status === 'handed_in') finishFromServer();
  else checkNotes(r.message_seq);
}

async function heartbeatLoop() {
  if (S.phase !== 'exam') return;
  await heartbeat().catch(() => {}); // offline: keep counting with the last offset
  renderSaveStatus();
  later(jitter(HEARTBEAT_MS), heartbeatLoop);
}

function updateSheet(n) {
  const cell = $('sheet-grid').querySelector(`[data-n="${n}"]`);
  if (!cell) return;
  const flagged = store.flags.includes(n);
  cell.classList.toggle('answered', answered(n));
  cell.classList.toggle('flagged', flagged);
  cell.classList.toggle('current', n === store.current);
  if (n === store.current) cell.setAttribute('aria-current', 'step');
  else cell.removeAttribute('aria-current');
  cell.setAttribute('aria-label', `第 ${n} 题，${answered(n) ? '已答' : '未答'}${flagged ? '，已标记待查' : ''}`);
  $('sheet-count').textContent = `已答 ${S.items.filter((it) => answered(it.n)).length}/${S.items.length}`;
}

function renderQuestions() {
  commitAllText(); // the fields are about to be replaced
  S.textCommitters.clear();
  const all = store.view === 'all';
  $('view-toggle').textContent = all ? '逐题显示' : '显示全部题目';
  $('view-toggle').setAttribute('aria-pressed', String(all));
  const box = $('questions');
  box.replaceChildren(...(all ? S.items : [S.byN.get(store.current)]).map(renderItem));
  if (all) return;
  const i = S.items.findIndex((it) => it.n === store.current);
  box.append(
    h(
      'div',
      { class: 'pager' },
      button('← 上一题', () => step(-1), { disabled: i <= 0 }),
      h('span', { class: 'muted', text: `${i + 1} / ${S.items.length}` }),
      button('下一题 →', () => step(1), { disabled: i >= S.items.length - 1 }),
    ),
  );
}

function renderItem(item) {
  const n = item.n;
  const flagged = store.flags.includes(n);
  const article = h(
    'article',
    { class: 'question', id: `q-${n}`, 'aria-labelledby': `q-${n}-title` },
    h(
      'div',
      { class: 'question-head' },
      h(
        'h2',
        { id: `q-${n}-title`, tabindex: '-1' },
        `第 ${n} 题 `,
        h('span', { class: 'tag', text: TYPE_NAMES[item.type] || '题目' }),
        h('span', { class: 'points', text: `${item.points} 分` }),
      ),
      button(flagged ? '★ 已标记待查' : '☆ 标记待查', () => toggleFlag(n), { class: 'button flag', 'aria-pressed': String(flagged) }),
    ),
    h('p', { class: 'stem', id: `q-${n}-stem`, text: item.stem }),
    CHOICE_TYPES.has(item.type) ? renderChoices(item) : item.type === 'numeric' ? renderNumeric(item) : renderShort(item),
  );
  article.addEventListener('focusin', () => setCurrent(n, false));
  return article;
}

function renderChoices(item) {
  const n = item.n;
  const multiple = item.type === 'multiple';
  const current = store.answers[n] ?? '';
  const fieldset = h(
    'fieldset',
    { class: 'options', 'aria-describedby': `q-${n}-stem` },
    h('legend', multiple ? { class: 'hint', text: '多选题：选出所有正确的选项' } : { class: 'visually-hidden', text: `第 ${n} 题选项` }),
    (item.options?.length ? item.options : TRUE_FALSE).map((opt) =>
      h(
        'label',
        { class: 'option' },
        h('input', { type: multiple ? 'checkbox' : 'radio', name: `q${n}`, value: opt.key, checked: current.includes(opt.key) }),
        h('span', { class: 'key', 'aria-hidden': 'true', text: opt.key }),
        h('span', { class: 'text', text: opt.text }),
      ),
    ),
  );
  fieldset.addEventListener('change', () => {
    const keys = [...fieldset.querySelectorAll('input:checked')].map((i) => i.value);
    recordChange(n, keys.sort().join('')); // "ACD" for multiple choice
  });
  return fieldset;
}

function renderShort(item) {
  const n = item.n;
  // maxlength: the server keeps 20 000 characters; better refused here than cut off there.
  const area = h('textarea', { id: `a-${n}`, rows: '8', lang: 'zh-CN', spellcheck: 'false', maxlength: '20000' });
  area.value = store.drafts[n] ?? store.answers[n] ?? '';
  const count = h('span', { class: 'muted small', 'aria-hidden': 'true' });
  const showCount = () => (count.textContent = `${area.value.length} 字`);
  showCount();
  bindText(area, n, (v) => v, showCount);
  return h('div', { class: 'answer' }, h('label', { for: `a-${n}`, class: 'label', text: '作答区：' }), area, count);
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function renderNumeric(item) {
  const n = item.n;
  const input = h('input', {
    id: `a-${n}`, type: 'text', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': `a-${n}-hint`,
  });
  input.value = store.drafts[n] ?? store.answers[n] ?? '';
  const hint = h('span', { id: `a-${n}-hint`, class: 'hint', 'aria-live': 'polite' });
  const check = () => {
    const v = normaliseNumber(input.value);
    hint.textContent = v === '' || NUMBER.test(v) ? '' : '请输入数字，例如 12.5 或 -0.8';
  };
  bindText(input, n, normaliseNumber, check);
  input.addEventListener('blur', () => {
    input.value = normaliseNumber(input.value); // safe now: no composition is open after blur
    check();
  });
  const unit = item.unit ? h('span', { class: 'unit', text: item.unit }) : null;
  return h('div', { class: 'answer numeric' }, h('label', { for: `a-${n}`, class: 'label', text: '答案：' }), input, unit, hint);
}

/** Full-width digits and punctuation from a Chinese keyboard become plain ASCII. */
function normaliseNumber(s) {
  return s
    .replace(/[\uFF10-\uFF19\uFF0B\uFF0D\uFF0E\uFF45\uFF25]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/。/g, '.')
    .replace(/[−﹣–—]/g, '-')
    .replace(/[\s,，\u3000]/g, '');
}

/**
 * Text answers and the Chinese IME: nothing is saved while a composition is open
 * (the field then holds pinyin, not the candidate's text); the committed text is
 * saved after compositionend or a typing pause. The field's value is never written
 * back while the candidate types, so no character is lost or doubled.
 */
function bindText(el, n, normalise, onInput) {
  let composing = false;
  let timer = null;
  const commit = () => {
    clearTimeout(timer);
    if (!composing) recordChange(n, normalise(el.value));
  };
  const typed = () => {
    store.drafts[n] = normalise(el.value); // a crash before the pause still keeps the text
    persist();
    clearTimeout(timer);
    timer = setTimeout(commit, TEXT_IDLE_MS);
    onInput();
  };
  el.addEventListener('compositionstart', () => {
    composing = true;
    clearTimeout(timer);
  });
  el.addEventListener('compositionend', () => {
    composing = false;
    typed();
  });
  el.addEventListener('input', (e) => (composing || e.isComposing ? onInput() : typed()));
  el.addEventListener('blur', commit);
  S.textCommitters.set(n, commit);
}

function commitAllText() {
  for (const commit of S.textCommitters.values()) commit();
}

function setCurrent(n, render) {
  const prev = store.current;
  store.current = n;
  persist();
  updateSheet(prev);
  updateSheet(n);
  if (render) renderQuestions();
}

function goTo(n) {
  setCurrent(n, store.view !== 'all');
  const title = $(`q-${n}-title`);
  title?.scrollIntoView({ block: 'start', behavior: 'instant' });
  title?.focus({ preventScroll: true }); // screen readers start reading at the new question
}

function step(delta) {
  const next = S.items[S.items.findIndex((it) => it.n === store.current) + delta];
  if (next) goTo(next.n);
}

function toggleView() {
  store.view = store.view === 'all' ? 'one' : 'all';
  persist();
  renderQuestions();
  goTo(store.current);
}

function toggleFlag(n) {
  const on = !store.flags.includes(n);
  store.flags = on ? [...store.flags, n] : store.flags.filter((f) => f !== n);
  persist();
  updateSheet(n);
  const flag = $(`q-${n}`)?.querySelector('.flag');
  flag?.setAttribute('aria-pressed', String(on));
  if (flag) flag.textContent = on ? '★ 已标记待查' : '☆ 标记待查';
}

// ---------------------------------------------------------------- keyboard and guards

const isTyping = (el) => el?.tagName === 'TEXTAREA' || (el?.tagName === 'INPUT' && el.type === 'text');

function onKey(e) {
  if (S.phase !== 'exam' || !$('leave-overlay').hidden || $('confirm').open) return;
  if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing || isTyping(e.target)) return;
  if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
    e.preventDefault(); // also stops the browser moving a radio selection
    return step(e.key === 'ArrowLeft' ? -1 : 1);
  }
  const k = e.key.toUpperCase();
  const index = /^[1-8]$/.test(k) ? Number(k) - 1 : /^[A-H]$/.test(k) ? k.charCodeAt(0) - 65 : -1;
  const input = index < 0 ? null : $(`q-${store.current}`)?.querySelectorAll('.options input')[index];
  if (input) {
    e.preventDefault();
    input.click(); // the same path as a mouse click: fires change, toggles a checkbox
  }
}

function installGuards() {
  // A mock is practice: copying and pasting are the candidate's own business there.
  for (const type of PRACTICE ? [] : ['copy', 'cut', 'paste', 'contextmenu']) {
    document.addEventListener(type, (e) => {
      if (S.phase === 'done') return;
      e.preventDefault();
      sendEvent(type === 'cut' ? 'copy' : type);
    }, true);
  }
  for (const type of ['drop', 'dragstart']) document.addEventListener(type, (e) => e.preventDefault(), true);
  document.addEventListener('keydown', onKey);
  document.addEventListener('fullscreenchange', () => checkPresence('fullscreen'));
  window.addEventListener('blur', (e) => e.target === window && checkPresence('blur'));
  window.addEventListener('focus', (e) => e.target === window && checkPresence('blur'));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') {
      commitAllText(); // the page may be closed or discarded from here on
      persist();
    }
    checkPresence('visibility');
  });
  window.addEventListener('pagehide', () => {
    commitAllText();
    persist();
  });
  window.addEventListener('online', () => {
    renderSaveStatus();
    if (S.phase === 'exam' || S.phase === 'ending') flushNow();
  });
  window.addEventListener('offline', renderSaveStatus);
  $('notes').addEventListener('focusin', (e) => {
    if (!$('notes').contains(e.relatedTarget)) notes.returnTo = e.relatedTarget;
  });
  $('notes-ok').addEventListener('click', dismissNotes);
  $('leave-back').addEventListener('click', async () => {
    await enterFullscreen();
    window.focus();
    checkPresence('fullscreen');
  });
}

// ---------------------------------------------------------------- full screen and leaves

const departure = { active: false, since: 0, sinceServer: 0, reason: '', recorded: false };
const REASON_RANK = { blur: 0, visibility: 1, fullscreen: 2 };

async function enterFullscreen() {
  if (!document.fullscreenEnabled || document.fullscreenElement) return;
  await document.documentElement.requestFullscreen({ navigationUI: 'hide' }).catch(() => {
    /* refused: the overlay's button offers it again */
  });
}

function isAway() {
  const notFull = document.fullscreenEnabled && !document.fullscreenElement;
  return notFull || document.visibilityState === 'hidden' || !document.hasFocus();
}

const countdownMs = () => (S.attempt.countdown_seconds ?? 10) * 1000;

/** Called on every full-screen, focus and visibility change. */
function checkPresence(reason) {
  if (S.phase !== 'exam' || PRACTICE) return; // practice counts no leaves
  const away = isAway();
  if (away && !departure.active) {
    Object.assign(departure, { active: true, since: Date.now(), sinceServer: serverNow(), reason, recorded: false });
    commitAllText();
    if ($('confirm').open) $('confirm').close(); // a modal dialog would sit above the overlay
    showOverlay();
  } else if (away && !departure.recorded && REASON_RANK[reason] > REASON_RANK[departure.reason]) {
    departure.reason = reason; // "left full screen" says more than the blur that came with it
  } else if (!away && departure.active) {
    // A return after the countdown still counts (timers are slowed in hidden tabs).
    if (!departure.recorded && Date.now() - departure.since >= countdownMs()) recordLeave(serverNow());
    departure.active = false;
    hideOverlay();
  }
  tickLeave();
}

function tickLeave() {
  if (!departure.active) return;
  const left = countdownMs() - (Date.now() - departure.since);
  if (left <= 0 && !departure.recorded) recordLeave();
  const seconds = Math.max(0, Math.ceil(left / 1000));
  $('leave-number').textContent = departure.recorded ? '' : String(seconds);
  $('leave-text').textContent = departure.recorded
    ? '已记为离开考试一次。请点击“返回全屏”继续答题。'
    : `请在 ${seconds} 秒内返回全屏，否则记为离开考试一次`;
}

/** One leave per departure; queued locally so that a leave made while offline still arrives. */
function recordLeave(returnedAt = null) {
  departure.recorded = true;
  store.leaves.push({ left_at_ms: departure.sinceServer, returned_at_ms: returnedAt, reason: departure.reason });
  persist();
  S.attempt.leave_count = (S.attempt.leave_count || 0) + 1; // shown now; the server's count follows
  renderLeaveCount();
  takeSnapshot('leave');
  flushNow();
}

async function flushLeaves() {
  while (store.leaves.length && S.phase === 'exam') {
    const r = await api('/leaves', { json: store.leaves[0] });
    store.leaves.shift();
    persist();
    if (typeof r.leave_count === 'number') S.attempt.leave_count = r.leave_count;
    renderLeaveCount();
    if (r.handed_in) return void finishFromServer('离开考试次数已达上限，系统已强制交卷');
  }
}

function renderLeaveCount() {
  if (PRACTICE) return;
  const text = `已离开 ${S.attempt.leave_count ?? 0}/${S.attempt.leave_limit ?? '-'} 次`;
  $('leave-status').textContent = text;
  $('leave-count').textContent = `${text}，达到上限将被强制交卷`;
}

function showOverlay() {
  $('leave-overlay').hidden = false;
  $('screen-exam').inert = true; // the questions stay out of reach until the candidate is back
  $('leave-back').focus();
}

function hideOverlay() {
  $('leave-overlay').hidden = true;
  $('screen-exam').inert = false;
}

// ---------------------------------------------------------------- camera and snapshots

const cam = { stream: null, ok: null, retryAt: 0 };

async function startCamera() {
  const video = $('camera');
  try {
    cam.stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
    video.srcObject = cam.stream;
    await video.play().catch(() => {});
    cam.stream.getVideoTracks().forEach((t) => t.addEventListener('ended', () => setCamera(false)));
  } catch {
    cam.stream = null; // denied or no camera: recorded, and the exam goes on
    setCamera(false);
  }
  S.cameraWatch ??= setInterval(checkCamera, 5000);
}

function stopCamera() {
  clearInterval(S.cameraWatch);
  cam.stream?.getTracks().forEach((t) => t.stop());
  cam.stream = null;
}

function setCamera(ok) {
  if (cam.ok === ok) return;
  const known = cam.ok !== null; // the first success is not a "camera back"
  cam.ok = ok;
  for (const el of document.querySelectorAll('.camera-status')) el.hidden = ok;
  if (!ok || known) sendEvent(ok ? 'camera_back' : 'camera_lost');
}

/** A live track can still deliver black frames (lens covered, driver trouble): look at the picture. */
function checkCamera() {
  if (S.phase === 'done' || S.phase === 'frozen') return;
  const track = cam.stream?.getVideoTracks()[0];
  if (!track || track.readyState !== 'live') {
    setCamera(false);
    if (Date.now() > cam.retryAt) {
      cam.retryAt = Date.now() + 30000;
      startCamera();
    }
    return;
  }
  const frame = grabFrame(64);
  if (frame) setCamera(brightness(frame) > 12);
}

function grabFrame(width) {
  const video = $('camera');
  if (!video.videoWidth) return null;
  const canvas = h('canvas', { width, height: Math.round((width * video.videoHeight) / video.videoWidth) });
  canvas.getContext('2d', { willReadFrequently: true }).drawImage(video, 0, 0, canvas.width, canvas.height);
  return canvas;
}

function brightness(canvas) {
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum += 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
  return sum / (data.length / 4);
}

function startSnapshots() {
  const seconds = S.attempt.snapshot_interval_seconds;
  if (!seconds) return;
  later(jitter(Math.min(seconds * 1000, 20000)), () => takeSnapshot('interval'));
  every(seconds * 1000, () => takeSnapshot('interval'));
}

/** Fire-and-forget: a lost snapshot is a gap in the record, never a reason to stop the exam. */
function takeSnapshot(reason) {
  if (S.phase !== 'exam') return;
  const frame = grabFrame(Math.min(640, $('camera').videoWidth));
  if (!frame) return checkCamera();
  frame.toBlob((blob) => {
    if (!blob) return;
    // The JPEG itself as the body: the server stores it without parsing a form. A server
    // busy storing others (503) gets it once more a few seconds later.
    const send = (again) =>
      api(`/snapshots?reason=${encodeURIComponent(reason)}`, { body: blob, type: 'image/jpeg', timeout: 30000 })
        .catch((e) => { if (e.status === 503 && again) later(jitter(4000), () => send(false)); });
    send(true);
  }, 'image/jpeg', 0.7);
}

// ---------------------------------------------------------------- proctor messages

// seq: the attempt's message count last fetched; upTo: the newest shown, readUpTo: dismissed.
const notes = { seq: 0, busy: false, upTo: 0, readUpTo: 0, returnTo: null };

/** Heartbeats and the state carry a message count: fetch the messages only when it grew. */
async function checkNotes(seq) {
  if (PRACTICE) return; // no proctor in practice
  if (typeof seq !== 'number' || seq <= notes.seq || notes.busy) return;
  notes.busy = true;
  try {
    const list = await api('/messages', { method: 'GET' });
    notes.seq = seq;
    showNotes(list.filter((m) => !m.read && m.id > notes.readUpTo));
  } catch { /* the next heartbeat asks again */ } finally {
    notes.busy = false;
  }
}

/** A banner, not a dialog: the candidate may be typing an answer, and the focus stays there. */
function showNotes(unread) {
  if (!unread.length || S.phase === 'done' || S.phase === 'frozen') return;
  const fresh = unread.filter((m) => m.id > notes.upTo);
  notes.upTo = Math.max(notes.upTo, ...unread.map((m) => m.id));
  const box = $('notes');
  $('notes-list').replaceChildren(
    ...unread.map((m) => h('li', { text: `考场消息（${beijing(m.sent_at_ms, { seconds: false })}）：${m.text}` })),
  );
  box.hidden = false;
  if (fresh.length) $('notes-live').textContent = fresh.map((m) => `考场消息：${m.text}`).join('；');
}

function dismissNotes() {
  notes.readUpTo = notes.upTo;
  $('notes').hidden = true;
  // Back to the answer the candidate was typing, if the button took the focus from it.
  if (notes.returnTo?.isConnected && S.phase === 'exam') notes.returnTo.focus({ preventScroll: true });
  notes.returnTo = null;
  // Not retried: a lost one only shows the message once more after a reload.
  api('/messages/read', { json: { up_to: notes.upTo } }).catch(() => {});
}

// ---------------------------------------------------------------- hand-in and the end

function openConfirm() {
  if (!PRACTICE && serverNow() < S.attempt.earliest_hand_in_at_ms) return;
  commitAllText();
  const missing = S.items.filter((it) => !answered(it.n)).map((it) => it.n);
  const flagged = store.flags.filter((n) => S.byN.has(n)).sort((a, b) => a - b);
  $('confirm-body').replaceChildren(
    h('p', { text: PRACTICE ? '交卷后立即评分，并显示每道题的答案与解析；交卷后不能再修改答案。' : '交卷后不能再修改答案，也不能重新进入考试。' }),
    missing.length
      ? h('p', { class: 'warn', text: `还有 ${missing.length} 题未作答：第 ${missing.join('、')} 题` })
      : h('p', { text: `全部 ${S.items.length} 题均已作答。` }),
    flagged.length ? h('p', { text: `标记待查：第 ${flagged.join('、')} 题` }) : '',
  );
  $('confirm-status').textContent = '';
  $('confirm-ok').disabled = false;
  $('confirm-cancel').onclick = () => $('confirm').close();
  $('confirm-ok').onclick = handIn;
  $('confirm').showModal();
}

async function handIn() {
  const status = $('confirm-status');
  $('confirm-ok').disabled = true;
  status.textContent = '正在上传全部答案…';
  // Everything must be acknowledged before the paper is closed.
  if (!(await flushAll(20000))) {
    if (S.phase !== 'exam') return;
    status.textContent = `还有 ${store.pending.length} 条答案未能上传（网络异常）。答案已保存在本机，请检查网络后再点“确认交卷”。`;
    $('confirm-ok').disabled = false;
    return;
  }
  status.textContent = '正在交卷…';
  try {
    const r = await api('/hand-in');
    showReceipt({ ...r, total: r.total ?? S.items.length }, '交卷成功');
  } catch (e) {
    if (e.status === 409 && e.code === 'handed_in') return finishFromServer();
    status.textContent = e.message;
    $('confirm-ok').disabled = false;
  }
}

let endingStarted = false;

/** Time is up: upload what is queued, check for extra time, then close. */
async function timeUp() {
  if (endingStarted || S.phase !== 'exam') return;
  endingStarted = true;
  commitAllText();
  await flushNow(); // first what is still queued, while the server may still take it
  await heartbeat().catch(() => {}); // a proctor may have granted extra time we have not heard of
  if (S.phase !== 'exam') return;
  if (serverNow() < S.attempt.ends_at_ms) {
    endingStarted = false;
    return;
  }
  S.phase = 'ending';
  hideOverlay();
  if ($('confirm').open) $('confirm').close();
  showMessage(PRACTICE ? '模拟考试时间到' : '考试时间到', '正在上传最后的答案，请不要关闭页面…');
  await flushAll(25000);
  finishFromServer();
}

/** The server has closed the paper (time, leaves, a proctor): show what it holds. */
async function finishFromServer(reason) {
  if (S.phase === 'done') return;
  S.phase = 'ending';
  if (PRACTICE) {
    await api('/hand-in').catch(() => {}); // scored now; the result page hands in a late one too
    return showReceipt({}, '已交卷');
  }
  let { attempt } = S;
  let answers = store.answers;
  try {
    const state = await api('/state', { method: 'GET' });
    ({ attempt } = state);
    answers = state.answers || answers;
  } catch { /* show what we know */ }
  const count = S.items.filter((it) => (answers[it.n] ?? '') !== '').length;
  const over = serverNow() >= attempt.ends_at_ms;
  showReceipt(
    { handed_in_at_ms: attempt.handed_in_at_ms, answered: count, total: S.items.length },
    reason || (over ? '考试时间到，系统已自动交卷' : '系统已交卷'),
  );
}

function showReceipt(r, reason) {
  S.phase = 'done';
  stopAllTimers();
  stopCamera();
  $('camera').hidden = true;
  $('notes').hidden = true;
  hideOverlay();
  if ($('confirm').open) $('confirm').close();
  if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  if (PRACTICE) return showResult();
  $('done-reason').textContent = reason;
  $('done-time').textContent = r.handed_in_at_ms ? `${beijing(r.handed_in_at_ms)}（北京时间）` : '—';
  $('done-count').textContent = r.total ? `已答 ${r.answered ?? 0}/${r.total} 题` : '—';
  const unsent = store.pending.length;
  $('done-note').textContent = unsent ? `有 ${unsent} 条修改未能在交卷前上传到服务器。` : '';
  if (!unsent) localStorage.removeItem(KEY); // the server holds everything now
  showScreen('done');
}

/** Practice: the mock is scored; its result page shows the score and every explanation. */
function showResult() {
  if (!store.pending.length) localStorage.removeItem(KEY); // the server holds everything now
  showMessage('已交卷', '正在评分，马上显示成绩与解析…');
  window.location.assign(RESULT_URL);
}

let practiceReady = false;

/** Practice: no camera in the bar, no leave count; full screen is a button, not a rule. */
function setupPractice() {
  $('camera').hidden = true;
  $('bar-camera').hidden = true;
  $('leave-status').hidden = true;
  const toggle = $('fullscreen-toggle');
  toggle.hidden = !document.fullscreenEnabled;
  const label = () => {
    const on = Boolean(document.fullscreenElement);
    toggle.textContent = on ? '退出全屏' : '全屏';
    toggle.setAttribute('aria-pressed', String(on));
  };
  toggle.onclick = async () => {
    if (document.fullscreenElement) await document.exitFullscreen().catch(() => {});
    else await enterFullscreen();
    label();
  };
  if (!practiceReady) document.addEventListener('fullscreenchange', label);
  practiceReady = true;
  label();
}

function showMessage(title, text, action) {
  $('message-title').textContent = title;
  $('message-text').textContent = text;
  $('message-action').replaceChildren(...(action ? [action] : []));
  showScreen('message');
}

function showRelogin() {
  if (S.phase === 'relogin' || S.phase === 'done') return;
  commitAllText();
  persist();
  S.phase = 'relogin';
  stopAllTimers();
  hideOverlay();
  if ($('confirm').open) $('confirm').close();
  const kept = store.pending.length ? `有 ${store.pending.length} 条答案保存在本机，重新登录后会自动上传。` : '已保存的答案不会丢失。';
  showMessage('请重新登录', `登录已失效。${kept}`, h('a', { class: 'button primary big', href: LOGIN_URL, text: '重新登录' }));
}

main();
