"""Dated-event extraction: forms, look-alikes, year inference, the real seeds."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultsite.dates import DatedEvent, extract_events

ROOT = Path(__file__).resolve().parents[1]


def pairs(body: str, note_date: str | None = None) -> list[tuple[str, str]]:
    return [(e.date, e.precision) for e in extract_events(body, note_date)[0]]


# --------------------------------------------------------------------------
# Forms that are dates: (snippet, note_date, expected (date, precision)).
# Each snippet holds exactly one date phrase.
# --------------------------------------------------------------------------
FORMS = [
    # numeric, explicit year
    ("2025-03-08 발표", None, ("2025-03-08", "day")),
    ("2025-03-08, [제목](https://example.com/x)", None, ("2025-03-08", "day")),
    ("- 2025-02-26: 엔비디아 실적 발표", None, ("2025-02-26", "day")),
    ("2025.01.28 종가 기준", None, ("2025-01-28", "day")),
    ("기준일 2025.1.5 종가", None, ("2025-01-05", "day")),
    ("발표일은 2025. 2. 21. 이다", None, ("2025-02-21", "day")),
    ("2025/01/28 공시", None, ("2025-01-28", "day")),
    ("작성 2025-06-27T02:20:57+09:00", None, ("2025-06-27", "day")),
    ("R1 was released in 2025-01.", None, ("2025-01", "month")),
    # YY.MM.DD as this user writes it
    ("    - 24.05.17 DeepSeek Ver.2 등장", None, ("2024-05-17", "day")),
    (" - 25.01.20 DeepSeek R1 추론 모델", None, ("2025-01-20", "day")),
    ("출시일 24.12.26 기준", None, ("2024-12-26", "day")),
    # apostrophe years
    ("오픈AI의 GPT-4o(‘24.5 출시)", None, ("2024-05", "month")),
    ("Claude 3.5 Sonnet('24.6 출시)", None, ("2024-06", "month")),
    ("GPU 보유량(‘23)은 2,000장", None, ("2023", "year")),
    # Korean, explicit year
    ("2025년 1월 20일 출시", None, ("2025-01-20", "day")),
    ("2025년1월20일 출시", None, ("2025-01-20", "day")),
    ("2025년 1월 13일, 바이든 행정부는", None, ("2025-01-13", "day")),
    ("2025년 1월 출시", None, ("2025-01", "month")),
    ("2025년 1월, 오픈AI는 o3-미니를 출시", None, ("2025-01", "month")),
    ("2024년 12월에 출시된 V3", None, ("2024-12", "month")),
    ("2025 년 3 월 예정", None, ("2025-03", "month")),
    ("2023년에 분사했다", None, ("2023", "year")),
    ("DeepSeek은 2023년 AI 기반 헤지펀드", None, ("2023", "year")),
    ("1985년 중국 광둥성 출생", None, ("1985", "year")),
    ("2019년부터 투자", None, ("2019", "year")),
    ("2023년 말 기준", None, ("2023", "year")),
    ("2023년도 실적", None, ("2023", "year")),
    ("2024년 상반기 출하", None, ("2024", "year")),
    ("2020년경 시작", None, ("2020", "year")),
    # Korean, year-less: note date (rule 2)
    ("1월 27일 서비스 장애", "2025-02-04", ("2025-01-27", "day")),
    ("이는 1월 28일 엔비디아의 주가가 17% 급락", "2025-02-04", ("2025-01-28", "day")),
    ("12월 3일 발표", "2025-02-21", ("2024-12-03", "day")),
    ("11월 5일 대선", "2025-02-21", ("2024-11-05", "day")),
    ("2월 29일 발표", "2024-03-01", ("2024-02-29", "day")),
    ("1월 출시 이후 인기", "2025-02-04", ("2025-01", "month")),
    ("1월 말, 기술주가 급락했다", "2025-02-04", ("2025-01", "month")),
    ("9월 FOMC에서 인하", "2025-06-27", ("2024-09", "month")),
    ("1월 27일 장애", "2025-02", ("2025-01-27", "day")),
    ("3월 27일 장애", "2025", ("2025-03-27", "day")),
    # slash, year-less
    ("1/24 중국의 R1 발표", "2025-02-01", ("2025-01-24", "day")),
    ("- 1/27 AI 관련주 폭락장", "2025-02-01", ("2025-01-27", "day")),
    ("발표는 3/15 예정", "2025-04-01", ("2025-03-15", "day")),
    ("1/3 첫 거래일", "2025-04-01", ("2025-01-03", "day")),
    # English
    ("Jan 20, 2025 launch", None, ("2025-01-20", "day")),
    ("released January 20, 2025.", None, ("2025-01-20", "day")),
    ("on 20 January 2025 the app", None, ("2025-01-20", "day")),
    ("Dec. 26, 2024 release", None, ("2024-12-26", "day")),
    ("Sept 3rd, 2024 update", None, ("2024-09-03", "day")),
    ("5th June 2023 meeting", None, ("2023-06-05", "day")),
    ("Jan 2025 launch", None, ("2025-01", "month")),
    ("January 2025 launch", None, ("2025-01", "month")),
    ("July, 2024 출시", None, ("2024-07", "month")),
    ("the Jan 27 sell-off", "2025-02-04", ("2025-01-27", "day")),
]


@pytest.mark.parametrize("snippet,note_date,expected", FORMS)
def test_date_forms(snippet, note_date, expected):
    assert pairs(snippet, note_date) == [expected]


def test_enough_forms():
    assert len(FORMS) >= 45


# --------------------------------------------------------------------------
# Look-alikes: no event, whatever the note date.
# --------------------------------------------------------------------------
LOOKALIKES = [
    "훈련비용은 약 1/10 수준이다",
    "o1 사용료 대비 1/20 수준으로",
    "AI 추론 비용은 12개월마다 1/10 수준으로 낮아져왔다",
    "비용이 1/10로 줄었다",
    "Chat-GPT의 투자비용대비 약 1/10에 불과한 비용",
    "전체의 1/3 감소",
    "가격은 1/4 정도",
    "약 1/24 수준",
    "3 1/2 cups",
    "H800 GPU 2,788K 시간 사용, 훈련 비용 557.6만 달러",
    "6710억 개의 매개변수",
    "향후 4년간 5,000억 달러 투자",
    "초기 자본금은 1000만 위안(약 14억 원)",
    "2,048개의 엔비디아 GPU, 16,384개의 H100",
    "DeepSeek V3 출시, DeepSeek Ver.2 등장",
    "제미나이 2.0 Flash 버전",
    "Chat-GPT4.0 의 수준, GPT-4.0 대비",
    "Claude 3.5 Sonnet",
    "기존 1.8조개의 파라미터",
    "주가가 17% 급락, 메모리를 50% 줄이고",
    "오전 10:30 개장, 오후 3시 발표",
    "• AIME 2024: 수학 문제 해결 능력",
    "우리가 얼마전 CES 2025에서 젠슨황이 얘기한 부분",
    "Meta의 Llama 3.1은 16,384개",
    "Windows 2000 서버",
    "불과 1년 6개월 만에, 6개월 뒤",
    "추론 속도를 3배 이상 향상, 앱스토어 1위",
    "애플 실리콘(M1, M2, M3)",
    "Input Cost는 0.55달러",
    "2023년형 모델",
    "이론은 이미 1900년대에 완성",
    "매년 1월 발표되는 보고서",
    "by 00년 새내기",
    "1~2월 중",
    "2월 30일 발표",
    "13월 1일",
    "2025-13-01",
    "macOS 10.12.06 업데이트",
    "Broadcom(AVGO) 및 Marvell(MRVL)",
    "10분의 1 수준, 22국, 28나노",
    "코드 `2025-01-20` 안",
    "```\n2025-01-20 릴리스\n```",
    "<!-- 2025-01-20 -->",
    "![](Pasted%20image%2020250127123720.png)",
    "[링크](/daily-summary/2025-01-25-미국-시황-정리/)",
    "출처 https://example.com/2025/01/28/post",
    '<SiteInfo desc="2024년 1월 27일, 공개"/>',
    "5년내에 등장",
]


@pytest.mark.parametrize("snippet", LOOKALIKES)
def test_lookalikes(snippet):
    events, _ = extract_events(snippet, "2025-02-21")
    assert events == []


def test_enough_lookalikes():
    assert len(LOOKALIKES) >= 25


# --------------------------------------------------------------------------
# Year inference
# --------------------------------------------------------------------------
def test_yearless_without_context_is_unplaced():
    assert extract_events("1월 27일 장애", None) == ([], 1)
    assert extract_events("1/24 R1 발표. 1/27 폭락", None) == ([], 2)


def test_rule3_nearest_explicit_year_before():
    events, unplaced = extract_events("2023년 7월 설립.\n\n이후 11월 5일 R1 공개", None)
    assert [(e.date, e.precision) for e in events] == [("2023-07", "month"), ("2023-11-05", "day")]
    assert unplaced == 0


def test_rule3_only_looks_backwards():
    events, unplaced = extract_events("1/24 R1 발표\n2023년 7월 설립", None)
    assert [e.date for e in events] == ["2023-07"]
    assert unplaced == 1


def test_note_date_beats_earlier_quoted_year():
    body = "2024년 1월 27일, R1 공개.\n\n이는 1월 28일 주가 급락의 원인."
    assert [e.date for e in extract_events(body, "2025-02-04")[0]] == ["2024-01-27", "2025-01-28"]


def test_block_header_sets_year_and_is_an_event():
    body = ("[2025-01-28 미국 시황 정리](/daily-summary/2025-01-28-미국-시황-정리/), DeepSeek\n"
            "\n"
            "실제로, 1월 27일 주요 서비스 장애가 발생.\n"
            "12월 3일 발표된 규제.\n"
            "[[2024-03-02 메모]]\n"
            "1월 5일 회의\n")
    events, unplaced = extract_events(body, "2025-06-27")
    assert [(e.date, e.line) for e in events] == [
        ("2025-01-28", 0), ("2025-01-27", 2), ("2024-12-03", 3), ("2024-03-02", 4), ("2024-01-05", 5)]
    assert events[0].text == "2025-01-28 미국 시황 정리, DeepSeek"
    assert events[3].text == "2024-03-02 메모"
    assert unplaced == 0


def test_block_month_form_and_year_before():
    body = "- 2025-03-08, [리포트](report.pdf)\n    - 2월 출시 제품\n    - 5월 예정\n"
    assert pairs(body, None) == [("2025-03-08", "day"), ("2025-02", "month"), ("2024-05", "month")]


def test_block_ends_at_heading():
    body = "2025-01-28, 시황\n1월 27일 장애\n\n## 회고\n\n1월 27일 장애"
    events, _ = extract_events(body, "2026-02-01")
    assert [e.date for e in events] == ["2025-01-28", "2025-01-27", "2026-01-27"]
    assert events[2].heading == "회고"


def test_same_year_needs_year_in_same_paragraph():
    body = "DeepSeek은 2023년 초기에 모델을 발표했습니다. 같은 해 11월, R1이 공개되었습니다."
    assert pairs(body, "2025-06-27") == [("2023", "year"), ("2023-11", "month")]
    events, unplaced = extract_events("2023년 설립.\n\n같은 해 11월, R1 공개", "2025-06-27")
    assert [e.date for e in events] == ["2023"]
    assert unplaced == 1


def test_garbage_note_date_is_ignored():
    assert extract_events("1월 27일 장애", "sometime") == ([], 1)
    assert pairs("1월 27일 장애", "2025-02-04T09:00:00+09:00") == [("2025-01-27", "day")]


# --------------------------------------------------------------------------
# Event fields
# --------------------------------------------------------------------------
def test_fields_text_heading_offsets():
    body = ("# 제목\n\n## DeepSeek [탄생](x.md)\n\n"
            "서론입니다. **DeepSeek**은 [중국](/c/) 회사로 `코드` 2023년 5월에 설립되었다. ![](img.png) 다음 문장.\n")
    (e,), unplaced = extract_events(body, None)
    assert isinstance(e, DatedEvent)
    assert (e.date, e.precision, e.line, e.heading) == ("2023-05", "month", 4, "DeepSeek 탄생")
    assert body.startswith("2023년 5월", e.start)
    assert e.text == "DeepSeek은 중국 회사로 코드 2023년 5월에 설립되었다."
    assert unplaced == 0


def test_list_item_text_and_no_heading():
    (e,), _ = extract_events("1. 출시 현황\n    - 24.05.17 DeepSeek **Ver.2** 등장\n", None)
    assert (e.text, e.heading, e.line) == ("24.05.17 DeepSeek Ver.2 등장", None, 1)


def test_long_text_is_trimmed_around_the_phrase():
    filler = "가나다라 " * 80
    body = filler + "그리고 2025년 1월 20일 R1이 출시되었다 " + filler
    (e,), _ = extract_events(body, None)
    assert "2025년 1월 20일" in e.text
    assert len(e.text) <= 205
    assert e.text.startswith("…") and e.text.endswith("…")


def test_two_dates_one_sentence_and_dedupe():
    body = "2024년 12월에 V3, 2025년 1월 20일에 R1 출시.\n2024년 12월에 V3, 2025년 1월 20일에 R1 출시."
    events, _ = extract_events(body, None)
    assert [(e.date, e.line) for e in events] == [("2024-12", 0), ("2025-01-20", 0)]
    assert events[0].text == events[1].text


def test_link_target_date_not_doubled():
    body = "[2025-01-25 미국 시황 정리](/daily-summary/2025-01-25-미국-시황-정리/), DeepSeek 쇼크"
    events, _ = extract_events(body, None)
    assert len(events) == 1 and events[0].start == 1


# --------------------------------------------------------------------------
# The real notes
# --------------------------------------------------------------------------
SEED_DIR = ROOT / "tests" / "fixtures" / "seeds"
SEEDS = {  # seed number -> (its page under docs/, note date)
    "000": ("docs/notes/DeepSeek.md", "2025-06-27"),
    "001": ("docs/clippings/딥시크 탄생과 AI 반도체 시장 영향 (티스토리).txt", "2025-02-21"),
    "002": ("docs/clippings/딥시크 넌 누구니 (요즘IT).md", "2025-02-04"),
    "003": ("docs/clippings/AI 시장 딥시크 쇼크 (블로그).txt", None),
    "004": ("docs/clippings/딥시크와 미국 AI 관련주 (블로그).txt", None),
}


def _seed_raw(num: str) -> str:
    (path,) = SEED_DIR.glob(f"{num}_*.txt")
    return path.read_text(encoding="utf-8")


def _strip_front_matter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[end + 5:]
    return text


def _cleaned(text: str) -> str:
    """Roughly what the lead's cleaning produces: no front matter, no hidden
    div, no ``]]`` debris, tab-indented excerpts de-indented."""
    text = _strip_front_matter(text)
    text = re.sub(r'<div style="display:none">.*?</div>\n', "", text, flags=re.S)
    text = text.replace("]]", "")
    text = re.sub(r"(?m)^\t", "", text)
    return re.sub(r"(?m)^ - ", "    - ", text)


@pytest.fixture(params=["cleaned", "raw"])
def seed(request):
    def load(num):
        raw = _seed_raw(num)
        body = _cleaned(raw) if request.param == "cleaned" else _strip_front_matter(raw)
        return body, extract_events(body, SEEDS[num][1])
    return load


def _find(events, date, needle=""):
    return [e for e in events if e.date == date and needle in e.text]


def test_seed_000(seed):
    body, (events, unplaced) = seed("000")
    for date, needle in [("2024-05-17", "Ver.2"), ("2024-12-26", "Ver.3"), ("2025-01-20", "R1"),
                         ("2025-01-25", "미국 시황 정리"), ("2025-01-28", "미국 시황 정리"),
                         ("2025-03-08", "중국의 부상"), ("2023", "설립"),
                         ("2025-01-27", "서비스 장애"), ("2025-01-25", "다운로드"),
                         ("2023-11", "같은 해 11월")]:
        assert _find(events, date, needle), (date, needle)
    header = _find(events, "2025-01-25", "시황")[0]
    assert header.precision == "day" and header.text.startswith("2025-01-25 미국 시황 정리")
    for e in events:
        assert not re.search(r"AIME 2024|CES 2025|1\.8조|6710억", body[e.start:e.start + 12])
    assert {e.date for e in events} <= {
        "2024-05-17", "2024-12-26", "2025-01-20", "2025-01-25", "2025-01-28", "2025-01-29",
        "2025-03-08", "2023", "2023-11", "2025-01", "2025-01-27", "1985", "1989"}
    assert unplaced == 0


def test_seed_001(seed):
    body, (events, unplaced) = seed("001")
    for date, needle in [("2023-05", "설립"), ("2024-12", "V3"), ("2025-01-20", "R1"),
                         ("2024-09", "o1"), ("2025-01", "o3-미니"), ("2025-01-13", "수출 차단"),
                         ("2019", ""), ("2021", ""), ("2023", "분사")]:
        assert _find(events, date, needle), (date, needle)
    assert not any("수준" in body[e.start:e.start + 10] for e in events)
    assert not any(body[e.start:e.start + 4] in ("1/10", "1/20") for e in events)
    assert unplaced == 0


def test_seed_002(seed):
    _, (events, unplaced) = seed("002")
    assert [e.date for e in events] == ["2024-01-27", "2023", "2025-01-28"]
    assert "17% 급락" in events[2].text
    assert events[2].heading == "의도치 않은 혁신의 촉매제"
    assert unplaced == 0


def test_seed_003(seed):
    _, (events, unplaced) = seed("003")
    assert events == [] and unplaced == 0


def test_seed_004(seed):
    _, (events, unplaced) = seed("004")
    assert [(e.date, e.precision) for e in events] == [("2023-07", "month")]
    assert unplaced == 2  # 1/24 and 1/27: no note date, no year before them


# --------------------------------------------------------------------------
# Robustness
# --------------------------------------------------------------------------
_TOKENS = list("0123456789 ./-:,~'‘’()[]!#*`_<>\n\t년월일해같은그약수준에의 JanMayDecs|%") + [
    "CES ", "](", "```", "<!--", "-->", "[[", "]]", "2025", "1월", "- ", "## "]


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=80).map("".join) | st.text(max_size=200),
       st.sampled_from([None, "2025-02-04", "2024-02-29", "2025-06", "2023", "x", ""]))
def test_never_raises(body, note_date):
    events, unplaced = extract_events(body, note_date)
    assert unplaced >= 0
    for e in events:
        assert 0 <= e.start < len(body)
        assert e.line == body.count("\n", 0, e.start)
        assert e.precision in ("day", "month", "year")
        assert len(e.text) <= 260


def test_huge_single_line_dedupes():
    # Speed is the benchmark's job (tests/bench/); here only the result on a huge line.
    unit = "2025년 1월 20일 출시. 1월 27일 장애, 약 1/10 수준. "
    events, _ = extract_events(unit * 4000, "2025-02-04")
    assert len(events) == 2  # one sentence: identical (date, text) pairs dedupe


# --------------------------------------------------------------------------
# Not events: metadata, data tables, file names, versions, date-only lines
# --------------------------------------------------------------------------
NOT_FACTS = [
    "작성 날짜: 2023-11-15",
    "작성일: 2024.03.02",
    "작성일자 : 2024년 3월 2일",
    "> 작성일: 2023-11-15 | 수정일: 2024-01-04",
    "- **수정일**: 2024-01-04",
    "최종 수정: 2024-04-03",
    "업데이트: 2024년 1월 4일",
    "created: 2023-05-10",
    "Created: 2024-02-01",
    "updated:: 2024-01-22",
    "Last updated: 2024-03-15",
    "Date: January 22, 2024",
    "Posted on January 3, 2024",
    "---\ntitle: x\ndate: 2024-01-22\n---\n본문",
    "## 2024-02-05",
    "### 2024년 3월 15일 (금)",
    "2024. 3. 5. 14:22",
    "**2023.11.15**",
    "2023-11-15 작성",
    "[[2024-01-03]]",
    "Build 2024.03.15 is tagged.",
    "릴리스 태그는 v2024.01.15 처럼 붙인다.",
    "버전 2024.01.15 배포",
    "Version 2024-01-15 notes",
    "파일: backup_2024-03-15.tar.gz, 회의록-2024-02-01.md, 2024-02-01.md",
    "Daily notes are named like 2024-01-22.md.",
    "스크린샷 2024-03-15.png 참고",
    "| 날짜 | 종가 | 거래량 |\n|---|---|---|\n| 2024-12-02 | 1,401.3 | 8.2 |\n| 2024-12-27 | 1,467.5 | 9.9 |",
    "| 구분 | 2023년 3분기 | 2024년 3분기 |\n| --- | --- | --- |\n| 매출 | 67.4조 | 79.1조 |",
    "| 항목 | 값 |\n|---|---|\n| 작성일 | 2023-11-15 |\n| 저자 | 홍길동 |",
    "| 항목 | 값 |\n|---|---|\n| 작성일 | 2023-11-15 |",
]


@pytest.mark.parametrize("body", NOT_FACTS)
def test_not_facts(body):
    events, unplaced = extract_events(body, "2024-04-01")
    assert [(e.date, e.text) for e in events] == []


def test_metadata_words_in_prose_still_count():
    """Only a metadata *line* is metadata: the same words in a sentence are prose."""
    body = "최종 수정안은 2024년 3월 5일 국회를 통과했다.\n출시일: 2025-01-20"
    assert [e.date for e in extract_events(body, None)[0]] == ["2024-03-05", "2025-01-20"]


def test_chronology_table_rows_are_events_with_row_text():
    body = ("| 날짜 | 사건 |\n|------|------|\n| 1993-04-05 | 엔비디아 창업 |\n| 2006-11 | CUDA 공개 |\n"
            "| 1994년 9월 | 대만 증시 상장 (1994년) |\n\n본문 2024년 6월 18일 1위.")
    events, _ = extract_events(body, None)
    assert [(e.date, e.text) for e in events] == [
        ("1993-04-05", "1993-04-05 · 엔비디아 창업"),
        ("2006-11", "2006-11 · CUDA 공개"), ("1994-09", "1994년 9월 · 대만 증시 상장 (1994년)"),
        ("2024-06-18", "본문 2024년 6월 18일 1위.")]


def test_chronology_with_date_in_second_column():
    body = "| 버전 | 출시일 | 변경 |\n|---|---|---|\n| 1.0.0 | 2023-01-10 | 첫 공개 |\n| 2.0.0 | 2024-02-20 | API 정리 |"
    assert [(e.date, e.text) for e in extract_events(body, None)[0]] == [
        ("2023-01-10", "1.0.0 · 2023-01-10 · 첫 공개"), ("2024-02-20", "2.0.0 · 2024-02-20 · API 정리")]


def test_date_only_heading_dates_what_follows():
    body = "## 2024-02-05\n\nThe boards arrived on Feb 7.\n\n## 2024-12-30\n\n- 1월 3일 출시 예정"
    events, unplaced = extract_events(body, "2023-01-01")
    assert [e.date for e in events] == ["2024-02-07", "2025-01-03"]
    assert unplaced == 0


def test_day_soon_after_the_note_date_is_that_year():
    body = "다음 주 1월 29일 FOMC, 1월 30일 실적 발표.\n\n작년 3월 2일 일은 잊자."
    assert [e.date for e in extract_events(body, "2025-01-25")[0]] == ["2025-01-29", "2025-01-30", "2024-03-02"]
    assert [e.date for e in extract_events("1월 5일 CES 개막", "2024-12-28")[0]] == ["2025-01-05"]
    assert [e.date for e in extract_events("2월 20일 발표", "2025-01-25")[0]] == ["2024-02-20"]


def test_list_item_keeps_its_label():
    (e,), _ = extract_events("- 한미반도체(042700): TC본더 공급. 2017년부터 납품했다.\n", None)
    assert e.text == "한미반도체(042700): TC본더 공급. 2017년부터 납품했다."


def test_company_suffix_does_not_end_the_sentence():
    (e,), _ = extract_events("Before. AMD completed its acquisition of Xilinx, Inc. in February 2022", None)
    assert e.text == "AMD completed its acquisition of Xilinx, Inc. in February 2022"


def test_korean_years_before_1900():
    assert pairs("옴의 법칙은 1827년 발표됐다. 1847년 10월 설립.", None) == [("1827", "year"), ("1847-10", "month")]


@pytest.mark.parametrize("text, found", [
    # Each pattern's "not preceded by" check, at the text's start and after a blocking
    # character (the check sits after the first character: see datepatterns).
    ("2025-01-28", True), ("x2025-01-28", False), ("v2025-01", False), ("2025-01", True),
    ("24.05.17 ", True), ("a24.05.17 ", False), ("(24.05.17)", True),
    ("'24.5 ", True), ("a'24.5 ", False), ("‘23)", True),
    ("2025년 1월 20일", True), ("12025년 1월", False), ("1999년에", True), ("x1999년에", False),
    ("그해 3월 5일", True), ("가그해 3월", False), ("같은 해 11월", True), ("다같은 해 11월", False),
    ("3월 5일", True), ("x3월 5일", False),
    ("Jan 20, 2025", True), ("aJan 20, 2025", False), ("20 January 2025", True),
    (".20 January 2025", False), ("Mar 2024", True), ("XMar 2024", False), ("May 5", True),
    ("1/24 ", True), ("a1/24 ", False),
])
def test_pattern_boundaries(text, found):
    from vaultsite.datepatterns import candidates

    # where the date starts: after the opening bracket, or after the blocking character
    start = 1 if not found or text.startswith("(") else 0
    got = [c for c in candidates(text) if c.start == start]
    assert bool(got) == found, (text, list(candidates(text)))
