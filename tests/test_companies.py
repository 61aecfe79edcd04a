"""Tests for the company registry and mention matcher (vaultsite.companies).

The matcher decides which pages get linked to which company, so the tables
below pin both directions: the ways the user really writes names (particles,
misspellings, tickers) must be found, and the look-alikes (메타데이터,
애플리케이션, metadata, ms, URLs, code) must not, since a wrong link is worse
than a missing one.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultsite.companies import Company, Mention, Registry, mask_prose


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry.load()


def ids(reg: Registry, text: str) -> list[str]:
    return [m.company_id for m in reg.find_mentions(text)]


def surfaces(reg: Registry, text: str) -> list[tuple[str, str]]:
    return [(m.company_id, m.surface) for m in reg.find_mentions(text)]


# --------------------------------------------------------------------------
# Korean particles: the name is found, the particle is not part of the surface
# --------------------------------------------------------------------------

PARTICLES = [
    ("엔비디아의 H100", "nvidia", "엔비디아"),
    ("딥시크는 중국 기업", "deepseek", "딥시크"),
    ("메타가 투자했다", "meta", "메타"),
    ("오픈AI와 경쟁", "openai", "오픈AI"),
    ("삼성전자로부터 공급", "samsung-electronics", "삼성전자"),
    ("애플이 발표", "apple", "애플"),
    ("구글에서 공개", "alphabet", "구글"),
    ("마이크로소프트, 아마존 등", "microsoft", "마이크로소프트"),
    ("텐센트와 같은", "tencent", "텐센트"),
    ("인텔을 제치고", "intel", "인텔"),
    ("마이크론보다 빠르게", "micron", "마이크론"),
    ("브로드컴까지 올랐다", "broadcom", "브로드컴"),
    ("SK하이닉스에게는", "sk-hynix", "SK하이닉스"),
    ("하이닉스에서는 HBM", "sk-hynix", "하이닉스"),
    ("화웨이처럼 자체 칩", "huawei", "화웨이"),
    ("앤트로픽이라는 회사", "anthropic", "앤트로픽"),
    ("알리바바도 참전", "alibaba", "알리바바"),
    ("바이두만 빠졌다", "baidu", "바이두"),
    ("테슬라부터 보자", "tesla", "테슬라"),
    ("퀄컴으로부터 라이선스", "qualcomm", "퀄컴"),
    ("넷플릭스가 비디오 가게를", "netflix", "넷플릭스"),
    ("엔비디아향 HBM", "nvidia", "엔비디아"),
    ("애플사의 앱스토어", "apple", "애플"),
    ("소프트뱅크랑 오픈AI", "softbank", "소프트뱅크"),
    ("JPMorgan은 비중확대", "jpmorgan", "JPMorgan"),
    ("High-Flyer의 자회사", "high-flyer", "High-Flyer"),
    ("Anthropic의 Claude", "anthropic", "Anthropic"),
    ("DeepSeek사태를 통해", "deepseek", "DeepSeek"),
    ("하이플라이어(High-Flyer)", "high-flyer", "하이플라이어"),
    ("엔비디아.", "nvidia", "엔비디아"),
]


@pytest.mark.parametrize("text,cid,surface", PARTICLES)
def test_particles(reg, text, cid, surface):
    """The first mention is the company, and its surface stops before the
    particle (links must cover the name, not 엔비디아의)."""
    found = reg.find_mentions(text)
    assert found, text
    assert (found[0].company_id, found[0].surface) == (cid, surface)
    assert text[found[0].start:found[0].end] == surface


# --------------------------------------------------------------------------
# Look-alikes: never a company
# --------------------------------------------------------------------------

NOT_COMPANIES = [
    "메타데이터를 정리",
    "메타버스 관련주",
    "메타인지 능력",
    "애플리케이션 전용 집적 회로",
    "인텔리전스가 높다",
    "삼성동 코엑스",
    "구글링해서 찾았다",
    "아마존강 유역",
    "카카오톡 메시지",
    "올메타 라는 말",
    "metadata is stored",
    "the meta question",
    "Metaverse hype",
    "amazing results",
    "an apple pie",
    "arm and leg",
    "latency of 10 ms and 3ms",
    "open AI ecosystems",
    "to scale AI workloads",
    "perplexity of the model",
    "the oracle problem",
    "intel on the ground",
    "a micron of dust",
    "see https://www.nvidia.com/en-us/ for specs",
    "visit nvidia.com or x.ai",
    "mail press@nvidia.com",
    "`NVIDIA` in code",
    "```\nimport nvidia\nDeepSeek()\n```",
    "[link](https://nvidia.com/DeepSeek)",
    "[link](notes/엔비디아.md)",
    "[[엔비디아]]",
    "[[DeepSeek#R1|R1 모델]]",
    "<div class=\"Nvidia\"></div>",
    "<!-- 엔비디아 -->",
    "file at /ai/deepseek/articles/README.md",
    "ChatGPT, GPT-4o, Chat GPT, Llama, Gemini, Claude",
    "Stargate Project",
    "DeepSeekMoE와 DeepSeekMLA",
    "CRM 솔루션과 GS건설",
    "nvda goog msft",
]


@pytest.mark.parametrize("text", NOT_COMPANIES)
def test_look_alikes_do_not_match(reg, text):
    """Ordinary words, products, code and link targets are not mentions."""
    assert reg.find_mentions(text) == []


def test_link_text_and_wikilink_alias_still_match(reg):
    """Only targets are skipped: the visible text of a link is prose."""
    assert surfaces(reg, "[엔비디아](notes/nvidia.md)") == [("nvidia", "엔비디아")]
    assert surfaces(reg, "[[NVIDIA|앤비디아]]") == [("nvidia", "앤비디아")]


def test_angle_bracket_prose_is_not_a_tag(reg):
    """Notes put headings in <…>; only real tags (lower-case HTML, or a
    component with attributes) are markup."""
    assert ids(reg, "<Nvidia vs AMD 비교>") == ["nvidia", "amd"]
    assert ids(reg, "<SiteInfo\n  name=\"딥시크\"/>엔비디아") == ["nvidia"]
    assert ids(reg, "<a href=\"x\">Nvidia</a>") == ["nvidia"]


def test_leading_rule_is_not_front_matter(reg):
    """A body that starts with a thematic break keeps its prose."""
    assert ids(reg, "---\n엔비디아 본문\n---\n애플") == ["nvidia", "apple"]


def test_front_matter_is_not_prose(reg):
    text = "---\ntags: [deepseek, meta]\nicon: icon-deepseek\n---\nDeepSeek 본문"
    assert [(m.surface, m.start) for m in reg.find_mentions(text)] == [
        ("DeepSeek", text.index("DeepSeek 본문"))]


# --------------------------------------------------------------------------
# Tickers, case and the deliberate "MS" rule
# --------------------------------------------------------------------------

CASES = [
    ("MSFT, AMZN, GOOGL 등은", [("microsoft", "MSFT"), ("amazon", "AMZN"), ("alphabet", "GOOGL")]),
    ("GOOG and GOOGL", [("alphabet", "GOOG"), ("alphabet", "GOOGL")]),
    ("META와 Meta와 메타", [("meta", "META"), ("meta", "Meta"), ("meta", "메타")]),
    ("Nvidia NVIDIA nvidia", [("nvidia", "Nvidia"), ("nvidia", "NVIDIA"), ("nvidia", "nvidia")]),
    ("deepseek DEEPSEEK", [("deepseek", "deepseek"), ("deepseek", "DEEPSEEK")]),
    ("AMD amd", [("amd", "AMD")]),
    ("Arm ARM arm", [("arm", "Arm"), ("arm", "ARM")]),
    ("MS의 Azure, MS-DOS", [("microsoft", "MS"), ("microsoft", "MS")]),
    ("ms MSc 3MS", []),
    ("삼성전자(005930) 주가", [("samsung-electronics", "삼성전자"), ("samsung-electronics", "005930")]),
    ("SK하이닉스 000660", [("sk-hynix", "SK하이닉스"), ("sk-hynix", "000660")]),
    ("Broadcom(AVGO) 및 Marvell(MRVL)과", [("broadcom", "Broadcom"), ("broadcom", "AVGO"),
                                          ("marvell", "Marvell"), ("marvell", "MRVL")]),
    ("엔비디아(NVDA): GPU", [("nvidia", "엔비디아"), ("nvidia", "NVDA")]),
    ("Meta Platforms Inc.의 최고 제품", [("meta", "Meta Platforms Inc.")]),
    ("구글 딥마인드의 CEO", [("google-deepmind", "구글 딥마인드")]),
    ("삼성SDI와 삼성전기", [("samsung-sdi", "삼성SDI")]),
    ("xAI XAI", [("xai", "xAI")]),
    ("Amazon.com and AWS", [("amazon", "Amazon.com"), ("amazon", "AWS")]),
    ("Open  AI", [("openai", "Open  AI")]),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_tickers_and_case(reg, text, expected):
    """Tickers and acronyms only in capitals; ordinary-word names (Meta, Arm,
    Apple) only as written; everything else in any case; longest alias wins
    (Meta Platforms Inc. over Meta, 구글 딥마인드 over 구글)."""
    assert surfaces(reg, text) == expected


MISSPELLINGS = [
    ("NVDIA의 주력 GPU", "nvidia"),
    ("NVIDA가 게임용", "nvidia"),
    ("앤비디아의 H800", "nvidia"),
    ("Nvida stock", "nvidia"),
    ("Deekseek의 도전", "deepseek"),
    ("Deep Seek(딥시크)란?", "deepseek"),
    ("Open AI o1 성능", "openai"),
    ("오픈 AI의 모델", "openai"),
    ("Iflytek의 주가", "iflytek"),
    ("하이 플라이어 퀀트에서 분사", "high-flyer"),
    ("JP모건은", "jpmorgan"),
    ("J.P. Morgan said", "jpmorgan"),
    ("Meta Platforms", "meta"),
    ("페이스북이 AI로", "meta"),
]


@pytest.mark.parametrize("text,cid", MISSPELLINGS)
def test_misspellings_and_variants(reg, text, cid):
    """The registry carries the user's real misspellings (seen in the seeds)."""
    assert ids(reg, text)[:1] == [cid]


