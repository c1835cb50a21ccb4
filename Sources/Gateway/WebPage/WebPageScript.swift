/// The page's script: the live microphone over DashScope's WebSocket protocol, and the file path over the local API.
enum WebPageScript {
    /// The whole script.
    static let text = #"""
'use strict';
// Everything the page shows from the network goes through textContent: no HTML is ever built from answers.
const $ = (id) => document.getElementById(id);
const token = () => sessionStorage.getItem('funasr-token') || '';
const authHeaders = () => (token() ? { Authorization: 'Bearer ' + token() } : {});
$('token').value = token();
$('token').addEventListener('change', (event) => sessionStorage.setItem('funasr-token', event.target.value.trim()));

fetch('/healthz').then((r) => r.json()).then((health) => {
  if (health.mode === 'simulated') $('mode').textContent += ' SIMULATE MODE: the results are synthetic.';
}).catch(() => {});

function say(element, text, isError) {
  element.textContent = text;
  element.className = isError ? 'status error' : 'status';
}

function errorText(body, status) {
  const error = body && body.error;
  return error ? `${error.code}: ${error.message}` : `HTTP ${status}`;
}

// ---- Live microphone: DashScope's duplex protocol (run-task, binary PCM frames, finish-task) ----
let live = null;

function newTaskID() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function renderSentences(sentences) {
  const box = $('transcript');
  box.textContent = '';
  for (const [, sentence] of [...sentences.entries()].sort((a, b) => a[0] - b[0])) {
    const span = document.createElement('span');
    span.textContent = sentence.text + (sentence.final ? '\n' : '');
    if (!sentence.final) span.className = 'partial';
    box.appendChild(span);
  }
}

async function startLive() {
  const status = $('live-status');
  $('start').disabled = true;
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true } });
  } catch (error) {
    say(status, 'microphone not available: ' + error.message, true);
    $('start').disabled = false;
    return;
  }
  const context = new AudioContext();
  await context.audioWorklet.addModule('/pcm-worklet.js');
  const source = context.createMediaStreamSource(stream);
  const frames = new AudioWorkletNode(context, 'pcm-frames');
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  // A browser cannot set Authorization on a WebSocket: the token travels as a subprotocol the gateway accepts.
  const protocols = token() ? ['funasr-gateway', 'funasr-token.' + token()] : [];
  const socket = new WebSocket(`${scheme}//${location.host}/api-ws/v1/inference`, protocols);
  socket.binaryType = 'arraybuffer';
  const taskID = newTaskID();
  const sentences = new Map();
  let started = false;
  let ended = false;
  $('transcript').textContent = '';

  let audioStopped = false;
  const stopAudio = () => {
    if (audioStopped) return;
    audioStopped = true;
    try { source.disconnect(); frames.disconnect(); } catch (error) { /* already disconnected */ }
    stream.getTracks().forEach((track) => track.stop());
    context.close();
  };
  frames.port.onmessage = (event) => {
    if (started && socket.readyState === WebSocket.OPEN) socket.send(event.data);
  };
  source.connect(frames);
  frames.connect(context.destination); // pulls the worklet; its output is silence

  socket.onopen = () => {
    const parameters = { format: 'pcm', sample_rate: 16000 };
    if ($('language').value) parameters.language_hints = [$('language').value];
    socket.send(JSON.stringify({
      header: { action: 'run-task', task_id: taskID, streaming: 'duplex' },
      payload: { task_group: 'audio', task: 'asr', function: 'recognition', model: 'fun-asr-realtime', parameters, input: {} },
    }));
    say(status, 'starting…');
  };
  socket.onmessage = (event) => {
    if (typeof event.data !== 'string') return;
    let message;
    try { message = JSON.parse(event.data); } catch (error) { return; }
    const header = message.header || {};
    if (header.event === 'task-started') {
      started = true;
      $('stop').disabled = false;
      say(status, 'listening');
    } else if (header.event === 'result-generated') {
      const sentence = message.payload && message.payload.output && message.payload.output.sentence;
      if (!sentence || sentence.heartbeat) return;
      const final = sentence.sentence_end === true || (sentence.sentence_end === undefined && sentence.end_time != null);
      sentences.set(sentence.sentence_id, { text: sentence.text || '', final });
      renderSentences(sentences);
    } else if (header.event === 'task-finished') {
      ended = true;
      say(status, 'finished');
      socket.close(1000);
    } else if (header.event === 'task-failed') {
      ended = true;
      say(status, `failed: ${header.error_code}: ${header.error_message}`, true);
    }
  };
  socket.onerror = () => say(status, 'connection error', true);
  socket.onclose = (event) => {
    stopAudio();
    if (!ended) say(status, `closed (${event.code}${event.reason ? ': ' + event.reason : ''})`, event.code !== 1000);
    $('start').disabled = false;
    $('stop').disabled = true;
    live = null;
  };
  live = {
    stop() {
      $('stop').disabled = true;
      stopAudio();
      if (started && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ header: { action: 'finish-task', task_id: taskID, streaming: 'duplex' }, payload: { input: {} } }));
        say(status, 'finishing…');
      } else {
        socket.close(1000);
      }
    },
  };
}

