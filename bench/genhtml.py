#!/usr/bin/env python3
"""genhtml.py - writes a synthetic news site of saved HTML pages for Satchel benchmarks.

    python3 bench/genhtml.py OUTDIR [MEGABYTES=120] [SEED=1]

Pages look like articles saved from a Korean or English news site: a header with a logo
and a large navigation menu, a search form, ad slots with inline scripts, a breadcrumb,
the article (headline, byline with <time>, a photo in <figure>, paragraphs, sub-headings,
quotes and lists), share buttons, tags, a comment section, a sidebar ("most read",
"related", newsletter form) and a footer; <head> holds <title>, Open Graph and
article:published_time meta tags, a canonical link, JSON-LD, inline CSS and analytics
scripts. About 60% of the pages are Korean. Some pages have a local photo (img/*.jpg,
random bytes behind a JPEG header, stored as is by every tool); the folder also holds
index.html (a front page linking the newest articles) and favicon.png (48x48, for
zimwriterfs) and static/logo.png.

Text comes from generated word lists (no lorem ipsum, no copied text): a Korean vocabulary
of real common words plus words built from Hangul syllables, with particles chosen by the
final consonant, and an English vocabulary of common words plus pseudo-words; words are
drawn with a Zipf law, with fixed collocations for phrase repeats. The output depends only
on MEGABYTES and SEED. Pages go to OUTDIR/2026/MM/ with at most 1000 files per folder.
"""
import itertools
import json
import os
import random
import struct
import sys
import zlib

KO_CORE = (
    "정부 시장 가격 주민 당국 회의 경제 사회 지역 문제 발표 계획 사업 상황 관계 국가 "
    "사람 시간 이번 올해 지난해 오늘 내일 현재 최근 대표 위원회 주민들 농민 상인 "
    "학교 병원 공장 도로 철도 항구 국경 마을 도시 전력 식량 쌀값 옥수수 비료 날씨 "
    "장마당 라디오 방송 기자 신문 소식 통신 정책 선거 투표 조사 결과 자료 문서 "
    "보고서 관계자 전문가 소식통 가족 아이들 노인 여성 청년 노동자 군인 간부 "
    "수확 가뭄 홍수 태풍 추위 겨울 봄 여름 가을 물가 환율 달러 위안 수입 수출 "
    "무역 협상 회담 합의 제재 지원 구호 단체 국제 이웃 나라 국민 생활 건강 "
    "교육 문화 역사 전통 기술 산업 에너지 석탄 전기 연료 물 수도 주택 건설"
).split()
KO_PLACES = "평양 함흥 신의주 원산 개성 청진 혜산 남포 서울 부산 인천 단둥".split()
KO_SURNAMES = "김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 홍".split()
KO_SYLLABLES = ("이다는의가에하고을를지사기서로대한자도어리인일정수아시나부그주전해적장여제보상"
                "소만성국들비원문우게과면라구동방거경내신유행마생관재실요선위개물공무연세미간화교"
                "분발안업계회중조민말학것통오식모명진입저야결체치람운현당양후외단타음력표영반금점"
                "데더월년날때곳차집쪽값쌀터강산길밥돈힘손눈글")
KO_GIVEN = "민 수 진 영 현 준 서 지 은 혜 성 호 동 미 경 태 우 정 희 석 주 연 하 윤 재 선".split()
KO_VERB_ENDS = ["했다", "밝혔다", "전했다", "말했다", "설명했다", "알려졌다", "나타났다",
                "입니다", "했습니다", "보인다", "이어졌다", "늘었다", "줄었다", "올랐다"]
