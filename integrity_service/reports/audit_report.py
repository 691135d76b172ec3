"""The audit report of a period (and optionally a unit) as a PDF.

Cover: the checkpoint the report was made against and a QR code of the
public verification page. Then the summary tables, the charts, the ranking
against the appointee of every placement with findings, every finding with
its explanation and evidence, and an appendix of the commitments of every
ledger entry cited, so each can be proved included in that checkpoint.
"""

from __future__ import annotations

import io

from flask_babel import force_locale, gettext
from reportlab.lib.units import cm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Spacer,
)
from sqlalchemy.orm import Session

from integrity_service.models import Finding
from integrity_service.reports.audit_data import AuditData, gather_audit
from integrity_service.reports.charts import bar_chart
from integrity_service.reports.checkpoint_block import checkpoint_block
from integrity_service.reports.fonts import report_fonts
from integrity_service.reports.layout import (
    TEXT_WIDTH,
    ReportDocument,
    bold,
    key_values,
    markup,
    para,
    severity_label,
    styles,
    table,
)
from integrity_service.reports.ledger_facts import public_verification_url
from integrity_service.reports.scope import ReportScope
from integrity_service.reports.words import (
    evidence_text,
    explanation,
    long_date,
    period_text,
    ranking_caption,
    rule_title,
    severity_name,
    status_name,
    verdict_name,
)
from integrity_service.stats import SEVERITIES


def _cover(data: AuditData) -> list[Flowable]:
    s = styles()
    story: list[Flowable] = [
        Spacer(1, 2 * cm),
        para(gettext("Placement audit report"), s.title),
        Spacer(1, 4),
        para(period_text(data.scope), s.subheading),
        para(gettext("Made on %(time)s", time=data.generated_at.strftime("%Y-%m-%d %H:%M UTC"))),
        Spacer(1, 1 * cm),
        para(gettext("Made against this signed checkpoint of the ledger"), s.heading),
        checkpoint_block(data.checkpoint, public_verification_url()),
        Spacer(1, 8),
        para(
            gettext(
                "Every figure in this report is read from the ledger's projections together "
                "with this checkpoint. Compare the root hash with the one published on the "
                "public verification page; the appendix lists the commitment of every ledger "
                "entry the report cites, and each can be proved included in this checkpoint."
            )
        ),
    ]
    if data.checkpoint is not None and data.uncovered:
        story.append(
            para(
                gettext(
                    "%(count)s cited entries are newer than this checkpoint; sign a new "
                    "checkpoint and make the report again to cover them.",
                    count=data.uncovered,
                )
            )
        )
    return [*story, NextPageTemplate("body"), PageBreak()]


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def _summary(data: AuditData) -> list[Flowable]:
    s = styles()
    placed = data.placements
    rows: list[tuple[str, str]] = [
        (gettext("Placements decided"), f"{placed.placements}"),
        (
            gettext("Followed the ranking"),
            f"{placed.followed_ranking} ({_percent(placed.followed_ranking, placed.placements)})",
        ),
        *((verdict_name(v), f"{n}") for v, n in placed.by_verdict.items()),
    ]
    # Assessments belong to people, not units: with --unit they are still the whole region's.
    if data.scope.unit:
        rows += [
            (gettext("Assessment results recorded (all units)"), f"{placed.assessments}"),
            (gettext("People assessed (all units)"), f"{placed.people_assessed}"),
        ]
    else:
        rows += [
            (gettext("Assessment results recorded"), f"{placed.assessments}"),
            (gettext("People assessed"), f"{placed.people_assessed}"),
        ]
    severities: list[list[str | Flowable]] = [
        [gettext("Severity"), gettext("Findings")],
        *(
            [severity_label(v, severity_name(v)), f"{data.findings_summary.by_severity[v]}"]
            for v in SEVERITIES
        ),
        [markup(bold(gettext("Total")), styles().cell), f"{data.findings_summary.total}"],
    ]
    versions = {finding.rule_id: finding.rule_version for finding in data.findings}
    rules = [
        [gettext("Rule"), gettext("Title"), gettext("Findings")],
        *(
            [rule, rule_title(rule, versions.get(rule, 1), data.scope.lang), f"{count}"]
            for rule, count in data.findings_summary.by_rule
        ),
    ]
    return [
        para(gettext("Summary"), s.heading),
        para(
            gettext(
                "A placement followed the ranking when the appointee was a candidate, a ranking "
                "was published before the decision, and the appointee was in its top three "
                "(no finding of MERIT-002, MERIT-003 or MERIT-004)."
            ),
            s.small,
        ),
        key_values(rows, key_width=7 * cm),
        para(gettext("Findings by severity"), s.subheading),
        table(severities, [7 * cm, 3 * cm], align_right=[1]),
        para(gettext("Findings by rule"), s.subheading),
        table(rules, [2.4 * cm, TEXT_WIDTH - 4.6 * cm, 2.2 * cm], align_right=[2]),
    ]


