"""The HTML page each browser tab loads: self-contained, nothing fetched from outside.

textual-serve's own page links fonts.googleapis.com. Ours uses the Roboto Mono files
textual-serve already ships (the font textual.js asks xterm.js for) and only relative
URLs, so it also works behind a reverse proxy under a sub-path. The Content-Security-
Policy makes the browser itself refuse anything from another origin.
"""

from __future__ import annotations

import base64
import hashlib
import html

# Points textual.js at this server's websocket (ws: or wss:, whatever the page came
# over) before it connects on window load; gives the terminal the keyboard once the
# app has drawn, so typing goes straight to the app's focused field (the dose) as in a
# terminal; wires the "open again" button.
_SCRIPT = """
const terminal = document.getElementById("terminal");
const socketUrl = new URL("ws", window.location.href);
socketUrl.protocol = socketUrl.protocol === "https:" ? "wss:" : "ws:";
terminal.dataset.sessionWebsocketUrl = socketUrl.href;
new MutationObserver((changes, observer) => {
  if (document.body.classList.contains("-first-byte")) {
    observer.disconnect();
    const keyboard = terminal.querySelector(".xterm-helper-textarea");
    if (keyboard) keyboard.focus();
  }
}).observe(document.body, {attributes: true, attributeFilter: ["class"]});
document.getElementById("reopen").addEventListener("click", () => window.location.reload());
"""

_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_SCRIPT.encode("utf-8")).digest()).decode("ascii")

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        f"script-src 'self' 'sha256-{_SCRIPT_HASH}'",
        # textual.js injects xterm's styles as <style> elements.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'self'",
    )
)

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="icon" href="data:,">
<link rel="preload" href="static/fonts/RobotoMono-VariableFont_wght.ttf" \
as="font" type="font/ttf" crossorigin>
<link rel="stylesheet" href="static/css/xterm.css">
<script src="static/js/textual.js"></script>
<style>
  @font-face {{
    font-family: "Roboto Mono";
    src: url("static/fonts/RobotoMono-VariableFont_wght.ttf") format("truetype");
    font-weight: 100 700;
    font-style: normal;
  }}
  @font-face {{
    font-family: "Roboto Mono";
    src: url("static/fonts/RobotoMono-Italic-VariableFont_wght.ttf") format("truetype");
    font-weight: 100 700;
    font-style: italic;
  }}
  html, body {{ margin: 0; height: 100%; background: #0c181f; }}
  .textual-terminal {{ width: 100vw; height: 100vh; opacity: 0; \
transition: opacity 0.3s ease-out; }}
  body.-first-byte .textual-terminal {{ opacity: 1; }}
  .notice {{
    position: absolute; inset: 0; z-index: 10; display: flex;
    align-items: center; justify-content: center; flex-direction: column;
    font: 16px "Roboto Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace;
    color: rgba(255, 255, 255, 0.95); background: #0c181f;
  }}
  body.-first-byte .starting {{ display: none; }}
  .closed {{ display: none; }}
  body.-closed .closed {{ display: flex; }}
  button {{
    margin-top: 16px; padding: 12px 28px; border: none; cursor: pointer;
    font: inherit; color: inherit; background: #005f87;
  }}
  button:hover, button:focus {{ background: #0087af; }}
</style>
</head>
<body>
<div class="notice starting">Starting {title}&hellip;</div>
<div class="notice closed">
  <div>{title} was closed.</div>
  <button type="button" id="reopen">Open it again</button>
</div>
<div id="terminal" class="textual-terminal" data-font-size="{font_size}"></div>
<script>{script}</script>
</body>
</html>
"""


def render_page(title: str, font_size: int) -> str:
    return _PAGE.format(title=html.escape(title), font_size=int(font_size), script=_SCRIPT)
