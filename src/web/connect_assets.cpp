// The connect page's stylesheet and script, served from /connect/assets/ so the CSP needs no inline code.
#include "web/connect_page.hpp"

namespace mcpedge::web {

namespace {

// Colours meet WCAG AA contrast (4.5:1 for text) on their backgrounds; focus is always visible.
constexpr std::string_view k_stylesheet = R"css(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1d2430;margin:0;line-height:1.5}
main.wide{max-width:60rem;margin:2rem auto;background:#fff;border:1px solid #d6dae1;border-radius:10px;padding:1.5rem 2rem}
header.top{display:flex;gap:1rem;align-items:center;justify-content:space-between;flex-wrap:wrap}
header.top>div{flex:1}
.logo{border-radius:8px}
h1{font-size:1.4rem;margin:0}
h2{font-size:1.15rem;margin:2rem 0 .75rem;border-top:1px solid #e3e6eb;padding-top:1.25rem}
h3{font-size:1.05rem;margin:0 0 .5rem}
.muted{color:#4a5566;margin:.25rem 0 0}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(26rem,1fr));gap:1rem}
.card{border:1px solid #d6dae1;border-radius:8px;padding:1rem;min-width:0}
.card ol{padding-left:1.25rem;margin:.25rem 0 .75rem}
.badge{display:inline-block;font-size:.78rem;font-weight:600;padding:.1rem .5rem;border-radius:999px;vertical-align:middle}
.badge.oauth{background:#e3edfd;color:#0b3d91}
.badge.both{background:#e1f2e6;color:#0d5626}
figure.snippet{margin:.5rem 0 1rem}
figcaption{font-size:.88rem;color:#4a5566;margin-bottom:.2rem}
pre{background:#f1f3f6;border:1px solid #d6dae1;border-radius:6px;padding:.6rem .75rem;overflow-x:auto;margin:0;font-size:.85rem;white-space:pre}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
td code{white-space:normal;word-break:break-all;background:#f1f3f6;padding:.05rem .25rem;border-radius:4px}
button,a.button,a.install{font:inherit;display:inline-block;padding:.45rem 1rem;border-radius:6px;border:1px solid #1d2430;background:#fff;color:#1d2430;cursor:pointer;text-decoration:none}
button.copy{margin-top:.35rem;padding:.25rem .75rem;font-size:.88rem}
.primary,a.install{background:#0b57d0;border-color:#0b57d0;color:#fff}
button:focus-visible,a:focus-visible,input:focus-visible,select:focus-visible,pre:focus-visible{outline:3px solid #b35900;outline-offset:2px}
a{color:#0b57d0}
form.create{display:flex;gap:1rem;align-items:flex-end;flex-wrap:wrap;margin:1rem 0}
form.create label{display:block;font-weight:600;font-size:.92rem}
input,select{font:inherit;padding:.4rem .5rem;border:1px solid #6b7585;border-radius:6px;background:#fff;color:#1d2430}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid #e3e6eb;vertical-align:top}
.notice{background:#e1f2e6;border:1px solid #2e7d32;border-radius:6px;padding:.6rem .8rem}
.error{background:#fdecea;border:1px solid #b3261e;border-radius:6px;padding:.6rem .8rem;color:#5f1410}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
[hidden]{display:none!important}
footer{margin-top:2rem;font-size:.92rem}
)css";

// Copy buttons, and the token that arrives once in the URL fragment (#api_key=…): it is shown, written
// into the API-key configurations, and then removed from the address bar and history.
constexpr std::string_view k_script = R"js(
'use strict';
(function () {
  var placeholder = 'YOUR_TOKEN';
  function copyFrom(button) {
    var target = document.getElementById(button.getAttribute('data-copy'));
    if (!target) return;
    var text = target.textContent;
    var done = function () {
      button.textContent = 'Copied';
      setTimeout(function () { button.textContent = 'Copy'; }, 2000);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { selectText(target); });
    } else {
      selectText(target);
    }
  }
  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  function tokenFromFragment() {
    var match = /(?:^#|&)api_key=([^&]+)/.exec(window.location.hash);
    if (!match) return null;
    history.replaceState(null, '', window.location.pathname + window.location.search);
    try { return decodeURIComponent(match[1]); } catch (e) { return null; }
  }
  function cursorLink(snippet) {
    var config = JSON.parse(snippet.textContent);
    var name = Object.keys(config.mcpServers)[0];
    var encoded = btoa(JSON.stringify(config.mcpServers[name]));
    return 'cursor://anysphere.cursor-deeplink/mcp/install?name=' + encodeURIComponent(name) +
      '&config=' + encodeURIComponent(encoded);
  }
  function useToken(token) {
    var box = document.getElementById('new-token');
    if (!box) return;
    box.querySelector('#new-token-value code').textContent = token;
    box.hidden = false;
    document.querySelectorAll('pre[data-uses-token] code').forEach(function (code) {
      code.textContent = code.textContent.split(placeholder).join(token);
    });
    document.querySelectorAll('a[data-token-link]').forEach(function (link) {
      var snippet = document.getElementById(link.getAttribute('data-token-link') + '-token');
      if (!snippet) return;
      link.href = cursorLink(snippet);
      link.hidden = false;
    });
    box.focus();
  }
  document.querySelectorAll('button[data-copy]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () { copyFrom(button); });
  });
  var token = tokenFromFragment();
  if (token) useToken(token);
})();
)js";

}  // namespace

std::string_view connect_stylesheet() { return k_stylesheet; }
std::string_view connect_script() { return k_script; }

}  // namespace mcpedge::web