def _charts(data: AuditData) -> list[Flowable]:
    summary = data.findings_summary
    return [
        CondPageBreak(8 * cm),
        para(gettext("Charts"), styles().heading),
        bar_chart(summary.by_rule, title=gettext("Findings by rule")),
        Spacer(1, 10),
        bar_chart(summary.by_unit, title=gettext("Findings by unit"), highlight=data.scope.unit),
    ]


def _rankings(data: AuditData) -> list[Flowable]:
    s = styles()
    story: list[Flowable] = [
        PageBreak(),
        para(gettext("Ranking against the appointee"), s.heading),
        para(
            gettext(
                "For every placement with findings: the ranking published before the decision, "
                "each candidate's job person match (JPM), and the appointee in orange."
            ),
            s.small,
        ),
    ]
    if not data.rankings:
        story.append(para(gettext("No placement of the period has findings.")))
    for view in data.rankings:
        title = f"{view.placement_id} · {view.vacancy_id} · {view.position}"
        if view.ranking_seq is None:
            block: list[Flowable] = [para(title, s.subheading), para(ranking_caption(view))]
        else:
            block = [Spacer(1, 6), view.chart(title), para(ranking_caption(view), s.small)]
        story.append(KeepTogether(block))
    return story


def _finding(data: AuditData, finding: Finding) -> list[Flowable]:
    s = styles()
    lang = data.scope.lang
    placement = data.placements_by_id.get(finding.placement_id)
    rows = [
        (gettext("Severity"), severity_label(finding.severity, severity_name(finding.severity))),
        (
            gettext("Placement"),
            f"{finding.placement_id}" + (f" · {placement.decree_number}" if placement else ""),
        ),
        (gettext("Unit"), finding.unit),
        (gettext("Decided on"), long_date(finding.decided_on)),
        (gettext("Explanation"), explanation(finding, lang)),
        (gettext("Evidence"), evidence_text(finding.evidence)),
        (gettext("Ledger entries"), ", ".join(str(seq) for seq in finding.evidence_seqs)),
        (gettext("Rule set"), para(finding.ruleset_hash, s.mono)),
        (gettext("Status"), status_name(finding.status)),
    ]
    heading = f"{finding.id} · {finding.rule_id} v{finding.rule_version} · " + rule_title(
        finding.rule_id, finding.rule_version, lang
    )
    return [KeepTogether([para(heading, s.subheading), key_values(rows)])]


def _findings(data: AuditData) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), para(gettext("Findings"), styles().heading)]
    if not data.findings:
        story.append(para(gettext("No findings in this period.")))
    for finding in data.findings:
        story.extend(_finding(data, finding))
    return story


def _appendix(data: AuditData) -> list[Flowable]:
    s = styles()
    tick = report_fonts().tick
    rows = [
        [gettext("Entry"), gettext("Type"), gettext("Time"), gettext("Commitment (base64)"), tick],
        *(
            [f"{e.seq}", e.type, e.time, para(e.commitment, s.mono), tick if e.covered else "—"]
            for e in data.cited
        ),
    ]
    widths = [1.2 * cm, 3.1 * cm, 4.3 * cm, TEXT_WIDTH - 9.3 * cm, 0.7 * cm]
    story: list[Flowable] = [
        PageBreak(),
        para(gettext("Appendix: commitments of the cited ledger entries"), s.heading),
        para(
            gettext(
                "Commitment C = SHA-256 of the entry's canonical bytes; its leaf in the Merkle "
                "tree is SHA-256(0x00 || C). %(tick)s marks an entry covered by the checkpoint "
                "on the cover; ask the public proof endpoint for its inclusion proof.",
                tick=tick,
            ),
            s.small,
        ),
        table(rows, widths, align_right=[0]),
    ]
    if data.checkpoint is not None:
        story += [
            para(gettext("The signed checkpoint"), s.subheading),
            para(data.checkpoint.note, s.mono),
        ]
    if data.verifier_key:
        story += [para(gettext("Verifier key"), s.subheading), para(data.verifier_key, s.mono)]
    return story


def render_audit(data: AuditData) -> bytes:
    """Return the PDF of the audit report (call inside the report's forced locale)."""
    out = io.BytesIO()
    title = gettext("Placement audit report")
    checkpoint = (
        gettext("checkpoint %(size)s", size=data.checkpoint.size) if data.checkpoint else ""
    )
    footer = " · ".join(part for part in (title, period_text(data.scope), checkpoint) if part)
    document = ReportDocument(
        out, title=title, footer=footer, page_label=gettext("page %(number)s")
    )
    story = [
        *_cover(data),
        *_summary(data),
        *_charts(data),
        *_rankings(data),
        *_findings(data),
        *_appendix(data),
    ]
    document.build(story)
    return out.getvalue()


def audit_report_pdf(session: Session, scope: ReportScope) -> bytes:
    """Read the content of ``scope`` from ``session`` and return the audit report's PDF."""
    with force_locale(scope.lang):
        return render_audit(gather_audit(session, scope))