KO_CONNECT = ["그러나", "또한", "한편", "이에 따라", "특히", "하지만", "이 때문에", "반면"]
EN_CORE = (
    "the of and to in a is that for on with as was by it at from his her they be this "
    "are have said has not but which or an their were been more its new after who also "
    "would two first one people year years government market price prices local city "
    "officials report week month state country police health school workers farmers "
    "traders border trade talks election vote rice maize fuel power water food winter "
    "rain harvest radio news press minister agency river village region north south east "
    "west capital family families children women men hospital factory road railway port "
    "plan project budget cost costs rise fell rose higher lower than about over under "
    "during before since while because however still only many some most other such "
    "last next told according asked called made make says say expected could should may "
    "will can must week weeks day days morning evening night time times number record"
).split()
EN_PLACES = "Pyongyang Hamhung Sinuiju Wonsan Kaesong Chongjin Hyesan Nampo Seoul Busan Dandong".split()
EN_NAMES = "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang".split()
EN_GIVEN = "Min Soo Jin Hye Young Sung Ho Ji Eun Dong Hyun Seo Jae Kyung Mi Tae".split()
SECTIONS = [("politics", "정치", "Politics"), ("economy", "경제", "Economy"),
            ("society", "사회", "Society"), ("world", "국제", "World"),
            ("culture", "문화", "Culture"), ("health", "건강", "Health"),
            ("science", "과학", "Science"), ("opinion", "오피니언", "Opinion"),
            ("sports", "스포츠", "Sports"), ("local", "지역", "Local"),
            ("weather", "날씨", "Weather"), ("radio", "라디오", "Radio")]


def zipf_cum(n, s, q):
    acc, out = 0.0, []
    for r in range(n):
        acc += 1.0 / (r + 1 + q) ** s
        out.append(acc)
    return out


class Words:
    """A vocabulary with Zipf-weighted draws and fixed collocations."""

    def __init__(self, rnd, words, s, q, n_colloc):
        self.rnd = rnd
        self.words = words
        self.cum = zipf_cum(len(words), s, q)
        self.colloc = [" ".join(self.draw(rnd.randint(2, 4))) for _ in range(n_colloc)]
        self.ccum = zipf_cum(n_colloc, 1.0, 5.0)

    def draw(self, k):
        return self.rnd.choices(self.words, cum_weights=self.cum, k=k)

    def phrase(self):
        return self.rnd.choices(self.colloc, cum_weights=self.ccum, k=1)[0]


def hangul(rnd, initials, medials, finals):
    i = rnd.choices(range(19), weights=initials, k=1)[0]
    m = rnd.choices(range(21), weights=medials, k=1)[0]
    f = rnd.choices(range(28), weights=finals, k=1)[0]
    return chr(0xAC00 + (i * 21 + m) * 28 + f)


def ko_vocab(rnd, n):
    initials = [9, 2, 6, 6, 1, 3, 5, 4, 1, 8, 1, 9, 5, 1, 3, 2, 2, 2, 6]
    medials = [10, 3, 5, 1, 8, 2, 4, 1, 6, 2, 1, 2, 1, 6, 2, 1, 1, 1, 5, 1, 9]
    finals = [40, 6, 1, 1, 9, 1, 1, 2, 8, 1, 1, 1, 1, 1, 1, 1, 6, 4, 1, 1, 1, 9, 1, 1, 1, 1, 1, 1]
    syll = list(dict.fromkeys(KO_SYLLABLES))  # common syllables first (highest weight)
    while len(syll) < 900:
        c = hangul(rnd, initials, medials, finals)
        if c not in syll:
            syll.append(c)
    scum = zipf_cum(len(syll), 0.9, 3.0)
    words, seen = list(KO_CORE), set(KO_CORE)
    while len(words) < n:
        w = "".join(rnd.choices(syll, cum_weights=scum, k=rnd.choice((1, 2, 2, 2, 3, 3, 4))))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


def en_vocab(rnd, n):
    onsets = "b c d f g h j k l m n p r s t v w br cr dr fl gr pl pr sh st tr th ch".split()
    vowels = "a e i o u ai ea ee oo ou io".split()
    codas = ["", "", "n", "r", "s", "t", "l", "m", "nd", "st", "rt", "ng", "ck"]
    suffixes = ["", "", "", "ing", "ed", "er", "s", "ion", "ly", "ment", "al"]
    words, seen = list(EN_CORE), set(EN_CORE)
    while len(words) < n:
        w = "".join(rnd.choice(onsets) + rnd.choice(vowels) for _ in range(rnd.choice((1, 2, 2, 3))))
        w += rnd.choice(codas) + rnd.choice(suffixes)
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