def test_chatgpt_is_not_openai(reg):
    """Products are not companies: only the company name counts."""
    assert surfaces(reg, "OpenAI의 ChatGPT와 GPT-4o") == [("openai", "OpenAI")]


# --------------------------------------------------------------------------
# Seeds
# --------------------------------------------------------------------------

SEED_DIR = Path(__file__).parent / "fixtures" / "seeds"
SEED_EXPECT = {
    "000": {"deepseek", "openai", "meta", "microsoft", "amazon", "alphabet", "nvidia",
            "broadcom", "marvell", "asml", "iflytek", "high-flyer", "alibaba", "baidu",
            "tencent", "jpmorgan", "scale-ai"},
    "001": {"openai", "microsoft", "amazon", "anthropic", "high-flyer", "nvidia", "alphabet",
            "deepseek"},
    "002": {"meta", "nvidia", "openai", "anthropic", "deepseek"},
    "003": {"nvidia", "alphabet", "apple", "meta", "openai", "deepseek"},
    "004": {"nvidia", "deepseek"},
}


def _seed(prefix: str) -> str:
    (path,) = SEED_DIR.glob(f"{prefix}_*")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("prefix", sorted(SEED_EXPECT))
def test_seed_files(reg, prefix):
    """Every company the seed notes talk about is found in them."""
    text = _seed(prefix)
    found = set(ids(reg, text))
    assert SEED_EXPECT[prefix] <= found, SEED_EXPECT[prefix] - found


