"""Every word the site prints on its own, in the site's language (``theme.language``).

Templates get the table as ``L`` (``{{ L.timeline }}``); Python code calls :func:`labels`.
Korean is the house language; any language without a table of its own gets English.
"""
from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "ko": {
        "home": "홈",
        "folder_notes": "노트",
        "folder_clippings": "클리핑",
        "companies": "기업",
        "tags": "태그",
        "timeline": "타임라인",
        "missing": "아직 쓰지 않은 노트",
        "notes_count": "{n}개의 노트",
        "subfolders_count": "{n}개의 하위 폴더",
        "latest_notes": "최근 노트",
        "home_lead": "노트 {notes}개, 태그 {tags}개, 기업 {companies}곳.",
        "home_links": "둘러보기",
        "no_notes": "아직 노트가 없습니다.",
        "tags_lead": "노트의 front matter, 본문의 `#태그`, 블로그 카테고리에서 모은 {count}개의 태그입니다. "
                     "대소문자가 다른 같은 태그는 하나로 합쳤고, `투자/반도체` 같은 중첩 태그는 상위 태그 아래에도 나옵니다.",
        "timeline_lead": "노트에 적힌 날짜 있는 사실 {facts}건을 최신순으로 모았습니다. 각 항목은 그 문장이 있는 노트의 위치로 연결됩니다.",
        "filter_company": "기업",
        "filter_tag": "태그",
        "filter_all": "전체",
        "filter_note_dates": "노트 작성일도 표시",
        "note_written": "노트 작성",
        "no_facts": "아직 날짜가 있는 사실이 없습니다.",
        "period_month": "{year}년 {month}월",
        "period_year": "{year}년",
        "companies_lead": "노트가 언급하는 기업 {n}곳. 이름, 티커, 언급한 노트 수, 처음과 마지막 언급 날짜입니다.",
        "col_company": "기업",
        "col_ticker": "티커",
        "col_notes": "노트",
        "col_first": "처음 언급",
        "col_last": "마지막 언급",
        "discovered": "발견",
        "discovered_title": "레지스트리에 없고 노트에서 발견된 기업",
        "discovered_in_notes": "노트에서 발견",
        "found_heading": "노트에서 발견된 기업",
        "found_lead": "레지스트리에 없지만 노트가 상장 티커, 종목 코드나 회사 형태(Inc., (주) 등)와 함께 적은 이름 {n}곳과 그 근거 문장입니다. 맞으면 <code>companies.yml</code>이나 <code>companies/이름.md</code>에 올리고, 아니면 <code>company_ignore</code> 목록에 넣으세요.",
        "col_evidence": "근거",
        "evidence": "근거",
        "other_names": "다른 이름",
        "mentioning_notes": "언급한 노트",
        "no_company_facts": "이 기업이 나오는 날짜 있는 사실은 아직 없습니다.",
        "related_companies": "함께 언급된 기업",
        "none": "없음",
        "missing_lead": "링크는 있지만 아직 작성되지 않은 노트 {n}개입니다. 날짜가 있는 이름은 최신순, 나머지는 많이 참조된 순입니다.",
        "missing_title": "아직 작성되지 않은 노트입니다",
        "col_note": "노트",
        "col_refs": "참조",
        "col_from": "참조한 노트",
        "backlinks": "이 노트를 링크한 노트",
        "date": "작성일",
        "author": "작성자",
        "source": "원문",
        "mentioned_companies": "언급된 기업",
        "properties": "속성",
        "drawing": "그림",
        "drawing_text": "그림 속 글",
        "drawing_empty": "빈 그림입니다.",
        "canvas": "캔버스",
        "canvas_zoom_in": "확대",
        "canvas_zoom_out": "축소",
        "canvas_fit": "전체 보기",
        "report_title": "빌드 문제 보고",
        "report_warning": "경고",
        "report_info": "정보",
        "unpublished": "{n}개의 노트는 게시하지 않음 (publish: false, draft: true, 제외한 폴더)",
    },
    "en": {
        "home": "Home",
        "folder_notes": "Notes",
        "folder_clippings": "Clippings",
        "companies": "Companies",
        "tags": "Tags",
        "timeline": "Timeline",
        "missing": "Notes not written yet",
        "notes_count": "{n} notes",
        "subfolders_count": "{n} subfolders",
        "latest_notes": "Latest notes",
        "home_lead": "{notes} notes, {tags} tags, {companies} companies.",
        "home_links": "Browse",
        "no_notes": "No notes yet.",
        "tags_lead": "{count} tags gathered from front matter, inline `#tags` and blog categories. "
                     "Spellings that differ only in case are one tag; nested tags such as `invest/chips` "
                     "also appear under their parent.",
        "timeline_lead": "{facts} dated facts from the notes, newest first. Each links to the place in its note.",
        "filter_company": "Company",
        "filter_tag": "Tag",
        "filter_all": "All",
        "filter_note_dates": "Show note dates too",
        "note_written": "Note written",
        "no_facts": "No dated facts yet.",
        "period_month": "{month_name} {year}",
        "period_year": "{year}",
        "companies_lead": "{n} companies the notes mention: name, tickers, number of notes, first and last mention.",
        "col_company": "Company",
        "col_ticker": "Ticker",
        "col_notes": "Notes",
        "col_first": "First mention",
        "col_last": "Last mention",
        "discovered": "found",
        "discovered_title": "Not in the registry: found in the notes",
        "discovered_in_notes": "Found in the notes",
        "found_heading": "Companies found in the notes",
        "found_lead": "{n} names the registry lacks, written in the notes with a listed ticker, a stock code or a company form (Inc., Ltd., ...), each with the sentence that names it. Add a right one to <code>companies.yml</code> or <code>companies/Name.md</code>; put a wrong one on the <code>company_ignore</code> list.",
        "col_evidence": "Evidence",
        "evidence": "Evidence",
        "other_names": "Other names",
        "mentioning_notes": "Notes that mention it",
        "no_company_facts": "No dated facts about this company yet.",
        "related_companies": "Mentioned together",
        "none": "None",
        "missing_lead": "{n} notes are linked to but not written yet: dated names newest first, the rest by references.",
        "missing_title": "This note has not been written yet",
        "col_note": "Note",
        "col_refs": "References",
        "col_from": "Linked from",
        "backlinks": "Notes that link here",
        "date": "Date",
        "author": "Author",
        "source": "Source",
        "mentioned_companies": "Companies mentioned",
        "properties": "Properties",
        "drawing": "Drawing",
        "drawing_text": "Text in the drawing",
        "drawing_empty": "An empty drawing.",
        "canvas": "Canvas",
        "canvas_zoom_in": "Zoom in",
        "canvas_zoom_out": "Zoom out",
        "canvas_fit": "Fit",
        "report_title": "Build problem report",
        "report_warning": "warning",
        "report_info": "info",
        "unpublished": "{n} note(s) not published (publish: false, draft: true, excluded folders)",
    },
}

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def language_code(language: str | None) -> str:
    """``ko``, ``en``...: the primary subtag of ``theme.language`` (``en-GB`` -> ``en``)."""
    code = (language or "ko").replace("_", "-").split("-", 1)[0].casefold()
    return code if code in LABELS else "en"


def labels(language: str | None) -> dict[str, str]:
    return LABELS[language_code(language)]


def period_label(date: str, language: str | None) -> str:
    """The heading of a timeline month or year: ``2025년 1월`` / ``January 2025``."""
    table = labels(language)
    parts = date.split("-")
    if len(parts) >= 2:
        month = int(parts[1])
        return table["period_month"].format(year=parts[0], month=month, month_name=_MONTHS[month - 1])
    return table["period_year"].format(year=parts[0])
