"""Penalty decisions worded as other bureaus word them fall under the criterion they fit
(hold-out set of issue 10: 隐瞒不报, 如实报告, a licence expired or suspended)."""

from __future__ import annotations

import pytest

from archive.records import classify_penalty


@pytest.mark.parametrize(
    ("facts", "rule"),
    [
        ("该公司主要负责人对事故隐瞒不报", "penalty_accident_report"),
        ("发生事故后隐瞒事故真相", "penalty_accident_report"),
        ("未按规定如实报告事故情况", "penalty_accident_report"),
        ("未按照规定报告生产安全事故", "penalty_accident_report"),
        ("安全生产许可证已过期失效，仍继续组织生产", "penalty_illegal_production"),
        ("在安全生产许可证被暂扣期间，仍组织生产", "penalty_illegal_production"),
        ("烟花爆竹经营许可证被吊销后继续经营", "penalty_illegal_production"),
    ],
)
def test_other_bureaus_wordings_fit_their_rule(facts: str, rule: str) -> None:
    found = [name for name, _words in classify_penalty({"facts": facts})]
    assert rule in found
    assert "penalty_other" not in found


@pytest.mark.parametrize(
    "facts",
    [
        "未按规定对从业人员进行安全生产教育和培训",
        "特种作业人员未按照规定经专门的安全作业培训并取得相应资格",
    ],
)
def test_an_ordinary_violation_is_other(facts: str) -> None:
    assert [name for name, _words in classify_penalty({"facts": facts})] == ["penalty_other"]
