// The sample API's schema and the realistic data it starts with (a workflow-automation SaaS).
#pragma once

#include <cstdint>
#include <string_view>

namespace mcpedge::demo::seed {

// Schema version 1; k_schema_v2 below upgrades it (a new file gets both, a version 1 file only the
// upgrade). Times are milliseconds since the Unix epoch (UTC); steps, input and output are JSON
// text. An execution's stored `state` is 'running' until stopped; whether it has finished is
// derived from the clock when it is read.
inline constexpr const char* k_schema = R"sql(
CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE spaces (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE members (
  space_id TEXT NOT NULL REFERENCES spaces(id),
  email TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
  PRIMARY KEY (space_id, email)
);
CREATE TABLE folders (
  id TEXT PRIMARY KEY,
  space_id TEXT NOT NULL REFERENCES spaces(id),
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX folders_by_space ON folders(space_id);
CREATE TABLE workflows (
  id TEXT PRIMARY KEY,
  folder_id TEXT NOT NULL REFERENCES folders(id),
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
  steps TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX workflows_by_folder ON workflows(folder_id);
CREATE INDEX workflows_by_created ON workflows(created_at, id);
CREATE TABLE executions (
  id TEXT PRIMARY KEY,
  workflow_id TEXT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
  state TEXT NOT NULL CHECK (state IN ('running', 'succeeded', 'failed', 'cancelled')),
  input TEXT NOT NULL,
  output TEXT,
  error TEXT,
  started_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE INDEX executions_by_workflow ON executions(workflow_id, started_at);
CREATE TABLE cases (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'resolved', 'closed')),
  priority TEXT NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
  assignee TEXT,
  workflow_id TEXT,
  execution_id TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX cases_by_created ON cases(created_at, id);
)sql";

// Version 2: end-user API keys (PropelAuth style), minted with the admin key. Only the SHA-256 of a
// key is stored; metadata is JSON text; expires_at is NULL for a key that never expires.
inline constexpr const char* k_schema_v2 = R"sql(
CREATE TABLE end_user_api_keys (
  id TEXT PRIMARY KEY,
  token_hash BLOB NOT NULL UNIQUE,
  user_id TEXT NOT NULL,
  org_id TEXT,
  metadata TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER
);
PRAGMA user_version = 2;
)sql";

inline constexpr int k_schema_version = 2;

// 2025-01-06T09:00:00Z: the day the demo company started automating.
inline constexpr std::int64_t k_epoch_ms = 1736154000000;
inline constexpr std::int64_t k_hour_ms = 3600 * 1000;
inline constexpr std::int64_t k_day_ms = 24 * k_hour_ms;

struct Space {
  std::string_view id, name, description;
  int day;  // created k_epoch_ms + day
};
inline constexpr Space k_spaces[] = {
    {"spc_ops", "Operations", "Internal operations: employee onboarding, finance approvals and IT requests.", 0},
    {"spc_sales", "Sales", "Lead routing, CRM hygiene and renewal reminders.", 2},
    {"spc_support", "Customer Support", "Ticket triage, escalations and customer notifications.", 5},
};

struct Member {
  std::string_view space_id, email, name, role;
};
inline constexpr Member k_members[] = {
    {"spc_ops", "maya.chen@acme.example", "Maya Chen", "owner"},
    {"spc_ops", "liam.oconnor@acme.example", "Liam O'Connor", "editor"},
    {"spc_ops", "priya.natarajan@acme.example", "Priya Natarajan", "viewer"},
    {"spc_sales", "jonas.weber@acme.example", "Jonas Weber", "owner"},
    {"spc_sales", "sofia.alvarez@acme.example", "Sofia Alvarez", "editor"},
    {"spc_sales", "maya.chen@acme.example", "Maya Chen", "viewer"},
    {"spc_support", "amara.okafor@acme.example", "Amara Okafor", "owner"},
    {"spc_support", "diego.santos@acme.example", "Diego Santos", "editor"},
    {"spc_support", "liam.oconnor@acme.example", "Liam O'Connor", "editor"},
};

struct Folder {
  std::string_view id, space_id, name, description;
  int day;
};
inline constexpr Folder k_folders[] = {
    {"fld_onboarding", "spc_ops", "Employee onboarding", "Accounts, equipment and first-week checklists for new hires.",
     1},
    {"fld_finance", "spc_ops", "Finance approvals", "Invoice and expense approval flows.", 3},
    {"fld_leads", "spc_sales", "Lead routing", "Assigns inbound leads and keeps the CRM clean.", 4},
    {"fld_renewals", "spc_sales", "Renewals", "Reminders and follow-ups before contracts renew.", 6},
    {"fld_escalations", "spc_support", "Escalations", "Routes urgent tickets to the right people fast.", 7},
};

struct Workflow {
  std::string_view id, folder_id, name, description, status;
  std::string_view steps;  // JSON array of {type, name, config}; ids are assigned when seeding
  int day;
};
inline constexpr Workflow k_workflows[] = {
    {"wf_7h2k9m4q", "fld_onboarding", "New hire onboarding",
     "Creates accounts and welcomes a new employee as soon as HR records the hire.", "active",
     R"([{"type":"webhook_trigger","name":"HR system: employee created","config":{"source":"bamboohr"}},
         {"type":"http_request","name":"Create Google Workspace account","config":{"method":"POST","url":"https://admin.googleapis.com/admin/directory/v1/users"}},
         {"type":"send_email","name":"Send welcome email","config":{"to":"{{employee.email}}","template":"welcome"}},
         {"type":"post_to_slack","name":"Announce in #general","config":{"channel":"#general"}}])",
     8},
    {"wf_3x8p1n6d", "fld_onboarding", "Laptop request", "Opens an IT ticket for a new laptop and tells IT about it.",
     "inactive",
     R"([{"type":"manual_trigger","name":"Started by a manager","config":{}},
         {"type":"create_case","name":"Open IT ticket","config":{"priority":"medium"}},
         {"type":"send_email","name":"Notify IT","config":{"to":"it@acme.example"}}])",
     10},
    {"wf_5c1v7t2r", "fld_finance", "Invoice approval",
     "Routes incoming invoices to finance; invoices over $5,000 need a human approval in Slack.", "active",
     R"([{"type":"webhook_trigger","name":"Invoice received","config":{"source":"quickbooks"}},
         {"type":"condition","name":"Amount over $5,000?","config":{"expression":"invoice.amount > 5000"}},
         {"type":"post_to_slack","name":"Ask #finance-approvals","config":{"channel":"#finance-approvals"}},
         {"type":"update_record","name":"Mark invoice approved","config":{"object":"invoice","field":"status","value":"approved"}}])",
     12},
    {"wf_9m4b6w8k", "fld_finance", "Weekly expense digest",
     "Every Monday morning, emails finance a per-team summary of last week's expenses.", "active",
     R"([{"type":"schedule_trigger","name":"Every Monday at 08:00","config":{"cron":"0 8 * * 1","timezone":"UTC"}},
         {"type":"http_request","name":"Fetch last week's expenses","config":{"method":"GET","url":"https://api.expensify.example/v2/expenses"}},
         {"type":"transform","name":"Group by team","config":{"group_by":"team"}},
         {"type":"send_email","name":"Email digest to finance","config":{"to":"finance@acme.example"}}])",
     15},
    {"wf_2q7z5e3j", "fld_leads", "Inbound lead router",
     "Enriches leads from the website form and assigns them to the right sales owner.", "active",
     R"([{"type":"webhook_trigger","name":"Website form submitted","config":{"source":"website"}},
         {"type":"transform","name":"Enrich company data","config":{"provider":"clearbit"}},
         {"type":"condition","name":"Company size over 200?","config":{"expression":"company.employees > 200"}},
         {"type":"update_record","name":"Assign owner in CRM","config":{"object":"lead","field":"owner"}},
         {"type":"post_to_slack","name":"Notify #sales-leads","config":{"channel":"#sales-leads"}}])",
     18},
    {"wf_8r3f1y6u", "fld_leads", "CRM duplicate cleanup",
     "Nightly job that finds duplicate contacts in the CRM and merges them.", "active",
     R"([{"type":"schedule_trigger","name":"Every day at 02:00","config":{"cron":"0 2 * * *","timezone":"UTC"}},
         {"type":"http_request","name":"Find duplicate contacts","config":{"method":"GET","url":"https://api.hubspot.example/crm/v3/duplicates"}},
         {"type":"update_record","name":"Merge duplicates","config":{"object":"contact","action":"merge"}}])",
     20},
    {"wf_4t6g2h9a", "fld_leads", "Lead follow-up reminder",
     "Reminds a lead by email when they have not replied for three days.", "inactive",
     R"([{"type":"schedule_trigger","name":"Every day at 09:00","config":{"cron":"0 9 * * *","timezone":"UTC"}},
         {"type":"condition","name":"No reply for 3 days?","config":{"expression":"lead.days_since_reply >= 3"}},
         {"type":"send_email","name":"Send follow-up email","config":{"template":"follow_up"}}])",
     24},
    {"wf_6n9j3k1s", "fld_renewals", "Renewal reminder (60 days)",
     "Tells account owners about contracts renewing in 60 days and opens a renewal case.", "active",
     R"([{"type":"schedule_trigger","name":"Every day at 07:00","config":{"cron":"0 7 * * *","timezone":"UTC"}},
         {"type":"http_request","name":"List contracts renewing in 60 days","config":{"method":"GET","url":"https://api.salesforce.example/contracts?renews_in=60d"}},
         {"type":"send_email","name":"Remind account owner","config":{"to":"{{contract.owner_email}}"}},
         {"type":"create_case","name":"Open renewal case","config":{"priority":"medium"}}])",
     27},
    {"wf_1k5l8p2c", "fld_renewals", "Churn risk alert",
     "Alerts customer success when a customer's usage drops sharply.", "active",
     R"([{"type":"webhook_trigger","name":"Usage dropped","config":{"source":"analytics"}},
         {"type":"condition","name":"Drop over 40%?","config":{"expression":"usage.drop_pct > 40"}},
         {"type":"post_to_slack","name":"Alert #customer-success","config":{"channel":"#customer-success"}},
         {"type":"create_case","name":"Open churn-risk case","config":{"priority":"high"}}])",
     30},
    {"wf_7w2e4r9v", "fld_escalations", "Urgent ticket escalation",
     "Pages on-call for urgent tickets and emails the support manager if nobody picks it up in 30 minutes.", "active",
     R"([{"type":"webhook_trigger","name":"Ticket tagged urgent","config":{"source":"zendesk"}},
         {"type":"create_case","name":"Open escalation case","config":{"priority":"urgent"}},
         {"type":"post_to_slack","name":"Page on-call in #support-escalations","config":{"channel":"#support-escalations"}},
         {"type":"delay","name":"Wait 30 minutes","config":{"minutes":30}},
         {"type":"condition","name":"Still unassigned?","config":{"expression":"ticket.assignee == null"}},
         {"type":"send_email","name":"Email support manager","config":{"to":"support-lead@acme.example"}}])",
     33},
    {"wf_3d8s6a1f", "fld_escalations", "SLA breach watcher",
     "Every 15 minutes, opens a case for tickets about to breach their SLA.", "active",
     R"([{"type":"schedule_trigger","name":"Every 15 minutes","config":{"cron":"*/15 * * * *","timezone":"UTC"}},
         {"type":"http_request","name":"Find tickets near their SLA","config":{"method":"GET","url":"https://acme.zendesk.example/api/v2/search?query=sla"}},
         {"type":"create_case","name":"Open SLA breach case","config":{"priority":"high"}}])",
     36},
    {"wf_5y1u7i3o", "fld_escalations", "Customer satisfaction survey",
     "Sends a CSAT survey one day after a ticket is solved.", "inactive",
     R"([{"type":"webhook_trigger","name":"Ticket solved","config":{"source":"zendesk"}},
         {"type":"delay","name":"Wait 1 day","config":{"minutes":1440}},
         {"type":"send_email","name":"Send CSAT survey","config":{"template":"csat"}}])",
     40},
};