SEED_EXCERPTS = [
    # 000: the way that note writes things
    ("특히 MSFT, AMZN, GOOGL 등은 이미", {"microsoft", "amazon", "alphabet"}),
    ("API 비용이 o1의 5% / 메타 LLaMA의 4%에 불과", {"meta"}),
    ("• 알리바바, 바이두, 텐센트와 같은 중국 대기업들은", {"alibaba", "baidu", "tencent"}),
    ("Broadcom(AVGO) 및 Marvell(MRVL)과 같은 맞춤형 애플리케이션 전용 집적 회로(ASIC)",
     {"broadcom", "marvell"}),
    ("AI 퀀트 헤지펀드인 하이플라이어(High-Flyer)의 대표 량원펑", {"high-flyer"}),
    ("Scale AI CEO인 알렉산더 왕은", {"scale-ai"}),
    ("Nvidia와 ASML 같은 AI 하드웨어 기업들의 주가는 하락했으나, DeepSeek과 연관된 "
     "중국 기업(예: Iflytek)의 주가는", {"nvidia", "asml", "deepseek", "iflytek"}),
    # 001
    ("오픈AI의 GPT-4o(‘24.5 출시), Anthropic의 Claude 3.5", {"openai", "anthropic"}),
    ("마이크로소프트, 아마존 등은 오픈AI에 대한 의존도를", {"microsoft", "amazon", "openai"}),
    # 002
    ("이는 메타가 AI 개발에 투입한 비용", {"meta"}),
    ("OpenAI와 엔비디아를 한 번에 격침한 꼴", {"openai", "nvidia"}),
    # 003
    ("- 메타(페이스북): AI 훈련과 추론 비용이", {"meta"}),
    ("- 엔비디아(NVDA): GPU 독점 기술이", {"nvidia"}),
    # 004
    ("고성능 GPU (NVDIA의 주력 AI용 GPU Chip들)", {"nvidia"}),
    ("불거진 앤비디아를 비롯한 Open AI, Meta, Google 등에 대한 우려",
     {"nvidia", "openai", "meta", "alphabet"}),
]


