"""Fixed vocabularies for the built-in sample portfolio: fictional companies, CSMs, personas, notes.

Every name here is invented. The lists are tuples so their order, and therefore the sample, never
depends on hashing.
"""

from __future__ import annotations

__all__ = ["COMPANIES", "CSMS", "PERSONAS", "OBJECTIVES", "NOTES"]

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

#: External attendee roles written into the Timeline ``Attendees`` text, "; "-separated.
PERSONAS = (
    "Dev Lead",
    "Security Lead",
    "VP Engineering",
    "Engineering Manager",
    "Platform Engineer",
    "CTO",
    "Procurement",
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
