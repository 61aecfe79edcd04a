"""A Korean common noun is never a company: the name filter of company discovery.

Discovery takes a name only next to evidence (a listed ticker, a Korean stock code, a company
suffix); ``vaultsite.names.refusal`` is the second guard.  The tables pin both sides: common
words in every form the notes glue them (particles, verb forms, one syllable) are refused,
and real company names, including compounds of common words, are kept.
"""
from __future__ import annotations

import pytest

from vaultsite.names import common_words, is_company_name, refusal, strip_particle

COMMON = ["속도", "시간", "특징", "원칙", "메모리", "반도체", "주가", "기술", "시스템", "인터페이스",
          "네트워크", "프로토콜", "데이터베이스", "트랜잭션", "알고리즘", "컨트롤러", "변환기", "주파수",
          "인공지능", "그래픽처리장치", "고대역폭", "주가수익비율", "전년", "대비", "시가총액", "달러",
          "운영체제", "입출력", "선입선출", "잠금", "탐색", "트리", "목차", "그룹", "주식회사", "한국은행"]
PARTICLES = ["", "은", "는", "이", "가", "을", "를", "의", "에", "에서", "으로", "로", "와", "과", "도", "만",
             "까지", "부터", "보다", "처럼", "이라는", "에서는"]
REFUSED_FORMS = [
    "위한", "대한", "통한", "관한", "의한", "따른", "같은", "뒤에", "앞에", "마라", "유지하라",
    "수", "것", "등", "때", "가", "메", "X", "1", "005930",
    "처리하는", "분석하기", "설계하여", "정의되는", "효율적인", "구현해서", "서버에서", "사용자에게",
    "The", "This Company", "Holdings", "Inc",
]
NAMES = ["삼성전자", "한미반도체", "에코프로", "에코프로비엠", "LG에너지솔루션", "LIG넥스원", "LS일렉트릭",
         "포스코홀딩스", "한솔케미칼", "솔브레인", "셀트리온", "알테오젠", "삼성바이오로직스", "현대로템",
         "어드반테스트", "한국전력", "현대건설", "대한항공", "한국가스공사", "현대자동차", "미래반도체",
         "카카오페이", "크래프톤", "코스맥스", "루닛", "기아", "하이브", "KT&G", "CJ제일제당",
         "Analog Devices", "Rohm", "Siemens", "Robert Bosch", "STMicroelectronics", "BYD", "Meituan",
         "iRobot", "Snowflake", "Toyota Motor", "Berkshire Hathaway"]


@pytest.mark.parametrize("word", COMMON)
@pytest.mark.parametrize("particle", PARTICLES)
def test_common_words_refused_with_any_particle(word, particle):
    assert refusal(word + particle) is not None


@pytest.mark.parametrize("name", REFUSED_FORMS)
def test_fragments_short_and_verb_forms_refused(name):
    assert refusal(name) is not None


@pytest.mark.parametrize("name", NAMES)
def test_company_names_kept(name):
    assert is_company_name(name), refusal(name)


def test_table_size():
    assert len(COMMON) * len(PARTICLES) + len(REFUSED_FORMS) + len(NAMES) >= 800
    assert {"속도", "시간", "메모리", "반도체", "주가"} <= common_words()


@pytest.mark.parametrize("word, stem", [
    ("한솔케미칼과", "한솔케미칼"), ("셀트리온은", "셀트리온"), ("알테오젠의", "알테오젠"),
    ("삼성바이오로직스에서", "삼성바이오로직스"), ("루닛", "루닛"), ("가나", "가나"),
])
def test_strip_particle(word, stem):
    assert strip_particle(word) == stem