def has_final(word):
    c = ord(word[-1])
    return 0xAC00 <= c <= 0xD7A3 and (c - 0xAC00) % 28 != 0


class Writer:
    def __init__(self, seed):
        self.rnd = random.Random(seed)
        r = self.rnd
        self.ko = Words(r, ko_vocab(r, 20000), 1.05, 12.0, 3000)
        self.en = Words(r, en_vocab(r, 20000), 1.1, 2.0, 3000)

    # ---- text
    def ko_sentence(self):
        r = self.rnd
        out = []
        if r.random() < 0.2:
            out.append(r.choice(KO_CONNECT))
        n = r.randint(5, 16)
        while len(out) < n:
            if r.random() < 0.18:
                out.append(self.ko.phrase())
                continue
            w = self.ko.draw(1)[0] if r.random() > 0.04 else r.choice(KO_PLACES)
            if r.random() < 0.4:
                f = has_final(w)
                w += r.choice((("은", "이", "을", "과", "으로") if f else ("는", "가", "를", "와", "로"))
                              + ("에", "에서", "의", "도"))
            out.append(w)
        if r.random() < 0.15:
            out.append("%d%%" % r.randint(2, 90))
        return " ".join(out) + " " + r.choice(KO_VERB_ENDS) + "."

    def en_sentence(self):
        r = self.rnd
        out = []
        n = r.randint(7, 22)
        while len(out) < n:
            x = r.random()
            if x < 0.15:
                out.append(self.en.phrase())
            elif x < 0.19:
                out.append(r.choice(EN_PLACES))
            elif x < 0.21:
                out.append(str(r.randint(2, 2000)))
            else:
                out.append(self.en.draw(1)[0])
        s = " ".join(out)
        if r.random() < 0.12:
            s = '"' + s + '," ' + self.en_person() + " said"
        return s[0].upper() + s[1:] + "."

    def sentence(self, ko):
        return self.ko_sentence() if ko else self.en_sentence()

    def para(self, ko, lo=2, hi=5):
        return " ".join(self.sentence(ko) for _ in range(self.rnd.randint(lo, hi)))

    def title(self, ko):
        r = self.rnd
        if ko:
            ws = self.ko.draw(r.randint(4, 8))
            if r.random() < 0.5:
                ws.insert(0, r.choice(KO_PLACES) + ",")
            return " ".join(ws)
        ws = self.en.draw(r.randint(6, 11))
        if r.random() < 0.4:
            ws.insert(0, r.choice(EN_PLACES) + ":")
        return " ".join(ws).capitalize()

    def ko_person(self):
        r = self.rnd
        return r.choice(KO_SURNAMES) + r.choice(KO_GIVEN) + r.choice(KO_GIVEN)

    def en_person(self):
        r = self.rnd
        return r.choice(EN_GIVEN) + "-" + r.choice(EN_GIVEN).lower() + " " + r.choice(EN_NAMES)

    def person(self, ko):
        return self.ko_person() if ko else self.en_person()


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


CSS = """
body{margin:0;font-family:"Noto Sans KR","Apple SD Gothic Neo",sans-serif;color:#222;background:#fff}
.site-header{border-bottom:3px solid #0a3d62;padding:8px 16px;display:flex;align-items:center}
.gnb ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap}.gnb li{position:relative}
.gnb a{display:block;padding:10px 12px;color:#0a3d62;text-decoration:none;font-weight:700}
.gnb .sub{display:none;position:absolute;background:#fff;box-shadow:0 2px 6px rgba(0,0,0,.2)}
.gnb li:hover .sub{display:block}.container{display:flex;max-width:1200px;margin:0 auto}
main{flex:1;padding:16px}.sidebar{width:300px;padding:16px;border-left:1px solid #ddd}
.headline{font-size:32px;line-height:1.3}.byline{color:#666;font-size:14px}
.article-body p{font-size:18px;line-height:1.8;margin:0 0 1.2em}
figure{margin:0 0 1em}figcaption{font-size:13px;color:#777}
.ad{background:#f4f4f4;text-align:center;min-height:90px;margin:12px 0}
.comments li{border-top:1px solid #eee;padding:8px 0}.comments .user{font-weight:700}
footer{background:#0a3d62;color:#cfd8e3;padding:24px;font-size:13px}footer a{color:#fff}
.share button{border:0;background:#eee;padding:6px 10px;margin-right:4px}
@media (max-width:800px){.container{display:block}.sidebar{width:auto;border:0}}
"""