@pytest.mark.parametrize("text,expected", SEED_EXCERPTS)
def test_seed_excerpts(reg, text, expected):
    """The same checks without the seed files: exactly these companies."""
    assert set(ids(reg, text)) == expected


# --------------------------------------------------------------------------
# Discovery
# --------------------------------------------------------------------------

DISCOVER = [
    # a ticker with its exchange
    ("Foo Corp (NYSE: FOO) 실적 발표", ("Foo", "FOO", "NYSE", "US")),
    ("Snowflake (Nasdaq: SNOW)", ("Snowflake", "SNOW", "NASDAQ", "US")),
    ("iRobot (NASDAQ: IRBT)", ("iRobot", "IRBT", "NASDAQ", "US")),
    ("현대로템(KRX: 064350)은", ("현대로템", "064350", "KRX", "KR")),
    ("Berkshire Hathaway Inc. (NYSE: BRK.B)", ("Berkshire Hathaway", "BRK.B", "NYSE", "US")),
    # a numeric code with its exchange suffix
    ("Meituan (3690.HK)은", ("Meituan", "3690.HK", "HKEX", "HK")),
    ("어드반테스트(6857.T)는", ("어드반테스트", "6857.T", "TSE", "JP")),
    ("솔브레인(357780.KQ)이", ("솔브레인", "357780.KQ", "KOSDAQ", "KR")),
    ("Hyundai Motor (005380.KS)", ("Hyundai Motor", "005380.KS", "KRX", "KR")),
    # a six-digit Korean code after a name
    ("한화에어로스페이스(012450) 급등", ("한화에어로스페이스", "012450", "KRX", "KR")),
    ("LG에너지솔루션(373220)은", ("LG에너지솔루션", "373220", "KRX", "KR")),
    ("에코프로(086520)와", ("에코프로", "086520", "KRX", "KR")),
    ("한국전력(015760)", ("한국전력", "015760", "KRX", "KR")),
    # a company suffix
    ("Analog Devices, Inc.는", ("Analog Devices", None, None, None)),
    ("Rohm Co., Ltd.는 2009년", ("Rohm", None, None, None)),
    ("Siemens AG는 1847년", ("Siemens", None, None, None)),
    ("보쉬(Robert Bosch GmbH)가", ("Robert Bosch", None, None, None)),
    ("STMicroelectronics N.V.가 만든다", ("STMicroelectronics", None, None, None)),
    ("Barclays plc reported", ("Barclays", None, None, None)),
    ("Atmel Corporation 인수", ("Atmel", None, None, None)),
    ("(주)한솔케미칼과 공급", ("한솔케미칼", None, None, None)),
    ("㈜코스맥스의 공장", ("코스맥스", None, None, None)),
    ("주식회사 루닛은", ("루닛", None, None, None)),
    ("미래반도체(주) 본사", ("미래반도체", None, None, None)),
    ("미래반도체(주)는 상장사다", ("미래반도체", None, None, None)),
    ("NAVER(035420)... 아니, KT&G(033780)", ("KT&G", "033780", "KRX", "KR")),
    ("포스코홀딩스는 리튬", ("포스코홀딩스", None, None, None)),
]


@pytest.mark.parametrize("text,expected", DISCOVER)
def test_discover(reg, text, expected):
    """A name with evidence of a listing or a company suffix gives a new company, flagged as
    discovered, with the sentence as evidence."""
    found = reg.discover(text)
    assert len(found) == 1, [c.name for c in found]
    c = found[0]
    assert (c.name, c.tickers[0] if c.tickers else None, c.exchange, c.country) == expected
    assert c.discovered and c.id and c.id == c.id.lower() and c.id.isascii()
    assert c.evidence and c.name in c.evidence
    assert reg.get(c.id) is None  # returned, not added


