"""ui/static/bron.js without a browser: node runs the real script against a stand-in page.

A click on "searched for: ..." under a follow-up puts the standalone question (the text of its <q>, as
ui/render.searched_for writes it) into the question box, with the input event Gradio's Textbox listens to.
The browser test (tests/integration/test_browser.py) needs Chromium; this one only node.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ui import render

SCRIPT = Path(render.__file__).resolve().parent / "static" / "bron.js"
NODE = shutil.which("node")

# A page with the question box and one element the click lands on; prints what happened to the box.
PAGE = r"""
const fs = require('fs');
const [script, clicked, quoted] = process.argv.slice(1);
const handlers = {};
global.window = {};
const box = {value: 'old text', events: [], focused: false,
  dispatchEvent(e) { this.events.push([e.type, e.bubbles]); }, focus() { this.focused = true; },
  setSelectionRange(a, b) { this.caret = [a, b]; }};
global.document = {
  addEventListener(type, fn) { handlers[type] = fn; },
  querySelector: (sel) => sel === '#bron-question textarea' ? box : null,
  getElementById: () => null,
};
eval('(' + fs.readFileSync(script, 'utf8') + ')')();
const searched = {querySelector: (sel) => sel === 'q' ? {textContent: quoted} : null};
const target = {closest: (sel) => sel === clicked ? searched : null};
let prevented = false;
handlers.click({target, preventDefault() { prevented = true; }, stopPropagation() {}});
console.log(JSON.stringify({value: box.value, events: box.events, focused: box.focused, caret: box.caret || null,
                            prevented}));
"""


class _Quoted(HTMLParser):
    """The text of the first <q>, as the browser's textContent gives it (entities decoded)."""

    def __init__(self):
        super().__init__()
        self.inside, self.text = False, ""

    def handle_starttag(self, tag, attrs):
        self.inside = self.inside or tag == "q"

    def handle_endtag(self, tag):
        if tag == "q":
            self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.text += data


def _click(clicked: str, quoted: str) -> dict:
    run = subprocess.run([NODE, "-e", PAGE, str(SCRIPT), clicked, quoted], capture_output=True, text=True,
                         timeout=30, check=True)
    return json.loads(run.stdout)


pytestmark = pytest.mark.skipif(NODE is None, reason="needs node to run ui/static/bron.js")


@pytest.mark.parametrize("standalone", ["Hoe oud is Sam Altman?", 'What did "X" say about <AT&T>?'],
                         ids=["plain", "quotes-and-markup"])
def test_clicking_searched_for_puts_the_standalone_question_in_the_box(standalone):
    html = render.searched_for(standalone)
    assert 'class="bron-searched"' in html and render.EDIT_SEARCHED in html and "<AT&T>" not in html
    parser = _Quoted()
    parser.feed(html)
    assert parser.text == standalone  # what the script reads is the question, unescaped
    result = _click(".bron-searched", parser.text)
    assert result["value"] == standalone and result["events"] == [["input", True]]
    assert result["focused"] and result["caret"] == [len(standalone)] * 2 and result["prevented"]


def test_a_click_elsewhere_leaves_the_box_alone():
    result = _click(".somewhere-else", "Hoe oud is Sam Altman?")
    assert result["value"] == "old text" and result["events"] == [] and not result["prevented"]


def test_no_searched_for_line_when_the_question_stood_alone():
    assert render.searched_for("") == ""