def analytics(rnd):
    uid = "%08x" % rnd.getrandbits(32)
    return ("<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date()"
            ".getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],j=d.createElement(s)"
            ",dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src='https://tags.example/gtm.js?id='+i"
            "+dl;f.parentNode.insertBefore(j,f);})(window,document,'script','dataLayer','GTM-%s');"
            "</script>\n" % uid)


def site_script(rnd):
    """A minified-looking site script (consent banner, ad loader, lazy images): the same
    on every page, as on real sites (about 9 KB)."""
    names = ["".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(1, 3)))
             for _ in range(60)]
    parts = []
    for i in range(120):
        a, b, c = rnd.sample(names, 3)
        parts.append("function %s%d(%s,%s){var %s=document.querySelectorAll('[data-%s-%d]');"
                     "for(var i=0;i<%s.length;i++){%s[i].setAttribute('data-state','%d');}"
                     "return %s&&%s.length>%d}" % (a, i, b, c, a, b, i, a, a, rnd.randint(0, 9),
                                                   b, c, rnd.randint(0, 40)))
    return "<script>" + ";".join(parts) + "</script>\n"


def ad_slot(rnd, name):
    slot = rnd.getrandbits(40)
    return ('<div class="ad ad-%s" id="ad-%d"><script>window.adq=window.adq||[];adq.push('
            '{slot:"/1234/news/%s",size:[[728,90],[970,250]],div:"ad-%d",targeting:{sec:"%s",'
            'pos:"%s",rnd:%d}});</script><noscript><a href="https://ads.example/click?s=%d">'
            '<img src="https://ads.example/%d.gif" alt="advertisement"></a></noscript></div>\n'
            % (name, slot, name, slot, name, name, rnd.getrandbits(20), slot, slot))


def nav(ko, active, rnd):
    out = ['<nav class="gnb" role="navigation"><ul>']
    for key, kname, ename in SECTIONS:
        cls = ' class="active"' if key == active else ""
        out.append('<li%s><a href="../../section/%s.html">%s</a><ul class="sub">'
                   % (cls, key, kname if ko else ename))
        for j in range(8):
            out.append('<li><a href="../../section/%s-%d.html">%s %d</a></li>'
                       % (key, j, kname if ko else ename, j + 1))
        out.append("</ul></li>")
    out.append('</ul></nav>\n<form class="search" action="/search" method="get">'
               '<input type="search" name="q" placeholder="%s"><button type="submit">%s</button>'
               "</form>\n" % ("검색어를 입력하세요" if ko else "Search", "검색" if ko else "Go"))
    return "".join(out)


FOOTER_KO = ("<footer><div class=\"footer-links\"><a href=\"/about\">회사소개</a> | <a href="
             "\"/privacy\">개인정보처리방침</a> | <a href=\"/terms\">이용약관</a> | <a href=\""
             "/contact\">제보하기</a></div><p>새벽별 통신 | 등록번호 서울 아 00000 | 발행인 홍길동 |"
             " 편집인 김영희 | 주소 서울특별시 중구 세종대로 000</p><p>Copyright &copy; 2026 "
             "새벽별 통신. All rights reserved. 무단 전재 및 재배포 금지.</p></footer>\n")
FOOTER_EN = ("<footer><div class=\"footer-links\"><a href=\"/about\">About us</a> | <a href="
             "\"/privacy\">Privacy</a> | <a href=\"/terms\">Terms</a> | <a href=\"/contact\">"
             "Send a tip</a></div><p>Morning Star News Service, 000 Sejong-daero, Seoul. "
             "Registered as a newspaper. Publisher: Hong Gil-dong.</p><p>Copyright &copy; "
             "2026 Morning Star News. All rights reserved.</p></footer>\n")