NOT_DISCOVERED = [
    "Broadcom(AVGO) 및 Marvell(MRVL)과",  # known names and tickers
    "엔비디아(NVDA): GPU",
    "Marvell (NASDAQ: MRVL)",
    "텐센트(0700) 주가",
    "소프트뱅크그룹(9984.T)은",  # a known ticker
    "Samsung Electronics Co., Ltd. (005930.KS)",
    "Meta Platforms Inc.의",
    # Name(ABBR) is a term, never a listing
    "Bank of America(BAC)는 금리",
    "코스트코(COST) 실적",
    "Multi-head Latent Attention(MLA)",
    "거대언어모델(LLM) 강화학습(RL) 감독 학습(SFT)",
    "Mixture of Experts(MoE)",
    "속도(HZ), 특징(ACID), 시간(RT), 위한(VCS), 원칙(LSP), 뒤에(YYYY)",
    "Canadian Dollars (CAD) and Counter Mode (CTR)",
    "고대역폭 메모리(HBM), 그래픽처리장치(GPU), 인공지능(AI), 주가수익비율(PER), 전년 동기 대비(YoY)",
    "목록(A) 항목",
    # evidence forms around common words
    "반도체(000660) 업황",
    "메모리(KRX: 005930)",
    "주식회사는 주식을 발행하는 회사다.",
    "그룹사와 계열사, 지주회사",
    "기간(202312) 기준",  # a year-month, not a code
    "Siemens PLC S7-1200",  # PLC: a controller
    "주식회사 설립 절차와 주식회사 이사회, 주식회사 형태로",  # 주식회사 in general
    "주식회사의 기관은 주주총회다.",
    "Part No(123456) and Model(102030)",  # part numbers
    "(주)는 주식회사의 약자",
    "The Inc. magazine",
    "`Foo Corp (NYSE: FOO)`",  # code
]


@pytest.mark.parametrize("text", NOT_DISCOVERED)
def test_discover_skips(reg, text):
    assert [c.name for c in reg.discover(text)] == []


def test_discover_dedupes_and_can_be_added():
    """One company per name; once added it is known and is matched, case-sensitively."""
    reg = Registry.load()
    text = "Foo Corp (NYSE: FOO) 그리고 다시 Foo Corp (NYSE: FOO)"
    found = reg.discover(text)
    assert [(c.name, c.tickers) for c in found] == [("Foo", ["FOO"])]
    reg.add(found[0])
    assert reg.discover(text) == []
    assert ids(reg, "Foo Corp의 실적, FOO 급등, foo는 아님") == ["foo", "foo"]


def test_exchange_suffixed_ticker_is_a_mention(reg):
    """A registry ticker written with its exchange suffix names the company."""
    assert surfaces(reg, "소프트뱅크그룹(9984.T)은") == [("softbank", "9984.T")]
    assert ids(reg, "(005930.KS)") == ["samsung-electronics"]
    assert ids(reg, "오전 0700 기상, 8035 포인트") == []