struct Execution {
  std::string_view id, workflow_id, state, input, output, error;  // empty output/error: NULL
  int day;
  int duration_s;
};
inline constexpr Execution k_executions[] = {
    {"exe_a1b2c3d4", "wf_7h2k9m4q", "succeeded", R"({"employee":{"name":"Noah Kim","email":"noah.kim@acme.example"}})",
     R"({"steps_completed":4,"account":"noah.kim@acme.example"})", "", 41, 3},
    {"exe_e5f6g7h8", "wf_5c1v7t2r", "succeeded", R"({"invoice":{"id":"INV-2291","amount":7420}})",
     R"({"steps_completed":4,"approved_by":"maya.chen@acme.example"})", "", 44, 5400},
    {"exe_i9j0k1l2", "wf_9m4b6w8k", "succeeded", R"({})", R"({"steps_completed":4,"teams":7,"total_usd":18234.55})", "",
     49, 12},
    {"exe_m3n4o5p6", "wf_2q7z5e3j", "succeeded",
     R"({"lead":{"company":"Northwind Traders","email":"ana@northwind.example"}})",
     R"({"steps_completed":5,"owner":"sofia.alvarez@acme.example"})", "", 52, 4},
    {"exe_q7r8s9t0", "wf_2q7z5e3j", "failed", R"({"lead":{"company":"Initech","email":"peter@initech.example"}})", "",
     "step 2 (Enrich company data): enrichment API returned 429 Too Many Requests", 55, 31},
    {"exe_u1v2w3x4", "wf_8r3f1y6u", "succeeded", R"({})", R"({"steps_completed":3,"merged":14})", "", 58, 95},
    {"exe_y5z6a7b8", "wf_6n9j3k1s", "cancelled", R"({})", "", "", 61, 20},
    {"exe_c9d0e1f2", "wf_1k5l8p2c", "succeeded", R"({"account":"Globex","drop_pct":52})",
     R"({"steps_completed":4,"case_id":"case_1009"})", "", 64, 2},
    {"exe_g3h4i5j6", "wf_7w2e4r9v", "failed", R"({"ticket":{"id":48213,"subject":"Checkout is down"}})", "",
     "step 3 (Page on-call in #support-escalations): Slack returned channel_not_found", 67, 6},
    {"exe_k7l8m9n0", "wf_3d8s6a1f", "succeeded", R"({})", R"({"steps_completed":3,"cases_opened":2})", "", 70, 8},
};

