"""Money: amounts in Arabic or Chinese numerals, and the fine a decision decides."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from archive import cnnum
from archive.i18n import _
from parsers.base import Document, Found, ParsedDocument
from parsers.fields.doc_numbers import Candidate
from parsers.fields.labels import _CJK, Flat
from parsers.normalise import CJK_IDEOGRAPH

# --------------------------------------------------------------------------------------------
# Money

_CN_MONEY_CHARS = cnnum.NUMERAL_CHARS
chinese_to_int = cnnum.to_int


_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_AMOUNT_RE = re.compile(
    rf"(?P<cn>[{_CN_MONEY_CHARS}]+)[ \t]*[元圆](?:整|正)?"
    rf"|(?:¥|RMB|CNY)[ \t]*(?P<yen>{_NUMBER})[ \t]*(?P<yenwan>万)?(?:元)?"
    rf"|(?P<ar>{_NUMBER})[ \t]*(?P<wan>万)?[ \t]*元"
    rf"|(?:罚款|处罚)(?:金额|数额)?\((?:人民币)?万元\)[ \t]*[:|]?[ \t]*(?P<wanval>{_NUMBER})"
    rf"|(?:罚款|处罚)(?:金额|数额)?\((?:人民币)?元\)[ \t]*[:|]?[ \t]*(?P<yuanval>{_NUMBER})"
)
_RANGE_AFTER = re.compile(r"^[ \t]*(?:以上|以下|以内|及以上|及以下|左右|至|到|~|-|—|－|起)")
_RANGE_BEFORE = re.compile(
    r"(?:至|到|~|—|不超过|不足|不低于|不少于|最高|最低|超过|低于|高于)[ \t]*$"
)
_NOT_FINE_BEFORE = re.compile(
    r"(?:违法所得|没收|损失|价值|收入|营业额|销售额|货值|投资|成本|费用)[^,;。]{0,8}$"
)
_DECISION = re.compile(
    r"处罚内容|处罚决定:|行政处罚如下|处罚如下|如下行政处罚|如下处罚|决定(?:给予|对你|对其|对该|处以|作出|如下)"
    r"|拟(?:作出|给予|对你|对其|处以|决定)|现决定|本机关决定|本局决定|给予.{0,12}行政处罚"
)
_TOTAL = re.compile(r"(?:合计|共计|总计|合并处罚|合并处)[^,;。]{0,6}$")
_LAW_QUOTE = re.compile(r"规定[:,]?[ \t]*“[^”]*$")


@dataclass
class _Amount:
    yuan: int
    start: int
    end: int
    capitals: bool  # written in Chinese numerals (壹万玖仟)
    printed: str
    other: _Amount | None = None  # the same amount written the other way, beside it
    rejected: str | None = None  # why it cannot be the fine


def _amount_value(match: re.Match[str]) -> int | None:
    try:
        if match.group("cn"):
            return chinese_to_int(match.group("cn"))
        number = (
            match.group("yen")
            or match.group("ar")
            or match.group("wanval")
            or match.group("yuanval")
        )
        value = Decimal(number.replace(",", ""))
        if match.group("wan") or match.group("yenwan") or match.group("wanval"):
            value *= 10_000
        return int(value.to_integral_value())
    except (ValueError, InvalidOperation):
        return None


# Between an amount and the same amount written the other way: 19000.00元(大写:壹万玖仟圆整),
# 人民币3000元(叁仟元整), 贰万元整(¥20,000.00), 19000元,大写:壹万玖仟元整.
_RESTATED = re.compile(
    r"[ \t]*(?:\([ \t]*(?:大写|小写|即)?|,?[ \t]*(?:大写|小写))[ \t]*[:]?[ \t]*(?:人民币)?[ \t]*$"
)


def _amounts(text: str) -> list[_Amount]:
    """Every amount of money in the flat text; ``rejected`` says why one cannot be a fine.
    An amount restated in the other writing right after it is folded into it (``other``)."""
    found: list[_Amount] = []
    for match in _AMOUNT_RE.finditer(text):
        value = _amount_value(match)
        if value is None or value <= 0:
            continue
        amount = _Amount(value, match.start(), match.end(), bool(match.group("cn")), match.group())
        before = text[max(0, match.start() - 40) : match.start()]
        after = text[match.end() : match.end() + 6]
        if _RANGE_AFTER.match(after) or _RANGE_BEFORE.search(before):
            amount.rejected = _("法定罚款幅度，不是决定的罚款")
        elif _NOT_FINE_BEFORE.search(before) and "罚款" not in before[-10:]:
            amount.rejected = _("其他款项（违法所得、损失等），不是罚款")
        elif _LAW_QUOTE.search(text[max(0, match.start() - 200) : match.start()]):
            amount.rejected = _("引用的法律条文中的金额")
        previous = found[-1] if found else None
        if (
            previous is not None
            and previous.other is None
            and previous.capitals != amount.capitals
            and _RESTATED.fullmatch(text[previous.end : amount.start])
        ):
            previous.other = amount
            previous.end = amount.end
            continue
        found.append(amount)
    return found


def _clause(text: str, start: int, end: int) -> str:
    """The clause around a span: from the last , ; 。 before it to the next one after."""
    left = max(text.rfind(mark, 0, start) for mark in ",;。")
    rights = [text.find(mark, end) for mark in ",;。"]
    right = min([position for position in rights if position >= 0], default=len(text))
    return text[left + 1 : right]


# Words right before an amount that make it a fine even without 罚款 in the clause
# (publicity prose: 处罚壹万叁仟元).
_FINE_JUST_BEFORE = re.compile(
    r"(?:处罚|罚款|罚金|处以|并处)(?:金额|数额)?[:]?(?:人民币)?[:]?[ \t]*$"
)


# Who a fine is for, when it is not the party the decision is addressed to: 对主要负责人
# 张三处以罚款…, 对张三(主要负责人)处罚款….  (对你单位主要负责人未履行职责的行为处罚款 is
# the party's fine: the role is followed by what the person did, not by the penalty.)
_ROLES = (
    "主要负责人|法定代表人|实际控制人|直接负责的主管人员|其他直接责任人员|直接责任人员?"
    "|责任人员?|安全管理人员|安全生产管理人员|负责人|个人"
)
_OTHER_PARTY = re.compile(
    rf"对(?:你单位|你公司|该单位|该公司|其|公司|单位)?的?(?:{_ROLES})"
    rf"(?:{_CJK}{{1,4}})?(?:\([^()]{{0,20}}\))?(?:处以?|并处|给予|罚款)"
    rf"|对{_CJK}{{2,4}}\((?:[^()]{{0,10}})?(?:{_ROLES})\)"
)
# A fine of an earlier case the text recalls (你单位曾于2025年因…被处罚款5000元).
_EARLIER = re.compile(r"曾|此前|先前|前次|上次|已被|已受|原处罚|原决定")
# The decided fine said again: where and how to pay it, or 上述罚款.
_RESTATEMENT = re.compile(r"缴|交纳|汇入|账户|账号|银行|逾期|加处|滞纳|上述|前述|该罚款|该笔")
# The fine decided with a verb right before it, in its own clause: 处罚款人民币6000元,
# 处以罚款…, 并处…, 给予罚款…, 处6000元罚款 (not 处罚内容:罚款…, a field of a record).
_DECIDED = re.compile(
    r"(?:处以?|并处|给予)(?:罚款|罚金)?(?:人民币)?[:]?[ \t]*$|(?:处以?|并处|给予)[^,;。罚]{0,6}$"
)
# An item of the decision's list: 如下行政处罚:(一)罚款人民币6000元;(二)罚款….
_ITEM = re.compile(
    r"(?:^|:)[ \t]*(?:\([一二三四五六七八九十\d]{1,2}\)|[一二三四五六七八九十\d]{1,2}[、.])"
    r"[^,;。]{0,12}$"
)
# A total that also counts what is not a fine (罚没款合计: fine and confiscation).
_NOT_FINE_TOTAL = re.compile(r"罚没|没收|违法所得")


# The party a fine is decided for, when a decision has several (对当事人一处罚款…;对当事人二
# 处罚款…, 对第二当事人…, 对当事人(乙)…, or each named: 对某某建材有限公司处罚款…).
_PARTY = re.compile(
    r"对(?:当事人[ \t]*\(?(?P<mark>[一二三四五六七八九十甲乙丙丁\d])\)?"
    r"|第(?P<ordinal>[一二三四五六七八九十\d])当事人"
    rf"|(?P<org>[{CJK_IDEOGRAPH}()]{{4,30}}?"
    r"(?:有限责任公司|有限公司|公司|厂|加油站|合作社|中心|矿|店)))"
)


def _party(text: str, start: int) -> str | None:
    """The party named before an amount in its part of the sentence (up to ``;``/``。``)."""
    left = max(text.rfind(mark, 0, start) for mark in ";。")
    found = list(_PARTY.finditer(text, left + 1, start))
    if not found:
        return None
    last = found[-1]
    return last["mark"] or last["ordinal"] or last["org"]


def _clause_before(text: str, start: int) -> str:
    """The text of the clause an amount is in, up to the amount."""
    left = max(text.rfind(mark, 0, start) for mark in ",;。")
    return text[left + 1 : start]


def _sentence_before(text: str, start: int) -> str:
    return text[text.rfind("。", 0, start) + 1 : start]


def examine_fine(text: str) -> tuple[Found | None, list[Candidate], str | None]:
    """The decided fine, every amount seen (with why it was or was not taken), and a
    warning when the fine cannot be told (then no fine: do not look for one another way).

    * Digits and capitals of the fine that disagree: no fine, a warning naming both.
    * A total (合计, 共计, 总计, 两项合计…): the total.  A total that does not say 罚款
      (以上合计人民币10000元) is taken when it equals the sum of the fines before it; when
      it does not (and does not say 罚没/没收), no fine and a warning naming both.
    * Several fines and no total: the sum of the decided fines when each is clearly one
      decided for this party (in the decision part, or 处/处以/并处/给予 right before it
      in its own clause); else no fine and a warning.  A fine for another person (对主要负
      责人张三处以罚款…), one of an earlier case (曾…被处罚款…), the fine said again (缴至…,
      上述罚款…) or a part of a total (其中…) is not added — unless nothing else is left.
    """
    flat = Flat(text)
    amounts = _amounts(flat.text)
    candidates: dict[int, Candidate] = {}
    for amount in amounts:
        candidates[id(amount)] = Candidate(
            amount.yuan,
            flat.line_at(amount.start),
            flat.source(amount.start, amount.end),
            amount.rejected or _("未说明是罚款"),
            raw=flat.text[amount.start : amount.end],
        )
    usable = [amount for amount in amounts if amount.rejected is None]
    decision = _DECISION.search(flat.text)

    def is_fine(amount: _Amount) -> bool:
        clause = _clause(flat.text, amount.start, amount.end)
        before = flat.text[max(0, amount.start - 12) : amount.start]
        return "罚款" in clause or "罚金" in clause or bool(_FINE_JUST_BEFORE.search(before))

    def is_total(amount: _Amount) -> bool:
        return bool(_TOTAL.search(flat.text[max(0, amount.start - 20) : amount.start]))

    fines = [amount for amount in usable if is_fine(amount)]
    for amount in fines:
        candidates[id(amount)].reason = _("说明是罚款")
    pool = fines
    from_words = True  # the pool holds amounts said to be fines (not only near 处罚内容)
    if decision is not None:
        after = [amount for amount in usable if amount.start >= decision.start()]
        # After 处罚内容: an amount without the word 罚款 (人民币贰万元整) is still the fine.
        near = [
            amount
            for amount in after
            if amount.start - decision.end() <= 60
            and "。" not in flat.text[decision.end() : amount.start]
        ]
        said = [amount for amount in after if is_fine(amount)]
        pool = said or near or fines
        from_words = bool(said) or not near
        for amount in fines:
            if amount not in pool:
                candidates[id(amount)].reason = _("说明是罚款，但不在处罚决定部分")
    ordered = [candidates[id(amount)] for amount in amounts]
    if not pool:
        return None, ordered, None

    totals = [amount for amount in pool if is_total(amount)]
    chosen = totals[0] if totals else pool[0]
    only = False  # the one fine left when the others are not this party's or said again
    if not totals:
        several = _several_fines(flat, pool, usable, candidates, decision, from_words)
        if isinstance(several, tuple):
            return several[0], ordered, several[1]
        if several is not None:
            chosen, only = several, True
    for amount in pool:
        if amount is not chosen and not only:
            candidates[id(amount)].reason = (
                _("另一笔罚款，取合计") if totals else _("另一笔罚款，取第一笔")
            )
    candidate = candidates[id(chosen)]
    candidate.chosen = True
    if totals:
        candidate.reason = _("处罚决定中的合计罚款")
    elif only:
        candidate.reason = _("处罚决定中的罚款（其余几笔不另计）")
    elif decision is not None and chosen.start >= decision.start():
        candidate.reason = _("处罚决定部分的第一笔罚款")
    else:
        candidate.reason = _("第一笔说明是罚款的金额")
    other = chosen.other
    if other is not None and other.yuan != chosen.yuan:
        digits, capitals = (other, chosen) if chosen.capitals else (chosen, other)
        warning = _(
            "罚款金额的数字与大写不一致：“{digits}”（{digits_yuan} 元）与“{capitals}”"
            "（{capitals_yuan} 元），未取罚款金额，请核对原件",
            digits=digits.printed,
            digits_yuan=digits.yuan,
            capitals=capitals.printed,
            capitals_yuan=capitals.yuan,
        )
        candidate.chosen = False
        candidate.reason = warning
        return None, ordered, warning
    return candidate.found(), ordered, None


def _several_fines(
    flat: Flat,
    pool: list[_Amount],
    usable: list[_Amount],
    candidates: dict[int, Candidate],
    decision: re.Match[str] | None,
    from_words: bool,
) -> _Amount | tuple[Found | None, str | None] | None:
    """The fine when the pool has no total that says 罚款: the one amount to take, or
    (found, warning) when the fine is a sum or cannot be told, or None to take the pool's
    first amount as before (amounts only near 处罚内容, or nothing better to go on)."""
    if not from_words or len(pool) == 1:
        return None
    text = flat.text
    left_out: dict[int, str] = {}
    for index, amount in enumerate(pool):
        clause = _clause_before(text, amount.start)
        sentence_start = text.rfind("。", 0, amount.start) + 1
        earlier = [other for other in pool[:index] if other.start >= sentence_start]
        between = text[earlier[0].end : amount.start] if earlier else ""
        if _OTHER_PARTY.search(clause):
            left_out[id(amount)] = _("对其他人员（主要负责人等）的罚款，不计入")
        elif _EARLIER.search(clause):
            left_out[id(amount)] = _("引述的以往处罚，不计入")
        elif "其中" in between or between.count("(") > between.count(")"):
            left_out[id(amount)] = _("前一笔罚款的组成部分，不另计")
        elif index > 0 and _RESTATEMENT.search(_clause(text, amount.start, amount.end)):
            left_out[id(amount)] = _("重述已决定的罚款（缴纳等），不另计")
    own = [amount for amount in pool if id(amount) not in left_out]
    # Two parties each fined (对当事人一处罚款3万元;对当事人二处罚款1万元): the fine is the
    # first party's, the document's main enterprise; another party's fine is never added.
    parties = [_party(text, amount.start) for amount in own]
    first_party = next((party for party in parties if party is not None), None)
    if len({party for party in parties if party is not None}) >= 2:
        for amount, party in zip(own, parties, strict=True):
            if party is not None and party != first_party:
                left_out[id(amount)] = _("另一当事人的罚款，不计入（取第一个当事人的罚款）")
        own = [amount for amount in own if id(amount) not in left_out]
    # A decision recalls the fine its notice proposed (拟对你单位处罚款3万元。…决定…处罚款
    # 2万元): a proposed fine does not count beside a decided one.
    proposed = [amount for amount in own if "拟" in _sentence_before(text, amount.start)]
    if proposed and len(proposed) < len(own):
        for amount in proposed:
            left_out[id(amount)] = _("告知时拟作出的罚款，不计入")
        own = [amount for amount in own if amount not in proposed]
    if not own:  # nothing else: as before, the first
        return None
    for amount in pool:
        if id(amount) in left_out:
            candidates[id(amount)].reason = left_out[id(amount)]
    # A total that does not say 罚款 (以上合计人民币10000元), after the fines.
    for amount in usable:
        if amount in pool or amount.start < own[0].end:
            continue
        if not _TOTAL.search(text[max(0, amount.start - 20) : amount.start]):
            continue
        if _NOT_FINE_TOTAL.search(_clause(text, amount.start, amount.end)):
            candidates[id(amount)].reason = _("罚没款合计，含没收等非罚款金额")
            continue
        added = sum(fine.yuan for fine in own if fine.end <= amount.start)
        if added == amount.yuan:
            for fine in own:
                candidates[id(fine)].reason = _("另一笔罚款，取合计")
            candidate = candidates[id(amount)]
            candidate.chosen = True
            candidate.reason = _("各笔罚款的合计")
            return candidate.found(), None
        warning = _(
            "各笔罚款之和（{added} 元）与合计“{total}”（{total_yuan} 元）不一致，"
            "未取罚款金额，请核对原件",
            added=added,
            total=amount.printed,
            total_yuan=amount.yuan,
        )
        candidates[id(amount)].reason = warning
        return None, warning
    if len(own) == 1:
        return own[0]
    disagreeing = [
        amount for amount in own if amount.other is not None and amount.other.yuan != amount.yuan
    ]
    if disagreeing:
        return disagreeing[0]

    def decided(amount: _Amount) -> bool:
        before = _clause_before(text, amount.start)
        if _DECIDED.search(before):
            return True
        in_decision = decision is not None and amount.start >= decision.start()
        return in_decision and bool(_ITEM.search(before))

    if len({amount.yuan for amount in own}) == 1 and not all(decided(a) for a in own):
        # The same amount in two places (处罚内容 | 罚款0.3万元 and 罚款金额(万元) | 0.3):
        # one fine said twice.
        for amount in own[1:]:
            candidates[id(amount)].reason = _("同一笔罚款再次写出，不另计")
        return own[0]
    if all(decided(amount) for amount in own):
        total = sum(amount.yuan for amount in own)
        for amount in own:
            candidates[id(amount)].chosen = True
            candidates[id(amount)].reason = _(
                "决定的几笔罚款之一，未写明合计，罚款取各笔之和（{total} 元）", total=total
            )
        first, last = own[0], own[-1]
        return Found(total, flat.line_at(first.start), flat.source(first.start, last.end)), None
    warning = _(
        "有几笔罚款（{amounts}）且未写明合计，不能确定都是对本当事人决定的罚款，"
        "未取罚款金额，请核对原件",
        amounts="、".join(amount.printed for amount in own),
    )
    for amount in own:
        candidates[id(amount)].reason = warning
    return None, warning


def find_fine(doc: Document | str) -> Found | None:
    """The decided fine in integer yuan, and where it was read (see :func:`parse_fine`)."""
    text = doc.text if isinstance(doc, Document) else doc
    return examine_fine(text)[0]


def fine_candidates(doc: Document | str) -> list[Candidate]:
    """Every amount of money the text shows, each with why it is or is not the fine."""
    text = doc.text if isinstance(doc, Document) else doc
    return examine_fine(text)[1]


def put_fine(parsed: ParsedDocument, doc: Document | str) -> Found | None:
    """Record ``fine_yuan`` (and the amounts seen, for explain); when the fine's digits and
    capitals disagree, no fine and a warning naming both."""
    text = doc.text if isinstance(doc, Document) else doc
    found, candidates, warning = examine_fine(text)
    if found is not None:
        parsed.put("fine_yuan", found.value, found.line, found.source)
    if warning is not None:
        parsed.warnings.append(warning)
    parsed.candidates["fine_yuan"] = [candidate.as_dict() for candidate in candidates]
    return found


def parse_fine(text: str) -> int | None:
    """The fine decided in ``text``, in integer yuan, or None if no fine is decided.

    Understands 人民币贰万元整, 罚款20000元, ¥20,000, 罚款2万元, 5.0万元, 罚款金额(万元):5.0.
    Never a statutory range (处一万元以上三万元以下的罚款 is the law, not the decision)
    nor an amount of another kind (违法所得, 经济损失).  With several fines, those in the
    decision part (处罚内容, 决定…, 拟…); of them a total (合计…) if there is one, else the
    sum of those decided for the party (see :func:`examine_fine`).

    >>> parse_fine("依据…第九十九条规定，处一万元以上三万元以下的罚款。决定给予罚款人民币贰万元整。")
    20000
    >>> parse_fine("处罚内容:罚款5.0万元"), parse_fine("罚款¥20,000"), parse_fine("没有罚款")
    (50000, 20000, None)
    >>> parse_fine("对违法行为1处罚款6000元;对违法行为2处罚款4000元。以上合计人民币10000元。")
    10000
    """
    found = find_fine(text)
    return found.value if found is not None else None
