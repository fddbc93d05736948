#include "mamori/report/reporting_defaults.hpp"

namespace mamori::report::detail {

// Verbatim copy of config/reporting.example.toml.
const std::string_view kDefaultReportingToml = R"toml(# mamori reporting configuration: who receives incident reports, which
# reporting deadlines apply, and the purposes for which reports may be read.
#
# This file is the shipped default (it is compiled into mamori; a test keeps
# the two identical). Copy it, edit it, and point the hub at the copy.
# Schema and rationale: docs/reporting.md. Unknown keys are errors.

# ---------------------------------------------------------------------------
# Recipients. Each is an organisation registered on the platform; the id is
# that organisation's id. kind: national_agency, ministry, police, regulator,
# csirt, other. sees_reporter_identity lets a recipient see who reported even
# when the reporter chose to be anonymous (default false).

[[recipient]]
id = "jp.ncs"
name = "National Cybersecurity Office (国家サイバー統括室)"
kind = "national_agency"
# The single point of contact (報告先の一元化) coordinates the response and
# must be able to call the reporter back; every other recipient gets the
# anonymised view when the reporter asks for anonymity.
sees_reporter_identity = true

[[recipient]]
id = "jp.fsa"
name = "Financial Services Agency (金融庁)"
kind = "ministry"

[[recipient]]
id = "jp.mic"
name = "Ministry of Internal Affairs and Communications (総務省)"
kind = "ministry"

[[recipient]]
id = "jp.mhlw"
name = "Ministry of Health, Labour and Welfare (厚生労働省)"
kind = "ministry"

[[recipient]]
id = "jp.meti"
name = "Ministry of Economy, Trade and Industry (経済産業省)"
kind = "ministry"

[[recipient]]
id = "jp.mlit"
name = "Ministry of Land, Infrastructure, Transport and Tourism (国土交通省)"
kind = "ministry"

[[recipient]]
id = "jp.npa"
name = "National Police Agency, cybercrime liaison (警察庁)"
kind = "police"

[[recipient]]
id = "jp.ppc"
name = "Personal Information Protection Commission (個人情報保護委員会)"
kind = "regulator"

# ---------------------------------------------------------------------------
# Fan-out: one submission reaches the national agency, the ministry in charge
# of the reporter's sector, and every recipient whose rule matches.

[fanout]
national_agency = "jp.ncs"

# Critical-infrastructure sectors and the ministries in charge of them
# (重要インフラ所管省庁). Water supply moved from MHLW to MLIT in April 2024.
[fanout.sector_ministry]
information_communication = "jp.mic"
finance = "jp.fsa"
aviation = "jp.mlit"
airports = "jp.mlit"
railways = "jp.mlit"
electricity = "jp.meti"
gas = "jp.meti"
government = "jp.mic"
medical = "jp.mhlw"
water = "jp.mlit"
logistics = "jp.mlit"
chemicals = "jp.meti"
credit_cards = "jp.meti"
petroleum = "jp.meti"
ports = "jp.mlit"

# Rules: `when` lists are ORs within a key and ANDs across keys. Keys:
# incident_types, service_impact, suspected_malicious, cross_border,
# personal_data, ransom_paid, sectors, jurisdictions,
# essential_infrastructure_only.

[[fanout.rule]]
name = "ransomware-to-police"
recipient = "jp.npa"
reason = "ransomware is a crime; the police cybercrime liaison receives ransomware reports"
when.incident_types = ["ransomware"]

[[fanout.rule]]
name = "personal-data-to-ppc"
recipient = "jp.ppc"
reason = "personal data is involved (APPI Art. 26 breach report)"
when.personal_data = ["yes"]

[[fanout.rule]]
name = "data-leak-to-ppc"
recipient = "jp.ppc"
reason = "data leak that may involve personal data (APPI Art. 26 breach report)"
when.incident_types = ["data_leak"]
when.personal_data = ["yes", "unknown"]

# ---------------------------------------------------------------------------
# Deadline regimes. A regime applies when `applies_when` matches the incident
# and its reporter; each stage is due `within` (m, h, d or mo; calendar
# months) of its anchor: "awareness" (the quick report's aware_at),
# "ransom_payment" (ransomware.ransom_paid_at; only once a payment is
# reported) or "stage" (anchor_stage: when that earlier stage was met, or its
# due time if not yet met). met_by: the document that meets the stage
# (quick, follow_up or final; a later stage also meets an earlier one).
# All times are UTC.

[[deadlines.regime]]
id = "jp-default"
name = "Japan: quick report, follow-up and final report (速報・続報・確報)"
reference = "Cybersecurity Policy for Critical Infrastructure Protection; 2024 expert panel recommendations (速報の簡素化). The hours are this platform's defaults, not statutory limits."
applies_when.jurisdictions = ["JP"]

[[deadlines.regime.stage]]
id = "quick_report"
name = "速報 quick report: as soon as possible, at the latest"
met_by = "quick"
within = "24h"
anchor = "awareness"

[[deadlines.regime.stage]]
id = "follow_up"
name = "続報 follow-up with the details of the incident"
met_by = "follow_up"
within = "72h"
anchor = "awareness"

[[deadlines.regime.stage]]
id = "final_report"
name = "確報 final report"
met_by = "final"
within = "30d"
anchor = "awareness"

[[deadlines.regime]]
id = "jp-appi"
name = "Japan APPI: personal-data breach report to the PPC"
reference = "Act on the Protection of Personal Information Art. 26; Enforcement Rules Art. 8 (速報 promptly, about 3-5 days; 確報 30 days, 60 days where a wrongful purpose is suspected)"
applies_when.jurisdictions = ["JP"]
applies_when.personal_data = ["yes"]

[[deadlines.regime.stage]]
id = "preliminary"
name = "速報 preliminary breach report"
met_by = "follow_up"
within = "5d"
anchor = "awareness"

[[deadlines.regime.stage]]
id = "final_30d"
name = "確報 final breach report"
met_by = "final"
within = "30d"
anchor = "awareness"
when.suspected_malicious = ["no", "unknown"]

[[deadlines.regime.stage]]
id = "final_60d"
name = "確報 final breach report (wrongful purpose suspected)"
met_by = "final"
within = "60d"
anchor = "awareness"
when.suspected_malicious = ["yes"]

[[deadlines.regime]]
id = "nis2"
name = "EU NIS2 Directive: significant incident"
reference = "Directive (EU) 2022/2555 Art. 23(4)"
applies_when.jurisdictions = ["EU"]

[[deadlines.regime.stage]]
id = "early_warning"
name = "Early warning (Art. 23(4)(a))"
met_by = "quick"
within = "24h"
anchor = "awareness"

[[deadlines.regime.stage]]
id = "incident_notification"
name = "Incident notification (Art. 23(4)(b))"
met_by = "follow_up"
within = "72h"
anchor = "awareness"

[[deadlines.regime.stage]]
id = "final_report"
name = "Final report, one month after the incident notification (Art. 23(4)(d))"
met_by = "final"
within = "1mo"
anchor = "stage"
anchor_stage = "incident_notification"

[[deadlines.regime]]
id = "circia"
name = "US CIRCIA: covered cyber incident and ransom payment"
reference = "6 U.S.C. 681b(a)(1) and (a)(2)"
applies_when.jurisdictions = ["US"]

[[deadlines.regime.stage]]
id = "covered_incident"
name = "Covered cyber incident report"
met_by = "follow_up"
within = "72h"
anchor = "awareness"

[[deadlines.regime.stage]]
id = "ransom_payment"
name = "Ransom payment report"
met_by = "follow_up"
within = "24h"
anchor = "ransom_payment"

[[deadlines.regime]]
id = "soci"
name = "Australia SOCI Act: critical infrastructure cyber security incident"
reference = "Security of Critical Infrastructure Act 2018 ss 30BC, 30BD"
applies_when.jurisdictions = ["AU"]

[[deadlines.regime.stage]]
id = "significant_impact"
name = "Critical cyber security incident (significant impact), s 30BC"
met_by = "quick"
within = "12h"
anchor = "awareness"
when.service_impact = ["outage"]

[[deadlines.regime.stage]]
id = "relevant_impact"
name = "Other cyber security incident (relevant impact), s 30BD"
met_by = "quick"
within = "72h"
anchor = "awareness"
when.service_impact = ["unknown", "none", "degraded"]

# ---------------------------------------------------------------------------
# Access: every read of a report by anyone but the reporter declares one of
# these purposes. roles: operator, analyst, carrier, overseer, admin, vendor.
# max_tlp: the most restricted TLP the purpose may read. any_audience: may read
# reports beyond their recipients (oversight only). passes_on: the purpose
# passes indicators to other organisations, which a reporter can refuse
# (handling.share_indicators = false).

[access.min_clearance]
CLEAR = 0
GREEN = 0
AMBER = 0
"AMBER+STRICT" = 1
RED = 2

[[access.purpose]]
id = "cybersecurity_analysis"
description = "Analysing the incident to understand and counter the attack"
roles = ["analyst", "operator"]
max_tlp = "RED"

[[access.purpose]]
id = "incident_coordination"
description = "Coordinating the response with the reporter and other responders"
roles = ["analyst"]
max_tlp = "RED"

[[access.purpose]]
id = "early_warning"
description = "Warning other organisations whose assets match the report's indicators"
roles = ["analyst"]
# Passing information on is what AMBER+STRICT and RED rule out.
max_tlp = "AMBER"
passes_on = true

[[access.purpose]]
id = "statistics"
description = "Aggregate statistics on incidents, without identifying reporters"
roles = ["analyst", "overseer"]
max_tlp = "AMBER+STRICT"

[[access.purpose]]
id = "oversight"
description = "Inspection by the independent oversight body of how reports are handled"
roles = ["overseer"]
max_tlp = "RED"
any_audience = true

[[access.forbidden]]
id = "sanctions_against_reporter"
reason = "reported information serves cybersecurity only and is never used for sanctions or penalties against the reporter (制裁目的での利用防止)"

[[access.forbidden]]
id = "regulatory_enforcement"
reason = "supervisory or enforcement action against the reporter is not a purpose for which reports are shared"

[[access.forbidden]]
id = "criminal_investigation_of_reporter"
reason = "a report is not evidence against the organisation that filed it"

[[access.forbidden]]
id = "commercial_use"
reason = "reported information may not be used for commercial purposes"

[[access.forbidden]]
id = "publication"
reason = "reports are not published; advisories are written and published through their own process"
)toml";

}  // namespace mamori::report::detail