# Programming and electrical-engineering vocabulary written as "용어(ABBR)", the way a study
# vault writes it, hundreds of times: no company may come out of it.
TERMS = [
    ("속도", "HZ"), ("특징", "ACID"), ("시간", "RT"), ("위한", "VCS"), ("원칙", "LSP"), ("원칙", "SRP"),
    ("뒤에", "YYYY"), ("응답 시간", "RT"), ("반환 시간", "TAT"), ("선입선출", "FIFO"), ("라운드 로빈", "RR"),
    ("전송 제어 프로토콜", "TCP"), ("사용자 데이터그램 프로토콜", "UDP"), ("최대 전송 단위", "MTU"),
    ("왕복 시간", "RTT"), ("서비스 품질", "QOS"), ("주소 결정 프로토콜", "ARP"), ("도메인 이름 시스템", "DNS"),
    ("동시성 제어", "CC"), ("다중 버전 동시성 제어", "MVCC"), ("관계형 데이터베이스", "RDBMS"),
    ("구조적 질의 언어", "SQL"), ("객체 관계 매핑", "ORM"), ("응용 프로그램 인터페이스", "API"),
    ("단일 책임 원칙", "SRP"), ("개방-폐쇄 원칙", "OCP"), ("리스코프 치환 원칙", "LSP"),
    ("인터페이스 분리 원칙", "ISP"), ("의존관계 역전 원칙", "DIP"), ("버전 관리 시스템", "VCS"),
    ("지속적 통합", "CI"), ("지속적 배포", "CD"), ("테스트 주도 개발", "TDD"), ("도메인 주도 설계", "DDD"),
    ("가상 머신", "VM"), ("운영체제", "OS"), ("중앙처리장치", "CPU"), ("그래픽처리장치", "GPU"),
    ("메모리", "RAM"), ("읽기 전용 메모리", "ROM"), ("직접 메모리 접근", "DMA"), ("메모리 관리 장치", "MMU"),
    ("변환 색인 버퍼", "TLB"), ("실시간 운영체제", "RTOS"), ("인터럽트 서비스 루틴", "ISR"),
    ("범용 입출력", "GPIO"), ("직렬 주변장치 인터페이스", "SPI"), ("내부 집적 회로", "IIC"),
    ("범용 비동기 송수신기", "UART"), ("펄스 폭 변조", "PWM"), ("아날로그-디지털 변환기", "ADC"),
    ("디지털-아날로그 변환기", "DAC"), ("신호 대 잡음비", "SNR"), ("유효 비트 수", "ENOB"),
    ("축차 비교형", "SAR"), ("위상 고정 루프", "PLL"), ("전압 제어 발진기", "VCO"),
    ("절연 게이트 양극성 트랜지스터", "IGBT"), ("금속 산화막 반도체 전계효과 트랜지스터", "MOSFET"),
    ("탄화규소", "SIC"), ("질화갈륨", "GAN"), ("역률 보정", "PFC"), ("최대 전력점 추적", "MPPT"),
    ("무정전 전원 장치", "UPS"), ("키르히호프 전류 법칙", "KCL"), ("키르히호프 전압 법칙", "KVL"),
    ("프로그래머블 로직 컨트롤러", "PLC"), ("래더 다이어그램", "LD"), ("감시 제어 및 데이터 수집", "SCADA"),
    ("인간-기계 인터페이스", "HMI"), ("컨트롤러 영역 네트워크", "CAN"), ("블루투스 저에너지", "BLE"),
    ("인쇄 회로 기판", "PCB"), ("표면 실장 소자", "SMD"), ("전자기 간섭", "EMI"), ("전자기 적합성", "EMC"),
    ("현장 프로그래머블 게이트 어레이", "FPGA"), ("주문형 반도체", "ASIC"), ("시스템 온 칩", "SOC"),
    ("고대역폭 메모리", "HBM"), ("극자외선", "EUV"), ("원자층 증착", "ALD"), ("화학 기계 연마", "CMP"),
    ("실리콘 관통 전극", "TSV"), ("게이트 올 어라운드", "GAA"), ("인공지능", "AI"), ("기계 학습", "ML"),
    ("합성곱 신경망", "CNN"), ("순환 신경망", "RNN"), ("장단기 메모리", "LSTM"), ("강화 학습", "RL"),
    ("자연어 처리", "NLP"), ("동적 계획법", "DP"), ("너비 우선 탐색", "BFS"), ("깊이 우선 탐색", "DFS"),
    ("최소 신장 트리", "MST"), ("이진 탐색 트리", "BST"), ("해시 테이블", "HT"), ("균형 이진 트리", "AVL"),
    ("이벤트 루프", "EL"), ("전역 인터프리터 잠금", "GIL"), ("입출력", "IO"), ("가상 사설 클라우드", "VPC"),
    ("콘텐츠 전송 네트워크", "CDN"), ("로드 밸런서", "LB"), ("가용 영역", "AZ"), ("오토 스케일링 그룹", "ASG"),
    ("서비스형 인프라", "IAAS"), ("서비스형 소프트웨어", "SAAS"), ("관심사의 분리", "SOC"),
    ("반복하지 마라", "DRY"), ("단순하게 유지하라", "KISS"), ("목차", "TOC"), ("시간 복잡도", "TC"),
]
EN_TERMS = [
    "Canadian Dollars (CAD)", "Counter Mode (CTR)", "Galois/Counter Mode (GCM)", "Pulse Width Modulation (PWM)",
    "Analog to Digital Converter (ADC)", "Printed Circuit Board (PCB)", "Real Time Clock (RTC)",
    "Universal Serial Bus (USB)", "Serial Peripheral Interface (SPI)", "Electromagnetic Interference (EMI)",
    "Field Programmable Gate Array (FPGA)", "Compound Annual Growth Rate (CAGR)", "Return on Equity (ROE)",
    "Domain Name System (DNS)", "Transmission Control Protocol (TCP)", "Representational State Transfer (REST)",
    "Secure Shell (SSH)", "Central Processing Unit (CPU)", "Random Access Memory (RAM)", "US Dollars (USD)",
]