struct Case {
  std::string_view title, description, workflow_id, execution_id;  // empty execution_id: NULL
};
// Ids are case_1001 onwards; status, priority, assignee and dates follow fixed cycles (sample_api.cpp).
inline constexpr Case k_cases[] = {
    {"Welcome email bounced for new hire",
     "The welcome email to noah.kim@acme.example bounced: mailbox not created yet when the email step ran.",
     "wf_7h2k9m4q", "exe_a1b2c3d4"},
    {"Google Workspace account creation failed",
     "HTTP 409 from the Directory API: the user already exists. The onboarding run stopped at step 2.", "wf_7h2k9m4q",
     ""},
    {"Duplicate Slack announcement in #general",
     "Two announcements were posted for the same new hire after the HR webhook was retried.", "wf_7h2k9m4q", ""},
    {"Invoice INV-2291 stuck waiting for approval",
     "The approval request was posted to Slack but nobody reacted for three days.", "wf_5c1v7t2r", "exe_e5f6g7h8"},
    {"Expense digest missing the Marketing team",
     "The weekly digest grouped Marketing expenses under 'Unknown' because the team field was empty.", "wf_9m4b6w8k",
     "exe_i9j0k1l2"},
    {"Lead from Northwind assigned to wrong owner",
     "Northwind Traders has 180 employees but was routed to the enterprise team.", "wf_2q7z5e3j", "exe_m3n4o5p6"},
    {"CRM merge removed a primary contact",
     "The nightly duplicate cleanup merged two different people with the same name at Contoso.", "wf_8r3f1y6u",
     "exe_u1v2w3x4"},
    {"Renewal reminder sent to a churned customer",
     "Globex cancelled last month but still received the 60-day renewal reminder email.", "wf_6n9j3k1s", ""},
    {"Churn alert fired for a paused account",
     "Usage dropped because the customer paused their account on purpose; the alert was noise.", "wf_1k5l8p2c",
     "exe_c9d0e1f2"},
    {"Urgent ticket escalation paged the wrong rotation",
     "The on-call page for ticket 48213 went to the weekend rotation on a Tuesday.", "wf_7w2e4r9v", "exe_g3h4i5j6"},
    {"SLA watcher missed a priority ticket", "Ticket 48377 breached its 4-hour SLA without a case being opened.",
     "wf_3d8s6a1f", "exe_k7l8m9n0"},
    {"CSAT survey sent twice", "Customers whose ticket was reopened and solved again received the survey email twice.",
     "wf_5y1u7i3o", ""},
    {"Webhook signature check failed for HR system",
     "The HR system rotated its signing secret; webhook calls are rejected with 401.", "wf_7h2k9m4q", ""},
    {"Laptop request missing shipping address", "The IT ticket was opened without the new hire's shipping address.",
     "wf_3x8p1n6d", ""},
    {"Invoice approval Slack message has broken link",
     "The 'Review invoice' button in Slack points to the staging QuickBooks URL.", "wf_5c1v7t2r", ""},
    {"Payment reminder email not delivered to Globex",
     "The payment reminder email to accounts@globex.example was rejected by their spam filter.", "wf_6n9j3k1s", ""},
    {"Enrichment API rate limit reached", "Lead enrichment returned 429 Too Many Requests during the product launch.",
     "wf_2q7z5e3j", "exe_q7r8s9t0"},
    {"Lead router timed out during traffic spike",
     "Form submissions queued for 20 minutes before being routed after the webinar.", "wf_2q7z5e3j", ""},
    {"Renewal case created with no account owner",
     "The contract for Umbrella Corp has no owner in Salesforce, so the case is unassigned.", "wf_6n9j3k1s", ""},
    {"Escalation email lands in spam",
     "Support manager emails from the escalation workflow are marked as spam by Outlook.", "wf_7w2e4r9v", ""},
    {"On-call page missing ticket link", "The Slack page for urgent tickets does not include a link to the ticket.",
     "wf_7w2e4r9v", ""},
    {"Expense totals off by one day (timezone)",
     "Expenses filed late Sunday in US time zones appear in the wrong week of the digest.", "wf_9m4b6w8k", ""},
    {"Follow-up reminder sent after customer replied",
     "The reply was logged in Gmail but not synced to the CRM, so the follow-up email went out anyway.", "wf_4t6g2h9a",
     ""},
    {"Contract list API returned 500",
     "The Salesforce contracts endpoint failed with HTTP 500; no renewal reminders went out that day.", "wf_6n9j3k1s",
     "exe_y5z6a7b8"},
    {"Usage webhook payload missing account id",
     "Analytics sent a usage-dropped event without account_id; the churn workflow could not match it.", "wf_1k5l8p2c",
     ""},
    {"Onboarding flow created duplicate accounts",
     "A retried webhook created two Google Workspace accounts for the same employee.", "wf_7h2k9m4q", ""},
    {"Slack channel #sales-leads archived",
     "Posting lead notifications fails with is_archived since the channel was archived.", "wf_2q7z5e3j", ""},
    {"Invoice over $5,000 auto-approved",
     "An invoice of $5,000.00 exactly skipped human approval: the condition uses > instead of >=.", "wf_5c1v7t2r", ""},
    {"SLA breach case opened for a closed ticket",
     "The SLA search includes tickets that were closed in the last minute.", "wf_3d8s6a1f", ""},
    {"Survey link expired before customer clicked",
     "CSAT links expire after 24 hours but the email is sent after a 1-day delay.", "wf_5y1u7i3o", ""},
    {"Welcome email uses old company logo", "The welcome email template still shows the 2023 logo.", "wf_7h2k9m4q", ""},
    {"Renewal reminder missing contract value",
     "Account owners asked for the contract value in the renewal reminder email.", "wf_6n9j3k1s", ""},
    {"Lead enrichment returned wrong company size", "Enrichment reports 12 employees for Initech, which has over 500.",
     "wf_2q7z5e3j", ""},
    {"Escalation delay step skipped",
     "Urgent tickets escalate to the manager immediately: the 30-minute delay step was not applied.", "wf_7w2e4r9v",
     ""},
    {"HR webhook retries flooding the queue",
     "The HR system retries failed webhook deliveries every second for an hour.", "wf_7h2k9m4q", ""},
    {"Weekly digest email too large to send", "The expense digest with attachments exceeded the 25 MB email limit.",
     "wf_9m4b6w8k", ""},
    {"Churn alert threshold too sensitive",
     "Seasonal customers trigger churn alerts every December; consider a 60% threshold.", "wf_1k5l8p2c", ""},
    {"CRM cleanup ran twice in one night", "Daylight saving time change made the 02:00 schedule run twice.",
     "wf_8r3f1y6u", ""},
    {"Ticket solved webhook not received", "Zendesk stopped sending ticket-solved events after the trigger was edited.",
     "wf_5y1u7i3o", ""},
    {"Approval reminder sent to former employee",
     "Invoice approval reminders still go to an approver who left the company.", "wf_5c1v7t2r", ""},
};

}  // namespace mcpedge::demo::seed