$('start').addEventListener('click', () => { startLive(); });
$('stop').addEventListener('click', () => { if (live) live.stop(); });

// ---- A file: POST /v1/transcriptions (multipart, upload progress), wait, fetch text and subtitles ----
function transcribeFile(file) {
  const status = $('file-status');
  const progress = $('progress');
  $('result').textContent = '';
  $('downloads').textContent = '';
  const form = new FormData();
  form.append('file', file, file.name);
  if ($('language').value) form.append('language_hints', $('language').value);
  const request = new XMLHttpRequest();
  request.open('POST', '/v1/transcriptions');
  if (token()) request.setRequestHeader('Authorization', 'Bearer ' + token());
  progress.hidden = false;
  progress.value = 0;
  request.upload.onprogress = (event) => {
    if (!event.lengthComputable) return;
    progress.value = event.loaded / event.total;
    say(status, `uploading ${file.name}: ${Math.floor((100 * event.loaded) / event.total)}%`);
  };
  request.onerror = () => { progress.hidden = true; say(status, 'upload failed: the gateway did not answer', true); };
  request.onload = () => {
    let body = {};
    try { body = JSON.parse(request.responseText); } catch (error) { /* not JSON */ }
    if (request.status !== 202) {
      progress.hidden = true;
      say(status, 'refused: ' + errorText(body, request.status), true);
      return;
    }
    progress.removeAttribute('value'); // indeterminate while DashScope works
    say(status, `uploaded; task ${body.task_id} is ${body.status}`);
    followTask(body.task_id, file.name).finally(() => { progress.hidden = true; });
  };
  request.send(form);
}

async function followTask(id, fileName) {
  const status = $('file-status');
  const path = '/v1/transcriptions/' + encodeURIComponent(id);
  for (;;) {
    const response = await fetch(path + '?wait=30', { headers: authHeaders() });
    const view = await response.json().catch(() => ({}));
    if (!response.ok) { say(status, errorText(view, response.status), true); return; }
    say(status, `task ${id}: ${view.status}`);
    if (!['SUCCEEDED', 'FAILED', 'CANCELED', 'UNKNOWN'].includes(view.status)) continue;
    if (view.status !== 'SUCCEEDED') {
      const file = (view.files || [])[0] || {};
      say(status, `task ${id} ${view.status}: ${file.code || ''} ${file.message || ''}`, true);
      return;
    }
    const text = await fetch(path + '/transcript?format=text', { headers: authHeaders() });
    $('result').textContent = await text.text();
    const stem = fileName.replace(/\.[^.]*$/, '') || 'transcript';
    for (const format of ['srt', 'vtt']) {
      const subtitles = await fetch(path + '/transcript?format=' + format, { headers: authHeaders() });
      if (!subtitles.ok) continue;
      const link = document.createElement('a');
      link.href = URL.createObjectURL(await subtitles.blob());
      link.download = `${stem}.${format}`;
      link.textContent = `Download ${format.toUpperCase()}`;
      $('downloads').append(link, ' ');
    }
    return;
  }
}

const drop = $('drop');
drop.addEventListener('dragover', (event) => { event.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('over');
  if (event.dataTransfer.files.length > 0) transcribeFile(event.dataTransfer.files[0]);
});
$('file').addEventListener('change', (event) => { if (event.target.files.length > 0) transcribeFile(event.target.files[0]); });
"""#
}
