"""Issue 18 item 9: SVG, XML and HTML attachments cannot run scripts once published."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from vaultsite import attachments
from vaultsite.build import Cache, build_vault, scan_dir

EVIL_SVG = b"""<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet href="evil.xsl" type="text/xsl"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 50"
     onload="window.__s1=1">
  <style>.bar { fill: #4a7; }</style>
  <script>window.__s2=1</script>
  <script xlink:href="https://evil.example/x.js"/>
  <rect class="bar" x="0" y="0" width="40" height="50" onclick="window.__s3=1"/>
  <a xlink:href="javascript:window.__s4=1"><text x="50" y="25">\xeb\xa7\x89\xeb\x8c\x80</text></a>
  <a href=" JaVaScRiPt:window.__s5=1"><circle r="3"/></a>
  <a href="#bar"><circle r="4"/></a>
  <foreignObject width="10" height="10"><body xmlns="http://www.w3.org/1999/xhtml"><script>window.__s6=1</script></body></foreignObject>
  <set attributeName="onmouseover" to="window.__s7=1"/>
  <animate attributeName="href" values="javascript:window.__s8=1"/>
  <iframe src="https://evil.example/"/>
  <image href="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+" width="1" height="1"/>
  <image href="pixel.png" width="1" height="1"/>
</svg>
"""


def _all(root):
    return list(root.iter())


def test_svg_loses_everything_that_runs_and_keeps_the_drawing():
    out, problem = attachments.sanitize_attachment("att/chart.svg", EVIL_SVG)
    assert out is not None and problem and "removed" in problem
    text = out.decode("utf-8")
    assert "window.__s" not in text and "evil.example" not in text and "javascript" not in text.lower()
    assert "data:" not in text and "xml-stylesheet" not in text
    root = ET.fromstring(out)
    names = [el.tag.rsplit("}", 1)[-1] for el in _all(root)]
    assert "script" not in names and "foreignObject" not in names and "set" not in names
    assert all(not k.rsplit("}", 1)[-1].startswith("on") for el in _all(root) for k in el.attrib)
    # the drawing stays: the bar, its style, the label, the local link, the relative image
    assert "rect" in names and "style" in names and "막대" in text
    assert 'href="#bar"' in text and 'href="pixel.png"' in text
    assert root.get("viewBox") == "0 0 100 50"


def test_clean_svg_is_published_without_a_problem():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="4" fill="red"/></svg>'
    out, problem = attachments.sanitize_attachment("a.svg", svg)
    assert problem is None and ET.fromstring(out).find("{http://www.w3.org/2000/svg}circle") is not None


@pytest.mark.parametrize("data, why", [
    (b"<svg><rect></svg>", "not well-formed"),
    (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
     b"<svg>&b;</svg>", "entities"),
    (b"<script>alert(1)</script>", "whole"),
])
def test_unreadable_or_hostile_xml_is_not_published(data, why):
    out, problem = attachments.sanitize_attachment("x.svg", data)
    assert out is None and why in problem


def test_html_attachment_is_cleaned_like_a_clipping():
    html = (b"<html><head><script>window.__h1=1</script></head><body onload='window.__h2=1'>"
            b"<h1>\xec\xa0\x9c\xeb\xaa\xa9</h1><img src=x onerror='window.__h3=1'><iframe src='https://evil.example'></iframe>"
            b"<a href='javascript:window.__h4=1'>link</a><p style='position:fixed'>text</p></body></html>")
    out, problem = attachments.sanitize_attachment("att/page.html", html)
    assert out is not None and "cleaned" in problem
    soup = BeautifulSoup(out, "lxml")
    assert soup.find("h1").get_text() == "제목"
    assert "window.__h" not in out.decode() and not soup.find_all(["script", "iframe"])
    assert not soup.find(attrs={"style": True}) or soup.find("meta")
    assert "script-src 'none'" in out.decode()  # and the page itself forbids scripts


@pytest.mark.parametrize("name", ["a.svgz", "b.mht", "c.MHTML"])
def test_archives_are_not_published(name):
    assert attachments.sanitize_attachment(name, b"whatever")[0] is None


def test_other_attachments_pass_unchanged():
    data = b"\x89PNG\r\n\x1a\n" + bytes(20)
    assert attachments.sanitize_attachment("pixel.png", data) == (data, None)
    assert attachments.is_active("x/Chart.SVG") and not attachments.is_active("x.png")


def test_build_vault_reports_and_keeps_the_cleaned_bytes(tmp_path):
    docs = tmp_path / "docs"
    (docs / "att").mkdir(parents=True)
    (docs / "att" / "chart.svg").write_bytes(EVIL_SVG)
    (docs / "att" / "ok.svg").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>')
    (docs / "att" / "broken.svg").write_bytes(b"<svg><g></svg>")
    (docs / "note.md").write_text("![[chart.svg]]\n", encoding="utf-8")
    vault = build_vault(scan_dir(str(docs)), Cache())
    out, _ = vault.attachment_output["att/chart.svg"]
    assert out is not None and b"window.__s" not in out
    assert vault.attachment_output["att/broken.svg"][0] is None
    assert "att/broken.svg" in vault.unpublished and "att/chart.svg" not in vault.unpublished  # the adapter leaves it out
    assert "att/ok.svg" in vault.attachment_output
    probs = {p.src: p.problem for p in vault.problems}
    assert "removed" in probs["att/chart.svg"] and "not published" in probs["att/broken.svg"]
    assert "att/ok.svg" not in probs