def test_study_vault_of_terms_discovers_no_company(tmp_path):
    """Hundreds of 용어(ABBR) forms, with particles, in lists, tables and prose, over many notes
    of a programming/EE study vault: no discovered company, through the real core build."""
    from vaultsite.build import Cache, build_vault, scan_dir

    particles = ["", "은", "는", "의", "를", "이", "가", "와", "로"]
    for n in range(12):
        lines = [f"# 공부 노트 {n}", ""]
        for i, (term, abbr) in enumerate(TERMS):
            p = particles[(i + n) % len(particles)]
            shape = (i + n) % 4
            if shape == 0:
                lines.append(f"- {term}({abbr}){p} 정리")
            elif shape == 1:
                lines.append(f"{term} ({abbr}){p} 중요하다. 시험에 나온다.")
            elif shape == 2:
                lines.append(f"| {term}({abbr}) | 설명 |")
            else:
                lines.append(f"**{term}({abbr})**{p} 다음 장에서 다룬다.")
        lines += [f"- {t}" for t in EN_TERMS]
        (tmp_path / f"note{n:02d}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(TERMS) * 12 + len(EN_TERMS) * 12 >= 1000
    vault = build_vault(scan_dir(str(tmp_path)), Cache())
    assert [c.name for c in vault.registry.companies() if c.discovered] == []


def test_ignore_list_drops_discovered_companies():
    """``company_ignore`` (names, ids or tickers) keeps a discovered company out of the vault."""
    from vaultsite.build import Source, build_vault

    text = "Snowflake (NYSE: SNOW)와 Meituan (3690.HK), 그리고 Atmel Corporation.\n".encode()
    sources = [Source("a.md", None, len(text), 1.0, data=text)]
    names = lambda v: sorted(c.name for c in v.registry.companies() if c.discovered)  # noqa: E731
    assert names(build_vault(sources)) == ["Atmel", "Meituan", "Snowflake"]
    assert names(build_vault(sources, company_ignore=["snowflake", "3690.HK", "Atmel Corporation"])) == []
    assert names(build_vault(sources, company_ignore=["SNOW"])) == ["Atmel", "Meituan"]


# --------------------------------------------------------------------------
# Registry.add
# --------------------------------------------------------------------------


def test_add_user_note_company():
    """A user's companies/Hanwha.md makes its Korean alias match."""
    reg = Registry.load()
    assert reg.find_mentions("한화의 방산 수출") == []
    reg.add(Company.from_note("Hanwha", {"aliases": ["한화"], "ticker": "000880"},
                              note_src="companies/Hanwha.md"))
    assert surfaces(reg, "한화의 방산 수출") == [("hanwha", "한화")]
    assert reg.get("hanwha").note_src == "companies/Hanwha.md"
    assert reg.find_mentions("한화에어로스페이스") == []  # still not inside a longer word


def test_add_merges_into_existing_company():
    """A note about a company the registry knows adds aliases, not a twin."""
    reg = Registry.load()
    n = len(reg.companies())
    reg.add(Company.from_note("엔비디아", {"ticker": "NVDA", "aliases": "엔비, 녹색황제"},
                              note_src="companies/엔비디아.md"))
    assert len(reg.companies()) == n
    nvidia = reg.get("nvidia")
    assert {"엔비", "녹색황제"} <= set(nvidia.aliases)
    assert nvidia.note_src == "companies/엔비디아.md"
    assert ids(reg, "엔비가 또 올랐다, 녹색황제의 귀환") == ["nvidia", "nvidia"]


def test_add_merges_by_alias():
    reg = Registry.load()
    reg.add(Company(id="x-1", name="Facebook Inc", tickers=[], aliases=["페이스북"]))
    assert reg.get("x-1") is None
    assert "Facebook Inc" in reg.get("meta").aliases


def test_regex_rebuilt_only_on_change():
    """The matcher is compiled once and reused until the registry changes."""
    reg = Registry.load()
    reg.find_mentions("엔비디아")
    compiled = reg._regex
    reg.find_mentions("딥시크")
    assert reg._regex is compiled
    reg.add(Company.from_note("Hanwha", {"aliases": ["한화"]}))
    reg.find_mentions("한화")
    assert reg._regex is not compiled


# --------------------------------------------------------------------------
# The packaged data
# --------------------------------------------------------------------------


def test_packaged_registry_is_sane(reg):
    """Ids are stable slugs, there are enough companies, and no alias is
    claimed by two companies (the later one would silently win)."""
    companies = reg.companies()
    assert len(companies) >= 55
    for c in companies:
        assert c.id == c.id.lower() and c.id.isascii(), c.id
        for s in [c.name, *c.aliases]:
            assert reg.resolve(s).id == c.id, (c.id, s)


def test_no_product_aliases(reg):
    """ChatGPT/GPT-4o are products: aliasing them would wrongly link OpenAI."""
    all_aliases = {a.casefold() for c in reg.companies() for a in [c.name, *c.aliases]}
    assert not all_aliases & {"chatgpt", "chat gpt", "gpt-4o", "gpt", "llama", "gemini",
                              "claude", "iphone", "stargate"}


def test_load_rejects_bad_entries(tmp_path):
    bad = tmp_path / "c.yml"
    bad.write_text("- id: Bad Id\n  name: X\n", encoding="utf-8")
    with pytest.raises(ValueError, match="slug"):
        Registry.load(bad)
    bad.write_text("- id: a\n  name: A\n- id: a\n  name: B\n", encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate"):
        Registry.load(bad)


def test_mask_keeps_offsets():
    text = "a `b` [c](https://d.com/e) [[f|g]] <i x='y'>\n```\nz\n```\n"
    masked = mask_prose(text)
    assert len(masked) == len(text)
    assert [i for i, ch in enumerate(text) if ch == "\n"] == \
        [i for i, ch in enumerate(masked) if ch == "\n"]


def test_linear_on_large_and_pathological_input(reg):
    """A build scans ~10 M characters: 1 M must take well under a second per
    pass here (the bound is loose for slow CI; it catches backtracking, not
    micro-regressions)."""
    import time

    sample = "".join(t for t, *_ in PARTICLES + CASES) + " ".join(NOT_COMPANIES)
    inputs = [
        (sample * (1_000_000 // len(sample) + 1))[:1_000_000],
        "엔비디아" * 250_000,
        "<a " * 300_000 + "](" * 200_000 + "Foo Corp (" * 50_000,
        "(ABC) " * 20_000 + "Open " * 100_000,
    ]
    for text in inputs:
        t0 = time.perf_counter()
        reg.find_mentions(text)
        reg.discover(text)
        assert time.perf_counter() - t0 < 10, text[:20]


# --------------------------------------------------------------------------
# Property: never raises, spans are sane
# --------------------------------------------------------------------------

FRAGMENTS = [
    "엔비디아", "메타", "데이터", "의", "는", "와", "애플", "리케이션", "삼성", "전자", "동",
    "NVIDIA", "Meta", "meta", "MS", "ms", "Open", " AI", "Deep", "Seek", "SK", "하이닉스",
    "`", "```", "\n", " ", "(", ")", "[", "]", "[[", "]]", "|", "](", "https://", "www.",
    ".com", "@", "/", "<", ">", "<!--", "-->", "---\n", "NVDA", "005930", "Foo Corp",
    "(NYSE: FOO)", "\u00a0", "\t", "가", "a", "Z", "0", "_", "-", ".",
]


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join),
    st.text(max_size=200),
))
def test_find_mentions_spans_are_sane(text):
    """Whatever the input: no exception, in-bounds, sorted, non-overlapping
    spans whose surface is the text they cover; discover never raises."""
    reg = _PROP_REG
    found = reg.find_mentions(text)
    end = 0
    for m in found:
        assert isinstance(m, Mention)
        assert end <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.surface
        assert reg.get(m.company_id) is not None
        end = m.end
    reg.discover(text)


_PROP_REG = Registry.load()


def test_a_company_note_id_is_made_a_slug():
    assert Company.from_note("가나전자", {"id": "gana"}).id == "gana"
    assert Company.from_note("가나전자", {"id": "../../Etc Passwd"}).id == "etc-passwd"
    assert Company.from_note("가나전자", {"id": "가나"}, note_src="companies/가나.md").id.startswith("company-")
