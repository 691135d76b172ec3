"""Graph checks with networkx: conflicts of interest and rotation rings.

Graphs are built from facts sorted by seq, so the path networkx returns
among equally short ones is the same on every replay of the same facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from typing import Any

import networkx as nx

from rules.facts import PlacementCase, PlacementFact
from rules.findings import Hit
from rules.windows import days_window_start

Parameters = Mapping[str, Any]


def conflict_of_interest(case: PlacementCase, parameters: Parameters) -> Hit | None:
    """MERIT-009: declared relations join the decision maker and the appointee in <= max_hops.

    Relations are undirected; several relations between the same two people are
    one link carrying all of them. A decision maker appointing themself is a
    path of 0 hops. Not applicable when the decision maker is unknown.
    """
    maker = case.decision.decided_by
    appointee = case.decision.nip
    if maker is None:
        return None
    max_hops = parameters["max_hops"]
    graph = nx.Graph()
    graph.add_nodes_from((maker, appointee))
    for relation in sorted(case.relations, key=lambda r: r.seq):
        if graph.has_edge(relation.a, relation.b):
            graph.edges[relation.a, relation.b]["relations"].append(relation)
        else:
            graph.add_edge(relation.a, relation.b, relations=[relation])
    try:
        path = nx.shortest_path(graph, maker, appointee)
    except nx.NetworkXNoPath:
        return None
    hops = len(path) - 1
    if hops > max_hops:
        return None
    links = [
        {
            "from": left,
            "to": right,
            "relations": [
                {"seq": r.seq, "kind": r.kind} for r in graph.edges[left, right]["relations"]
            ],
        }
        for left, right in pairwise(path)
    ]
    chain = _chain(path[0], links)
    return Hit(
        evidence_seqs=[
            case.decision.seq,
            *(r["seq"] for link in links for r in link["relations"]),
        ],
        evidence={
            "decided_by": maker,
            "appointee": appointee,
            "hops": hops,
            "max_hops": max_hops,
            "path": path,
            "links": links,
        },
        message_id=(
            f"pejabat yang memutuskan terhubung dengan pejabat yang diangkat dalam {hops} "
            f"langkah (batas {max_hops}): {chain}"
        ),
        message_en=(
            f"the decision maker is linked to the appointee in {hops} "
            f"{'hop' if hops == 1 else 'hops'} (limit {max_hops}): {chain}"
        ),
    )


def rotation_ring(case: PlacementCase, parameters: Parameters) -> Hit | None:
    """MERIT-010: the decision closes a cycle of positions taken from each other in the window.

    Edges run from_position -> position for every placement decided within
    ``window_days`` up to the decision date, the decision included; it fires
    when a cycle runs through the decision's edge. The appointee's own other
    placements are left out (moving back is not a ring), as are placements
    without a from_position or within one position. On each edge of the cycle
    the latest placement (by date, then seq) is reported.
    """
    decision = case.decision
    source, target = decision.from_position, decision.position_code
    if source is None or source == target:
        return None
    window_days = parameters["window_days"]
    start = days_window_start(decision.decided_on, window_days)
    placements = sorted(
        (
            p
            for p in case.history
            if p.seq != decision.seq
            and p.nip != decision.nip
            and start <= p.decided_on <= decision.decided_on
            and p.from_position is not None
            and p.from_position != p.position_code
        ),
        key=lambda p: (p.decided_on, p.seq),
    )
    graph = nx.DiGraph()
    graph.add_edge(source, target, placements=[decision])
    for placement in placements:
        edge = (placement.from_position, placement.position_code)
        if graph.has_edge(*edge):
            graph.edges[edge]["placements"].append(placement)
        else:
            graph.add_edge(*edge, placements=[placement])
    try:
        back = nx.shortest_path(graph, target, source)
    except nx.NetworkXNoPath:
        return None
    cycle = [source, *back]
    steps = [_step(decision)] + [
        _step(graph.edges[left, right]["placements"][-1]) for left, right in pairwise(back)
    ]
    people = sorted({step["nip"] for step in steps})
    route_en = ", ".join(_route(step, "this decision") for step in steps)
    route_id = ", ".join(_route(step, "keputusan ini") for step in steps)
    return Hit(
        evidence_seqs=[step["seq"] for step in steps],
        evidence={
            "window_days": window_days,
            "window_start": start.isoformat(),
            "positions": cycle,
            "people": people,
            "steps": steps,
        },
        message_id=(
            f"keputusan menutup rotasi melingkar {len(steps)} jabatan oleh {len(people)} orang "
            f"dalam {window_days} hari: {route_id}"
        ),
        message_en=(
            f"the decision closes a rotation ring of {len(steps)} positions among "
            f"{len(people)} people within {window_days} days: {route_en}"
        ),
    )


def _chain(start: str, links: list[dict[str, Any]]) -> str:
    """Return "A -[spouse seq 4]- B -[sibling seq 9]- C"."""
    parts = [start]
    for link in links:
        kinds = ", ".join(f"{r['kind']} seq {r['seq']}" for r in link["relations"])
        parts.append(f" -[{kinds}]- {link['to']}")
    return "".join(parts)


def _step(placement: PlacementFact) -> dict[str, Any]:
    return {
        "from_position": placement.from_position,
        "to_position": placement.position_code,
        "nip": placement.nip,
        "seq": placement.seq,
        "decided_on": placement.decided_on.isoformat(),
    }


def _route(step: Mapping[str, Any], this_decision: str) -> str:
    where = this_decision if step["seq"] is None else f"seq {step['seq']}"
    return (
        f"{step['from_position']} -> {step['to_position']} "
        f"({step['nip']}, {step['decided_on']}, {where})"
    )