def page(w, art, titles, script):
    r = w.rnd
    ko = art["ko"]
    title, date, author, sec = art["title"], art["date"], art["author"], art["section"]
    site = "새벽별 통신" if ko else "Morning Star News"
    url = "https://news.example/%s/%s.html" % (art["dir"], art["name"])
    desc = w.sentence(ko)
    h = []
    h.append('<!DOCTYPE html>\n<html lang="%s">\n<head>\n<meta charset="utf-8">\n'
             '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
             % ("ko" if ko else "en"))
    h.append("<title>%s | %s</title>\n" % (esc(title), site))
    h.append('<meta name="description" content="%s">\n' % esc(desc))
    h.append('<meta property="og:type" content="article">\n<meta property="og:title" '
             'content="%s">\n<meta property="og:url" content="%s">\n<meta property="og:site_name"'
             ' content="%s">\n' % (esc(title), url, site))
    h.append('<meta property="article:published_time" content="%sT%02d:%02d:00+09:00">\n'
             '<meta name="author" content="%s">\n<link rel="canonical" href="%s">\n'
             % (date, r.randint(5, 23), r.randint(0, 59), esc(author), url))
    h.append('<link rel="stylesheet" href="../../static/site.css?v=20261101">\n')
    h.append("<style>%s</style>\n" % CSS)
    h.append('<script type="application/ld+json">%s</script>\n' % json.dumps({
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
        "datePublished": date, "author": {"@type": "Person", "name": author},
        "publisher": {"@type": "Organization", "name": site}, "mainEntityOfPage": url},
        ensure_ascii=False))
    h.append(analytics(r))
    h.append("</head>\n<body>\n")
    h.append('<header class="site-header"><div class="logo"><a href="../../index.html">'
             '<img src="../../static/logo.png" alt="%s" width="180" height="40"></a></div>\n'
             % site)
    h.append(nav(ko, sec[0], r))
    h.append('<div class="ticker"><strong>%s</strong><ul>' % ("속보" if ko else "Breaking"))
    for other in r.sample(titles, 15):
        h.append('<li><a href="../../%s/%s.html">%s</a></li>'
                 % (other["dir"], other["name"], esc(other["title"])))
    h.append("</ul></div>\n</header>\n")
    h.append(ad_slot(r, "top"))
    h.append('<div class="container">\n<main id="content">\n<article class="article">\n')
    h.append('<div class="breadcrumb"><a href="../../index.html">%s</a> &gt; <a href="'
             '../../section/%s.html">%s</a></div>\n'
             % ("홈" if ko else "Home", sec[0], sec[1] if ko else sec[2]))
    h.append('<h1 class="headline">%s</h1>\n' % esc(title))
    h.append('<div class="byline"><span class="author">%s</span> <time datetime="%s">%s</time>'
             '</div>\n' % (esc(author) + (" 기자" if ko else ""), date, date))
    if art["image"]:
        h.append('<figure><img src="img/%s" alt="%s" width="800" height="533"><figcaption>%s'
                 "</figcaption></figure>\n" % (art["image"], esc(w.sentence(ko)[:60]),
                                                esc(w.sentence(ko))))
    h.append('<div class="article-body">\n')
    body_target = art["body"]
    written = 0
    while written < body_target:
        x = r.random()
        if x < 0.07 and written > 600:
            t = " ".join(w.ko.draw(4) if ko else w.en.draw(5))
            h.append("<h2>%s</h2>\n" % esc(t))
            written += len(t)
        elif x < 0.11:
            t = w.sentence(ko)
            h.append("<blockquote><p>%s</p></blockquote>\n" % esc(t))
            written += len(t)
        elif x < 0.14:
            items = [w.sentence(ko) for _ in range(r.randint(2, 5))]
            h.append("<ul>%s</ul>\n" % "".join("<li>%s</li>" % esc(i) for i in items))
            written += sum(map(len, items))
        else:
            t = w.para(ko)
            if r.random() < 0.2:
                k = t.find(" ", len(t) // 2)
                if k > 0:
                    t = (esc(t[:k]) + ' <a href="https://news.example/%s">%s</a>'
                         % ("search?q=%d" % r.randint(1, 99999), esc(w.sentence(ko)[:30]))
                         + esc(t[k:]))
                    h.append("<p>%s</p>\n" % t)
                    written += len(t)
                    continue
            h.append("<p>%s</p>\n" % esc(t))
            written += len(t)
        if r.random() < 0.06:
            h.append(ad_slot(r, "inline"))
    h.append('<p class="copyright">%s</p>\n</div>\n' % (
        "&lt;저작권자 &copy; 새벽별 통신, 무단전재 및 재배포 금지&gt;" if ko
        else "&copy; 2026 Morning Star News. Do not republish without permission."))
    h.append('<div class="share"><button data-sns="facebook">Facebook</button><button '
             'data-sns="x">X</button><button data-sns="kakao">%s</button><button data-sns="'
             'link">%s</button></div>\n' % ("카카오톡" if ko else "Kakao",
                                          "링크 복사" if ko else "Copy link"))
    tags = w.ko.draw(4) if ko else w.en.draw(4)
    h.append('<div class="tags">%s</div>\n</article>\n' % " ".join(
        '<a href="/tag/%s">#%s</a>' % (esc(t), esc(t)) for t in tags))
    n_com = r.choice((0, 0, 1, 2, 3, 5, 8, 12))
    h.append('<section class="comments"><h3>%s %d</h3>\n<form class="comment-form"><textarea'
             ' name="c"></textarea><button>%s</button></form>\n<ol>\n'
             % ("댓글" if ko else "Comments", n_com, "등록" if ko else "Post"))
    for _ in range(n_com):
        user = (w.ko.draw(1)[0] if ko else w.en.draw(1)[0]) + str(r.randint(1, 999))
        h.append('<li class="comment"><span class="user">%s</span> <span class="date">%s'
                 '</span><p>%s</p><button class="like">%d</button></li>\n'
                 % (esc(user), date, esc(w.para(ko, 1, 2)), r.randint(0, 300)))
    h.append("</ol></section>\n</main>\n")
    h.append('<aside class="sidebar">\n<section class="most-read"><h3>%s</h3><ol>\n'
             % ("많이 본 뉴스" if ko else "Most read"))
    for other in r.sample(titles, 10):
        h.append('<li><a href="../../%s/%s.html">%s</a></li>\n'
                 % (other["dir"], other["name"], esc(other["title"])))
    h.append("</ol></section>\n")
    h.append(ad_slot(r, "side"))
    h.append('<section class="photo-news"><h3>%s</h3><ul>\n' % ("포토 뉴스" if ko else "In pictures"))
    for other in r.sample(titles, 8):
        h.append('<li><a href="../../%s/%s.html"><img src="https://img.news.example/thumb/%d.jpg"'
                 ' alt="" loading="lazy" width="120" height="80"><span>%s</span></a></li>\n'
                 % (other["dir"], other["name"], r.randint(1, 10 ** 6), esc(other["title"])))
    h.append("</ul></section>\n")
    h.append(ad_slot(r, "side2"))
    h.append('<section class="related"><h3>%s</h3><ul>\n' % ("관련 기사" if ko else "Related"))
    for other in r.sample(titles, 5):
        h.append('<li><a href="../../%s/%s.html">%s</a></li>\n'
                 % (other["dir"], other["name"], esc(other["title"])))
    h.append('</ul></section>\n<section class="newsletter"><h3>%s</h3><form action="/subscribe"'
             ' method="post"><input type="email" name="email"><button>%s</button></form>'
             "</section>\n</aside>\n</div>\n" % ("뉴스레터" if ko else "Newsletter",
                                                  "구독" if ko else "Subscribe"))
    h.append('<div class="sitemap">')
    for key, kname, ename in SECTIONS:
        h.append('<dl><dt><a href="../../section/%s.html">%s</a></dt>' % (key, kname if ko else ename))
        h.append("".join('<dd><a href="../../section/%s-%d.html">%s %d</a></dd>'
                         % (key, j, kname if ko else ename, j + 1) for j in range(8)))
        h.append("</dl>")
    h.append("</div>\n")
    h.append(FOOTER_KO if ko else FOOTER_EN)
    h.append(ad_slot(r, "bottom"))
    h.append(script)
    h.append('<script src="../../static/app.js?v=20261101" defer></script>\n')
    h.append(analytics(r))
    h.append("</body>\n</html>\n")
    return "".join(h)


def png(width, height, rnd):
    """A real RGB PNG: a simple gradient with a little noise."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            row += bytes(((x * 255 // max(1, width - 1)) ^ rnd.randrange(8),
                          (y * 255 // max(1, height - 1)), 128))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def jpeg_like(rnd, n):
    """JPEG markers around random bytes: photo-sized, incompressible, stored as is."""
    head = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    body = rnd.randbytes(n).replace(b"\xff", b"\xfe")
    return head + body + b"\xff\xd9"


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: genhtml.py OUTDIR [MEGABYTES=120] [SEED=1]")
    out = sys.argv[1]
    target = int(float(sys.argv[2]) * 1e6) if len(sys.argv) > 2 else 120_000_000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    w = Writer(seed)
    r = w.rnd
    os.makedirs(os.path.join(out, "static"), exist_ok=True)
    with open(os.path.join(out, "favicon.png"), "wb") as f:
        f.write(png(48, 48, r))
    with open(os.path.join(out, "static", "logo.png"), "wb") as f:
        f.write(png(180, 40, r))
    total = sum(os.path.getsize(os.path.join(out, p)) for p in ("favicon.png", "static/logo.png"))
    n_pages = max(10, target // 20_000)  # an upper bound: the loop stops at the target
    arts = []
    for i in range(n_pages):
        ko = r.random() < 0.6
        month = 1 + i * 11 // n_pages
        day = 1 + r.randrange(28)
        sec = r.choice(SECTIONS)
        body = int(min(40000, max(500, r.lognormvariate(8.0, 0.55) * (1.0 if ko else 1.3))))
        arts.append({
            "ko": ko, "title": w.title(ko), "author": w.person(ko), "section": sec,
            "date": "2026-%02d-%02d" % (month, day), "body": body,
            "dir": "2026/%02d-%d" % (month, i // 1000),
            "name": "%s-%06d" % (sec[0], i),
            "image": ("%06d.jpg" % i) if r.random() < 0.35 else None,
        })
    script = site_script(r)
    for a in arts:
        d = os.path.join(out, a["dir"])
        os.makedirs(os.path.join(d, "img"), exist_ok=True)
        text = page(w, a, arts, script).encode()
        with open(os.path.join(d, a["name"] + ".html"), "wb") as f:
            f.write(text)
        total += len(text)
        if a["image"]:
            data = jpeg_like(r, r.randint(8000, 32000))
            with open(os.path.join(d, "img", a["image"]), "wb") as f:
                f.write(data)
            total += len(data)
        if total >= target:
            arts = arts[:arts.index(a) + 1]
            break
    front = ['<!DOCTYPE html>\n<html lang="ko">\n<head><meta charset="utf-8"><title>새벽별 통신 '
             "| Morning Star News</title></head>\n<body>\n<h1>새벽별 통신</h1>\n<ul>\n"]
    for a in itertools.islice(reversed(arts), 300):
        front.append('<li><a href="%s/%s.html">%s</a> <time>%s</time></li>\n'
                     % (a["dir"], a["name"], esc(a["title"]), a["date"]))
    front.append("</ul>\n</body>\n</html>\n")
    with open(os.path.join(out, "index.html"), "w", encoding="utf-8") as f:
        f.write("".join(front))
    print("%d pages, %d bytes" % (len(arts), total))


if __name__ == "__main__":
    main()
