"""Fixed vocabularies and profiles for the built-in sample portfolio (see ``portfolio.py``).

Every name here is invented. The lists are tuples so their order, and therefore the sample, never
depends on hashing; dicts are only looked up by key, never iterated.
"""

from __future__ import annotations

__all__ = [
    "COMPANIES",
    "CSMS",
    "OBJECTIVES",
    "NOTES",
    "STAGE_CYCLE",
    "SEGMENT_CYCLE",
    "SEGMENT_PROFILES",
]

#: Lifecycle stage index (0 Onboarding, 1 Implementation, 2 Adoption, 3 Optimize & Grow) of
#: account i is ``STAGE_CYCLE[i % 20]`` before shuffling: 3/3/7/7 accounts per 20.
STAGE_CYCLE = (0, 1, 2, 3, 2, 3, 0, 2, 3, 1, 2, 3, 2, 3, 0, 1, 2, 3, 2, 3)
#: Segment mix per 20 accounts: 4 Strategic, 6 Growth, 5 Scale, 5 Tech Touch.
SEGMENT_CYCLE = (
    "Strategic", "Growth", "Scale", "Tech Touch", "Growth", "Strategic", "Scale", "Tech Touch",
    "Growth", "Scale", "Tech Touch", "Growth", "Strategic", "Scale", "Tech Touch", "Growth",
    "Scale", "Strategic", "Growth", "Tech Touch",
)

#: Per segment: licensed seats (low, high, rounding step); probabilities of tier
#: (Free, Premium, Ultimate), deployment (SaaS, Self-Managed, Dedicated), CSM priority
#: ((values), (p)) and success plan status (Active, Draft, None); monthly ticket rate range.
SEGMENT_PROFILES = {
    "Strategic": {
        "seats": (1000, 5000, 50), "tier_p": (0, .25, .75), "deployment_p": (.35, .4, .25),
        "priority_p": ((1, 2), (.8, .2)), "tickets": (4, 12), "plan_p": (.7, .2, .1),
    },
    "Growth": {
        "seats": (250, 1200, 25), "tier_p": (0, .55, .45), "deployment_p": (.5, .4, .1),
        "priority_p": ((1, 2), (.25, .75)), "tickets": (2, 8), "plan_p": (.7, .2, .1),
    },
    "Scale": {
        "seats": (75, 400, 5), "tier_p": (0, .8, .2), "deployment_p": (.6, .4, 0),
        "priority_p": ((3, None), (.6, .4)), "tickets": (1, 5), "plan_p": (.25, .25, .5),
    },
    "Tech Touch": {
        "seats": (25, 120, 5), "tier_p": (0, 1, 0), "deployment_p": (.8, .2, 0),
        "priority_p": ((3, None), (.3, .7)), "tickets": (.2, 2), "plan_p": (.05, .15, .8),
    },
}

COMPANIES = (
    "Northwind Logistics",
    "Brightpath Health",
    "Baker & Finch Analytics",
    "O'Connell Freight Systems",
    "Lumen Grid Energy",
    "Harborview Capital",
    "Cobalt Ridge Software",
    "Meridian Retail Group",
    "Silverline Insurance",
    "Quarry Street Labs",
    "Tidewater Marine",
    "Aster & Vale Pharmaceuticals",
    "Pinecrest Education",
    "Redwood Payments",
    "Fieldstone Manufacturing",
    "Kestrel Aerospace",
    "Bluebell Telecom",
    "Granite Peak Mining",
    "Orchard Lane Foods",
    "Vantage Point Media",
    "Summit Crest Bank",
    "Ironbridge Automotive",
    "Clearwater Utilities",
    "Foxglove Games",
    "Halcyon Travel",
    "Juniper Civic Tech",
    "Marlowe's Home Goods",
    "Nimbus Weather Services",
    "Oakhurst Property Partners",
    "Parallax Robotics",
    "Quillfeather Publishing",
    "Riverbend Hospital Network",
    "Saffron & Sage Hospitality",
    "Tallgrass Agritech",
    "Umber Studio",
    "Verity Legal Cloud",
    "Windmere Water Authority",
    "Yellowfin Data",
    "Zephyr Mobility",
    "Alder Creek Credit Union",
)

CSMS = (
    "Maya Okafor",
    "Daniel Brandt",
    "Priya Raman",
    "Lucas Ferreira",
    "Hannah Kowalski",
    "Tom Nakamura",
)

OBJECTIVES = (
    "Migrate all repositories from legacy SCM",
    "Standardise CI pipelines across product teams",
    "Cut release lead time by 50 %",
    "Shift security scanning left into every merge request",
    "Roll out GitLab to the second business unit",
    "Automate deployments to production",
    "Retire the self-hosted Jenkins farm",
    "Reach 80 % license utilization",
    "Enable compliance pipelines for SOX audit",
    "Adopt value stream analytics for leadership reporting",
)

#: Short timeline notes by interaction type, in schema order of ``TIMELINE_TYPES``.
NOTES = {
    "Call": (
        "Cadence call: reviewed adoption and open tickets",
        "Walked through CI templates with the platform team",
        "Discussed runner capacity and pipeline duration",
        "Follow-up on migration blockers",
        "Reviewed security scan results and triage process",
    ),
    "Meeting": (
        "Workshop: merge request workflow and code review",
        "Onsite enablement session for new teams",
        "Planning session for next quarter's rollout",
        "Deployment strategy review (environments, approvals)",
    ),
    "Email": (
        "Shared release highlights and upgrade notes",
        "Sent success plan draft for review",
        "Shared training links for new users",
        "Renewal timeline and seat count check-in",
    ),
    "EBR": (
        "Executive business review: outcomes, roadmap, renewal",
        "EBR with leadership: value delivered and next objectives",
    ),
}
