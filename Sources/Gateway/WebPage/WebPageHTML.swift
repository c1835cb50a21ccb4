/// The page's HTML (its script is /app.js, its audio worklet /pcm-worklet.js).
enum WebPageHTML {
    /// The whole document.
    static let text = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>funasr-gateway</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
  button { font: inherit; padding: .4rem 1rem; } select, input { font: inherit; }
  #transcript { min-height: 6rem; border: 1px solid #ccc; border-radius: 6px; padding: .8rem; white-space: pre-wrap; }
  #transcript .partial { color: #888; }
  #drop { border: 2px dashed #aaa; border-radius: 6px; padding: 2rem; text-align: center; }
  #drop.over { border-color: #36c; background: #f0f5ff; }
  progress { width: 100%; } .status { color: #555; font-size: .9rem; } .error { color: #b00; }
  #result { white-space: pre-wrap; border: 1px solid #ccc; border-radius: 6px; padding: .8rem; min-height: 3rem; }
</style>
</head>
<body>
<h1>funasr-gateway</h1>
<p class="status" id="mode">Fun-ASR through the local gateway: the DashScope key stays on the gateway.</p>

<h2>Live microphone</h2>
<p>
  <label>Language <select id="language"><option value="">auto</option><option value="zh">zh</option><option value="en">en</option><option value="ja">ja</option></select></label>
  <button id="start">Start</button> <button id="stop" disabled>Stop</button>
  <span class="status" id="live-status">idle</span>
</p>
<div id="transcript" aria-live="polite"></div>

<h2>Transcribe a file</h2>
<div id="drop">Drop an audio file here, or <input type="file" id="file" accept="audio/*,video/*"></div>
<p><progress id="progress" max="1" value="0" hidden></progress></p>
<p class="status" id="file-status"></p>
<div id="result"></div>
<p id="downloads"></p>

<h2>Token</h2>
<p class="status">Only when the gateway requires local tokens (FUNASR_GATEWAY_TOKENS); kept in this tab only.
  <input type="password" id="token" autocomplete="off" placeholder="local token"></p>
<script src="/app.js"></script>
</body>
</html>
"""#
}
